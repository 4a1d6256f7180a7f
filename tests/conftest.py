"""Shared fixtures: ``app``, ``client``, ``runner``, ``auth`` and the factories.

The suite runs on SQLite by default and on PostgreSQL when ``TEST_DATABASE_URL`` is set. The
schema is built once per run; every test starts from empty tables.

Per-test settings: ``@pytest.mark.app_config(WTF_CSRF_ENABLED=True)``.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from lms import create_app
from lms.config import database_uri
from lms.extensions import db
from tests import factories

DEMO_PASSWORD = factories.PASSWORD


def pytest_configure(config):
    config.addinivalue_line("markers", "app_config(**settings): extra Flask settings for a test")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return database_uri(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def base_config(database_url: str) -> dict:
    """Settings every test app gets."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "argon2id:1024:1:1",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(base_config(database_url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Start from an empty schema: tables left by older code would block drop_all().
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    yield


def _empty_tables() -> None:
    engine = db.engine
    tables = [t.name for t in db.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for name in reversed(tables):
                conn.execute(text(f'DELETE FROM "{name}"'))
            conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def app(request, database_url, _schema):
    settings = base_config(database_url)
    marker = request.node.get_closest_marker("app_config")
    if marker:
        settings.update(marker.kwargs)
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, phone: str, password: str = DEMO_PASSWORD, follow: bool = False):
        return self.client.post(
            "/login", data={"phone": phone, "password": password}, follow_redirects=follow
        )

    def login_as(self, user, follow: bool = False):
        return self.login(user.phone, DEMO_PASSWORD, follow)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make(app):
    """The factories module: ``make.user()``, ``make.commune()``, ``make.team()`` …"""
    return factories
