"""Migration b10b_quiz_answers moves saved answers from ``attempts.answers`` to rows and back,
without touching what points at the attempts (SQLite: no copy of the table)."""

from __future__ import annotations

import json
import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from lms import create_app
from lms.config import database_uri
from lms.extensions import db

BEFORE, AFTER = "b10a_sessions_accounts", "b10b_quiz_answers"
ROWS = [
    "insert into users (id, full_name, name_folded, phone, password_hash, account_role, locale,"
    " created_at, must_change_password, active) values (1, 'A', 'a', '+84900000001', 'x',"
    " 'member', 'vi', CURRENT_TIMESTAMP, false, true)",
    "insert into modules (id, slug, title_vi, title_en, position, retired, topic, summary_vi,"
    " summary_en, minutes, pass_mark, sources, content_hash, updated_at) values (1, 'm', 'm',"
    " 'm', 1, false, 't', 's', 's', 5, 70, '[]', 'h', CURRENT_TIMESTAMP)",
    "insert into quizzes (id, module_id) values (1, 1)",
    "insert into quiz_versions (id, quiz_id, number, content_hash, settings, created_at)"
    " values (1, 1, 1, 'h', '{}', CURRENT_TIMESTAMP)",
    "insert into questions (id, version_id, key, type, position, data)"
    " values (7, 1, 'k', 'single', 0, '{}'), (8, 1, 'k2', 'multiple', 1, '{}')",
]


def _url(engine: str, tmp_path) -> str:
    if engine == "sqlite":
        return f"sqlite:///{tmp_path / 'answers.sqlite3'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL migration check skipped: TEST_DATABASE_URL is not set")
    admin = create_engine(database_uri(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS lms_answers_migration_check"))
        conn.execute(text("CREATE DATABASE lms_answers_migration_check"))
    admin.dispose()
    return database_uri(url).rsplit("/", 1)[0] + "/lms_answers_migration_check"


def _json(value, engine: str):
    """A JSON column read with plain SQL: text on SQLite, decoded by the PostgreSQL driver."""
    return json.loads(value) if engine == "sqlite" else value


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_saved_answers_move_to_rows_and_back(engine, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": _url(engine, tmp_path), "SECRET_KEY": "x",
                      "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            for sql in ROWS:
                conn.execute(text(sql))
            conn.execute(text(
                "insert into attempts (id, user_id, quiz_id, version_id, started_at, layout,"
                " answers, passed) values (1, 1, 1, 1, CURRENT_TIMESTAMP, '[]', :answers, false)"),
                {"answers": json.dumps({"7": "b", "8": ["a", "c"], "99": "question gone"})})
            conn.execute(text(
                "insert into module_completions (user_id, module_id, completed_at, attempt_id,"
                " score) values (1, 1, CURRENT_TIMESTAMP, 1, 80)"))
        upgrade(revision=AFTER)
        with db.engine.connect() as conn:
            rows = conn.execute(text("select attempt_id, question_id, value from attempt_answers"
                                     " order by question_id")).all()
            assert [(a, q, _json(v, engine)) for a, q, v in rows] == [(1, 7, "b"), (1, 8, ["a", "c"])]
            assert conn.execute(text("select attempt_id from module_completions")).scalar() == 1
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            saved = conn.execute(text("select answers from attempts")).scalar()
            assert _json(saved, engine) == {"7": "b", "8": ["a", "c"]}
            assert conn.execute(text("select attempt_id from module_completions")).scalar() == 1
        downgrade(revision="base")
        db.session.remove()
        db.engine.dispose()
