"""Smoke run of bench/page_weight.py so it cannot rot."""

from bench import page_weight


def test_page_weight_bench_measures_the_login_page(capsys):
    results = page_weight.main(limit=3, phone=None)
    assert results and results[0]["url"] == "/login"
    assert results[0]["bytes"] > 1000 and results[0]["requests"] >= 2
    assert "pages:" in capsys.readouterr().out


def test_page_weight_bench_reaches_member_and_quiz_pages(capsys):
    results = page_weight.main(limit=3)
    urls = [r["url"] for r in results]
    assert "/privacy" in urls  # the notice is accepted, then the crawl goes on past it
    assert any(u.startswith("/quiz/attempts/") and u.endswith("/result") for u in urls)
    assert any(u.startswith("/quiz/attempts/") and not u.endswith("/result") for u in urls)
    for r in results:
        assert 0 < r["bytes"] < r["raw"]  # sent with gzip, as behind the nginx of deploy/
    assert "B raw" in capsys.readouterr().out


def test_transferred_leaves_small_bodies_alone():
    assert page_weight.transferred(b"x" * 100) == 100
    assert page_weight.transferred(b"abc" * 2000) < 200
