"""The audit log: who changed what, when, before → after.

Every change to attendance, memberships and certificates calls :func:`record` in the same
transaction as the change itself.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models_base import utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    commune_id: Mapped[int | None] = mapped_column(
        ForeignKey("communes.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(64))  # e.g. "attendance.mark"
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


def record(
    action: str,
    obj_type: str,
    obj_id: int | None,
    *,
    actor_id: int | None,
    commune_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the current session (committed with the change it describes)."""
    event = AuditEvent(
        action=action,
        object_type=obj_type,
        object_id=obj_id,
        actor_id=actor_id,
        commune_id=commune_id,
        before=_plain(before),
        after=_plain(after),
    )
    db.session.add(event)
    return event


def _plain(data: dict | None) -> dict | None:
    if data is None:
        return None
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in data.items()}
