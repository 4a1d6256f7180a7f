"""bench/training_day.py cannot rot: 20 members, no server killed, behind a real nginx and two
gunicorn instances, on PostgreSQL when TEST_DATABASE_URL is set (else SQLite)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_training_day",
                                                  ROOT / "bench" / "training_day.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_training_day_smoke(monkeypatch):
    from bench.loadkit import nginx_binary

    if nginx_binary() is None:
        pytest.skip("training-day smoke run skipped: nginx is not installed (.ci/run installs it)")
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        parts = urlsplit(url)
        database = urlunsplit(parts._replace(path="/training_day_smoke"))
    else:
        database = "sqlite"
    for name in ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "LMS_INSTANCE_DIR",
                 "RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES", "LOG_JSON"):
        monkeypatch.delenv(name, raising=False)
    bench = _bench()
    result = bench.main(["--members", "20", "--no-kill", "--seconds", "5",
                         "--database", database])
    for name in ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "LMS_INSTANCE_DIR",
                 "RATELIMIT_STORAGE_URI", "TRUSTED_PROXIES", "LOG_JSON"):
        os.environ.pop(name, None)  # main() set them for its servers
    assert result["members"] == 20 and result["requests"] > 20 * 10
    assert bench.passed(result, smoke=True), result
