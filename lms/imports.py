"""Previewed spreadsheet imports waiting for the officer's confirmation.

Roster and training-history imports work the same way: the file is read and checked, the raw
rows are kept here under an unguessable token (in the database, not in a file, so any app
server can confirm), the officer sees every problem, and confirming checks the rows again and
applies them all or nothing. A second confirm changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models_base import utcnow

KINDS = ("roster", "attendance")


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def save_preview(kind: str, commune_id: int, rows: list[dict], problems: list, *,
                 filename: str | None, actor_id: int | None) -> ImportBatch:
    """Keep the raw rows of a checked file under a new random token (the caller commits)."""
    batch = ImportBatch(kind=kind, token=secrets.token_urlsafe(32), commune_id=commune_id,
                        created_by_id=actor_id, filename=(filename or "")[:255], rows=rows,
                        problems=problems)
    db.session.add(batch)
    db.session.flush()
    return batch


def confirm(batch: ImportBatch, apply: Callable[[list[dict]], dict]) -> dict:
    """Apply a previewed batch once with ``apply(rows) -> stats``; later confirms change nothing."""
    if batch.status == "applied":
        return dict(batch.result or {}, already=True)
    stats = apply(batch.rows)
    batch.status = "applied"
    batch.result = stats
    batch.rows = []
    return stats
