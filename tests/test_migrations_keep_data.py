"""Upgrading a SQLite database with data in it keeps every row: table rebuilds (how SQLite
alters a table) must not cascade-delete the rows that point at the rebuilt table."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from lms import create_app
from lms.extensions import db

START = "b10b_quiz_answers"  # attempts already keep their answers as rows here
ROWS = [
    "insert into communes (id, code, name, village_kind, team_size_min, team_size_max,"
    " place_name, signer_on_behalf, signer_title, signer_name, created_at) values (1, 'DT',"
    " 'Phường Duy Tiên', 'to_dan_pho', 5, 10, 'Duy Tiên', 'TM', 'CHỦ TỊCH', '',"
    " CURRENT_TIMESTAMP)",
    "insert into teams (id, commune_id, village_id, is_commune_level, name) values"
    " (1, 1, null, true, 'Tổ CNSCĐ phường')",
    "insert into users (id, full_name, name_folded, phone, password_hash, account_role, locale,"
    " created_at, must_change_password, active) values (1, 'A', 'a', '+84900000001', 'x',"
    " 'member', 'vi', CURRENT_TIMESTAMP, false, true)",
    "insert into memberships (id, user_id, team_id, role, joined_on, created_at) values"
    " (1, 1, 1, 'leader', '2025-01-01', CURRENT_TIMESTAMP)",
    "insert into modules (id, slug, title_vi, title_en, position, retired, topic, summary_vi,"
    " summary_en, minutes, pass_mark, sources, content_hash, updated_at) values (1, 'm', 'm',"
    " 'm', 1, false, 't', 's', 's', 5, 70, '[]', 'h', CURRENT_TIMESTAMP)",
    "insert into quizzes (id, module_id) values (1, 1)",
    "insert into quiz_versions (id, quiz_id, number, content_hash, settings, created_at)"
    " values (1, 1, 1, 'h', '{}', CURRENT_TIMESTAMP)",
    "insert into attempts (id, user_id, quiz_id, version_id, started_at, layout, passed)"
    " values (1, 1, 1, 1, CURRENT_TIMESTAMP, '[]', false)",
    "insert into user_sessions (id, token_hash, user_id, created_at, last_seen_at) values"
    " (1, 'h', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
]
COUNTED = ("communes", "teams", "users", "memberships", "attempts", "user_sessions")


def test_sqlite_upgrade_keeps_rows_that_point_at_rebuilt_tables(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "SECRET_KEY": "x", "SQLALCHEMY_ENGINE_OPTIONS": {}})
    with app.app_context():
        upgrade(revision=START)
        with db.engine.begin() as conn:
            for sql in ROWS:
                conn.execute(text(sql))
        upgrade()
        with db.engine.connect() as conn:
            counts = {name: conn.execute(text(f"select count(*) from {name}")).scalar()
                      for name in COUNTED}
            assert counts == dict.fromkeys(COUNTED, 1)
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
