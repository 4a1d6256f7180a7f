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
        from flask_babel import gettext as _

        raise click.ClickException(_("No commune with code %(code)s.", code=repr(code)))
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


def finish_import(preview: dict, dry_run: bool, write) -> None:
    """The end every import command shares: a file with errors is refused (exit status 1), a
    dry run stops there, else ``write()`` runs in one transaction and the line it returns is
    printed."""
    import sys

    from flask_babel import gettext as _

    if preview["state"] == "errors":
        click.echo(_("Nothing was imported: correct the file and run the command again."),
                   err=True)
        sys.exit(1)
    if dry_run:
        click.echo(_("Dry run: nothing was written."))
        return
    try:
        line = write()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(line)
