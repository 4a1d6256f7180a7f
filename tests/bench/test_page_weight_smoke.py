"""Smoke run of bench/page_weight.py so it cannot rot."""

from bench import page_weight


def test_page_weight_bench_measures_the_login_page(capsys):
    results = page_weight.main(limit=3, phone=None)
    assert results and results[0]["url"] == "/login"
    assert results[0]["bytes"] > 1000 and results[0]["requests"] >= 2
    assert "pages:" in capsys.readouterr().out
