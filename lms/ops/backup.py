"""Backups that can be restored.

- SQLite: the online backup API (``sqlite3.Connection.backup``), safe while the app serves:
  it copies a consistent snapshot page by page.
- PostgreSQL: ``pg_dump`` in its custom format (``-Fc``), restored with ``pg_restore``.

Restoring refuses to overwrite a database that holds data unless ``force`` is given.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from lms.extensions import db


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (the message says why)."""


def _sqlite_path() -> str:
    return db.engine.url.database


def _pg_args() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump / pg_restore from the app's database URL (the
    password goes through the environment, never the command line)."""
    import os

    url = make_url(db.engine.url)
    args = []
    if url.host:
        args += ["-h", url.host]
    if url.port:
        args += ["-p", str(url.port)]
    if url.username:
        args += ["-U", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return args + ["-d", url.database], env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def backup(output: Path) -> Path:
    """Write a backup of the app's database to ``output``; return the path."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        source = sqlite3.connect(_sqlite_path())
        target = sqlite3.connect(str(output))
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    elif dialect == "postgresql":
        args, env = _pg_args()
        result = subprocess.run([_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(output), *args],
                                env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_dump failed")
    else:
        raise BackupError(f"backups of {dialect} are not supported")
    return output


def has_data() -> bool:
    """Whether any table of the app holds a row (a restore would overwrite it)."""
    names = set(inspect(db.engine).get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name in names and db.session.scalar(
                select(func.count()).select_from(table)):
            return True
    return False


def restore(source: Path, force: bool = False) -> None:
    """Replace the app's database with the backup in ``source``."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if has_data() and not force:
        raise BackupError("the database is not empty: add --force to overwrite it")
    db.session.remove()
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        db.engine.dispose()
        backup_db = sqlite3.connect(str(source))
        try:
            backup_db.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            backup_db.close()
            raise BackupError(f"{source} is not an SQLite backup") from exc
        live = sqlite3.connect(_sqlite_path())
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
    elif dialect == "postgresql":
        db.engine.dispose()
        args, env = _pg_args()
        result = subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                                 "--single-transaction", *args, str(source)],
                                env=env, capture_output=True, text=True, check=False)
        if result.returncode:
            raise BackupError(result.stderr.strip() or "pg_restore failed")
    else:
        raise BackupError(f"restoring {dialect} is not supported")
