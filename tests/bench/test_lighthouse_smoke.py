"""Smoke run of bench/lighthouse.py: Lighthouse scores the log-in page (needs Node.js)."""

import shutil

import pytest

from bench import lighthouse


def test_lighthouse_scores_the_login_page():
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.skip("Lighthouse smoke run skipped: Node.js is not installed")
    if not shutil.which("chromium"):
        pytest.skip("Lighthouse smoke run skipped: no Chromium found")
    try:
        lighthouse.lighthouse_bin()
    except lighthouse.LighthouseUnavailable as exc:
        pytest.skip(f"Lighthouse smoke run skipped: {exc}")
    scores = lighthouse.main(["/login"])
    assert set(scores["/login"]) == {"performance", "accessibility"}
    assert 0 <= scores["/login"]["performance"] <= 1
