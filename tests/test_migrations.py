"""The committed Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from lms import create_app
from lms.config import database_uri
from lms.extensions import db


def _fresh_postgres() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    admin = create_engine(database_uri(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS lms_migration_check"))
        conn.execute(text("CREATE DATABASE lms_migration_check"))
    admin.dispose()
    return database_uri(url).rsplit("/", 1)[0] + "/lms_migration_check"


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_migrations_match_models_and_downgrade(engine, tmp_path):
    if engine == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    else:
        url = _fresh_postgres()
        if url is None:
            pytest.skip("PostgreSQL migration check skipped: TEST_DATABASE_URL is not set")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ; run `lms db migrate`: {diff[:5]}"
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
