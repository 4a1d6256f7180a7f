"""Pooled PostgreSQL connections are tested before use only after sitting idle: a dead idle
connection is replaced before a request sees it, a busy one costs no extra round trip."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from lms.extensions import db


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server connection to lose (set TEST_DATABASE_URL)")
    return app


def _backend_pid() -> int:
    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    db.session.remove()  # the connection goes back to the pool
    return pid


def _count_pings(monkeypatch) -> list:
    pings: list = []
    real = type(db.engine.dialect).do_ping

    def counting(self, dbapi_connection):
        pings.append(dbapi_connection)
        return real(self, dbapi_connection)

    monkeypatch.setattr(type(db.engine.dialect), "do_ping", counting)
    return pings


@pytest.mark.app_config(DB_PING_IDLE_SECONDS=0.2)
def test_an_idle_connection_cut_by_the_server_is_replaced_unseen(postgres, client):
    pid = _backend_pid()
    other = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with other.connect() as conn:  # what a database restart or idle_session_timeout does
        assert conn.scalar(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
    other.dispose()
    time.sleep(0.3)
    assert client.get("/readyz").status_code == 200
    assert _backend_pid() != pid


@pytest.mark.app_config(DB_PING_IDLE_SECONDS=60)
def test_a_connection_used_a_moment_ago_is_not_pinged(postgres, monkeypatch):
    pings = _count_pings(monkeypatch)
    first = _backend_pid()
    for _ in range(3):
        assert _backend_pid() == first
    assert pings == []


@pytest.mark.app_config(DB_PING_IDLE_SECONDS=0)
def test_zero_pings_every_checkout(postgres, monkeypatch):
    _backend_pid()  # the pool holds a connection that has been handed back once
    pings = _count_pings(monkeypatch)
    for _ in range(3):
        _backend_pid()
    assert len(pings) == 3
