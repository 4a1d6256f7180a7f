"""``lms quizzes ...`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

quizzes_cli = AppGroup("quizzes", help="Quiz attempts.")


@quizzes_cli.command("close-expired")
def close_expired_command() -> None:
    """Grade every open attempt past its time limit (safe to run from cron)."""
    from lms.quizzes.services import close_expired

    click.echo(f"graded {close_expired()} expired attempt(s)")


commands = [quizzes_cli]
