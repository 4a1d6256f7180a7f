"""Small helpers shared by the packages' CLI commands."""

from __future__ import annotations

import click
from sqlalchemy import select

from lms.extensions import db


def commune_or_exit(code: str):
    """The commune with this code (case-insensitive), or a clear CLI error (exit status 1)."""
    from lms.org.models import Commune

    commune = db.session.scalar(select(Commune).where(Commune.code == code.strip().upper()))
    if commune is None:
        raise click.ClickException(f"No commune with code {code!r}.")
    return commune


def cli_language() -> str:
    """The language of CLI messages: ``LMS_LANGUAGE`` (``vi`` or ``en``), else Vietnamese,
    the interface's default."""
    import os

    value = os.environ.get("LMS_LANGUAGE", "").strip().lower()[:2]
    return value if value in ("vi", "en") else "vi"


def cli_locale():
    """A context in which gettext speaks :func:`cli_language` (outside any request)."""
    from flask_babel import force_locale

    return force_locale(cli_language())


def echo_preview(preview: dict, extra: list[str] | None = None) -> None:
    """Print an import preview (see ``lms.org.roster_preview.build_preview``) the way the web
    page groups it: problems, things to look at, what was not imported, then ``extra`` lines."""
    from flask_babel import gettext as _

    for title, lines in ((_("Problems"), preview["error_lines"]),
                         (_("To look at"), preview["warnings"]),
                         (_("Not imported from the file"), preview["notes"])):
        if lines:
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  - {line}")
    for line in extra or []:
        click.echo(line)
