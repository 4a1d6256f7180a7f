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
