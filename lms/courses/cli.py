"""``lms content sync [PATH] [--dry-run]``: validate and load the training content."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.content_errors import ContentInvalid


@click.group("content")
def content_group() -> None:
    """Training content (modules, lessons, quizzes, the learning path)."""


@content_group.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Validate and report what would change; write nothing.")
@with_appcontext
def sync_command(path: str | None, dry_run: bool) -> None:
    """Validate every file of PATH (default: CONTENT_DIR) and load it, or nothing if anything is wrong."""
    from lms.courses.loader import sync_content

    path = path or current_app.config["CONTENT_DIR"]
    try:
        report = sync_content(path, dry_run=dry_run)
    except ContentInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"{len(exc.errors)} problem(s) found in {path}; nothing was loaded.", err=True)
        sys.exit(1)
    click.echo(("dry run — " if dry_run else "") + report.summary())


commands = [content_group]
