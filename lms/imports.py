"""Previewed spreadsheet imports waiting for the officer's confirmation.

Roster and training-history imports work the same way: the file is read and checked, the raw
rows are kept here under an unguessable token (in the database, not in a file, so any app
server can confirm), the officer sees every problem, and confirming checks the rows again and
applies them all or nothing. A second confirm changes nothing.

A preview waits at most ``IMPORT_PREVIEW_HOURS`` (24 by default): after that it cannot be
confirmed (:class:`ImportExpired`; the officer uploads the file again) and :func:`purge_expired`
deletes it. Every new preview purges the expired ones first, and ``lms imports purge`` (cron)
does it on its own.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models_base import utcnow
from lms.timeutil import as_utc

KINDS = ("roster", "attendance")
DEFAULT_PREVIEW_HOURS = 24


class ImportExpired(ValueError):
    """The preview waited longer than ``IMPORT_PREVIEW_HOURS``: it cannot be confirmed.
    ``code`` is ``import_expired``; :func:`expired_text` is the message to show."""

    code = "import_expired"

    def __init__(self, hours: int):
        super().__init__(self.code)
        self.hours = hours
        self.params = {"hours": hours}


class ImportBatch(db.Model):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # roster | attendance
    token: Mapped[str] = mapped_column(String(43), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), default="")
    rows: Mapped[list] = mapped_column(JSON, default=list)
    problems: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="preview")  # preview | applied
    result: Mapped[dict | None] = mapped_column(JSON)
    # Where the table was found, the skipped rows and the unused columns (the file's notes).
    meta: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)


def preview_hours(config=None) -> int:
    """How many hours a preview may wait for its confirmation (``IMPORT_PREVIEW_HOURS``)."""
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    return int(config.get("IMPORT_PREVIEW_HOURS", DEFAULT_PREVIEW_HOURS))


def expired_text(hours: int | None = None) -> str:
    """The translated message for an expired preview (e.g. from :class:`ImportExpired`)."""
    from flask_babel import gettext as _

    return _("This preview is more than %(hours)s hours old and can no longer be imported. "
             "Upload the file again.", hours=hours if hours is not None else preview_hours())


def is_expired(batch: ImportBatch, now: datetime | None = None) -> bool:
    """Whether a preview (not yet applied) is older than :func:`preview_hours`."""
    if batch.status != "preview" or batch.created_at is None:
        return False
    now = now or utcnow()
    return as_utc(batch.created_at) < now - timedelta(hours=preview_hours())


def purge_expired(now: datetime | None = None) -> int:
    """Delete every preview older than :func:`preview_hours` (applied batches stay: they
    answer a repeated confirm). Returns how many; the caller commits."""
    cutoff = (now or utcnow()) - timedelta(hours=preview_hours())
    result = db.session.execute(
        delete(ImportBatch)
        .where(ImportBatch.status == "preview", ImportBatch.created_at < cutoff)
        .execution_options(synchronize_session="fetch"))
    return result.rowcount or 0


def save_preview(kind: str, commune_id: int, rows: list[dict], problems: list, *,
                 filename: str | None, actor_id: int | None,
                 meta: dict | None = None) -> ImportBatch:
    """Keep the raw rows of a checked file under a new random token (the caller commits);
    expired previews are purged first."""
    purge_expired()
    batch = ImportBatch(kind=kind, token=secrets.token_urlsafe(32), commune_id=commune_id,
                        created_by_id=actor_id, filename=(filename or "")[:255], rows=rows,
                        problems=problems, meta=meta)
    db.session.add(batch)
    db.session.flush()
    return batch


def confirm(batch: ImportBatch, apply: Callable[[list[dict]], dict]) -> dict:
    """Apply a previewed batch once with ``apply(rows) -> stats``; later confirms change nothing.
    Raises :class:`ImportExpired` (nothing applied) for a preview older than
    :func:`preview_hours`."""
    if batch.status == "applied":
        return dict(batch.result or {}, already=True)
    if is_expired(batch):
        raise ImportExpired(preview_hours())
    stats = apply(batch.rows)
    batch.status = "applied"
    batch.result = stats
    batch.rows = []
    return stats
