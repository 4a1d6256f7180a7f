"""bench/compliance.py runs at a tiny scale and agrees with the naive loop."""

import importlib.util
from pathlib import Path


def test_bench_tiny(tmp_path, database_url):
    path = Path(__file__).resolve().parents[2] / "bench" / "compliance.py"
    spec = importlib.util.spec_from_file_location("bench_compliance", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run("tiny", f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    assert figures["members"] == 60
    assert figures["naive_agrees"] is True
    assert figures["summary_in_scope"] > 0
