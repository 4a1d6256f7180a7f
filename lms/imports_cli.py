"""``lms imports purge``: delete import previews that were never confirmed in time (for cron)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.extensions import db


@click.group("imports")
def imports_group() -> None:
    """Spreadsheet import previews (roster, training history)."""


@imports_group.command("purge")
@with_appcontext
def imports_purge() -> None:
    """Delete previews older than IMPORT_PREVIEW_HOURS (default 24) that were never confirmed."""
    from flask_babel import ngettext

    from lms.cli_helpers import cli_locale
    from lms.imports import preview_hours, purge_expired

    try:
        count = purge_expired()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    with cli_locale():
        click.echo(ngettext("Deleted %(num)d unconfirmed import preview past the %(hours)d-hour "
                            "limit.",
                            "Deleted %(num)d unconfirmed import previews past the %(hours)d-hour "
                            "limit.", count, hours=preview_hours()))


commands = [imports_group]
