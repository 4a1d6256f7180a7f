"""Backup → change → restore gives back identical tables (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.ops.backup import BackupError, backup, restore
from lms.org.models import Membership


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return tables


@pytest.fixture
def filled(make):
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    team = make.team(commune, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    make.officer(commune)
    for name in ("Nguyễn Thị Mai", "Trần Văn Dũng", "Lò Văn Pành"):
        make.member_of(team, name, joined_on=date(2025, 3, 1))
    make.commit()
    return commune


def test_backup_change_restore_gives_identical_tables(filled, make, tmp_path):
    if db.engine.dialect.name == "postgresql":
        import shutil

        if not shutil.which("pg_dump"):
            pytest.skip("backup test skipped on PostgreSQL: pg_dump is not installed")
    before = snapshot()
    path = backup(tmp_path / "lms.backup")
    assert path.stat().st_size > 0
    # Changes after the backup: a rename, a new person, a removed membership.
    person = db.session.scalar(select(User).where(User.full_name == "Nguyễn Thị Mai"))
    person.full_name = "Nguyễn Thị Mai Anh"
    make.user("Người Mới Thêm")
    db.session.delete(db.session.scalars(select(Membership)).first())
    db.session.commit()
    assert snapshot() != before
    with pytest.raises(BackupError, match="not empty"):
        restore(path)
    restore(path, force=True)
    assert snapshot() == before


def test_restore_refuses_something_that_is_not_a_backup(app, tmp_path):
    bogus = tmp_path / "not-a-backup.bin"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a database")
    with pytest.raises(BackupError):
        restore(bogus)


def test_backup_cli(filled, runner, tmp_path):
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "b.db")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.db").stat().st_size > 0
    result = runner.invoke(args=["restore", str(tmp_path / "b.db")])
    assert result.exit_code != 0 and "--force" in result.output
