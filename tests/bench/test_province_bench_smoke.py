"""bench/compliance.py's province dashboard runs at a tiny scale (the page answers, small)."""

import importlib.util
from pathlib import Path


def test_province_dashboard_bench_tiny(tmp_path):
    path = Path(__file__).resolve().parents[2] / "bench" / "compliance.py"
    spec = importlib.util.spec_from_file_location("bench_compliance_province", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run("tiny", f"sqlite:///{tmp_path / 'bench.sqlite3'}", naive=False)
    assert figures["province_dashboard_s"] < 5
    assert 0 < figures["province_dashboard_kb"] <= 30
