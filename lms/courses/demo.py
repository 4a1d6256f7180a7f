"""Demo step: load the shipped training content (fast when nothing changed)."""

from __future__ import annotations

import click
from flask import current_app

from lms.content_errors import ContentInvalid
from lms.demo import demo_step


@demo_step(30, "training content")
def content_step(ctx: dict) -> None:
    """Sync ``CONTENT_DIR``; unchanged modules are skipped by their content hash."""
    from lms.courses.loader import sync_content

    try:
        ctx["content_report"] = sync_content(current_app.config["CONTENT_DIR"])
    except ContentInvalid as exc:
        # The demo still runs; the problems are shown so an editor can fix them.
        for error in exc.errors:
            click.echo(f"content: {error}", err=True)
        click.echo("content: not loaded; fix the problems above and run `lms content sync`.",
                   err=True)
