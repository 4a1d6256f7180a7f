"""``lms backup``, ``lms restore`` and ``lms doctor``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write.")
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database (SQLite: online backup, safe while serving; PostgreSQL: pg_dump)."""
    from lms.ops.backup import BackupError, backup

    try:
        path = backup(output)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{path} ({path.stat().st_size // 1024} KB)")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that holds data.")
@with_appcontext
def restore_command(source: Path, force: bool) -> None:
    """Restore the database from a backup made by `lms backup`."""
    from lms.ops.backup import BackupError, restore

    try:
        restore(source, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {source}")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check this deployment: secret, BASE_URL, database, fonts, Redis, clock."""
    from lms.ops.doctor import run_checks

    checks = run_checks()
    for check in checks:
        click.echo(f"{'ok ' if check.ok else 'BAD'}  {check.name:9} {check.detail}")
    if not all(check.ok for check in checks):
        sys.exit(1)


commands = [backup_command, restore_command, doctor_command]
