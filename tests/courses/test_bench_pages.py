"""Smoke test of bench/pages.py: it runs with tiny parameters and prints its figures."""

import subprocess
import sys

from lms.config import PROJECT_ROOT


def test_bench_pages_prints_figures():
    result = subprocess.run(
        [sys.executable, "bench/pages.py", "--seconds", "1", "--members", "8", "--connections", "2"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "requests/s:" in result.stdout and "p95 ms:" in result.stdout
