"""Smoke run of bench/quiz_burst.py with a tiny classroom (no timing assertion)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quiz_burst_smoke():
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "quiz_burst.py"), "--members", "3", "--seconds", "1",
         "--timeout", "90"],
        cwd=ROOT, capture_output=True, text=True, timeout=150,
    )
    assert "members=3" in result.stdout, result.stdout + result.stderr
    assert "requests=15" in result.stdout and "errors=0" in result.stdout, result.stdout
