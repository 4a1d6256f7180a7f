"""Training sessions, attendance and the per-year compliance rule."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models_base import utcnow

MODES = ("in_person", "online", "hybrid")
STATUSES = ("present", "late", "excused", "absent")
COUNTING_STATUSES = ("present", "late")

session_teams = Table(
    "session_teams",
    db.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)

session_modules = Table(
    "session_modules",
    db.metadata,
    Column("session_id", ForeignKey("training_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingSession(db.Model):
    """A lớp tập huấn organised by a commune's office."""

    __tablename__ = "training_sessions"
    __table_args__ = (
        Index("ix_training_sessions_commune_date", "commune_id", "date"),
        Index("ix_training_sessions_date_cancelled", "date", "cancelled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    date: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)
    mode: Mapped[str] = mapped_column(String(16), default="in_person")
    place: Mapped[str | None] = mapped_column(String(200))
    meeting_link: Mapped[str | None] = mapped_column(String(500))
    trainer: Mapped[str | None] = mapped_column(String(160))
    capacity: Mapped[int | None] = mapped_column(Integer)
    issues_certificates: Mapped[bool] = mapped_column(Boolean, default=False)
    late_grace_minutes: Mapped[int] = mapped_column(Integer, default=15)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    # Attendance closed ("chốt điểm danh"): certificates are issued then; later changes are the
    # officer's, with a reason. Closed by an officer, or automatically once due (None: system).
    attendance_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attendance_closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commune = relationship("Commune")
    teams = relationship("Team", secondary=session_teams)
    modules = relationship("Module", secondary=session_modules)


class Attendance(db.Model):
    """One person's attendance at one session."""

    __tablename__ = "attendances"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        Index("ix_attendances_user_status", "user_id", "status"),
        # The compliance report reads (user, session) pairs by status without the table.
        Index("ix_attendances_status_user_session", "status", "user_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    # manual | qr | on_behalf | import
    method: Mapped[str] = mapped_column(String(16), default="manual")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    session: Mapped[TrainingSession] = relationship()
    user = relationship("User", foreign_keys=[user_id])


class ComplianceRule(db.Model):
    """How a commune counts the annual training requirement for one year."""

    __tablename__ = "compliance_rules"
    __table_args__ = (UniqueConstraint("commune_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    required_count: Mapped[int] = mapped_column(Integer, default=1)
    online_path_counts: Mapped[bool] = mapped_column(Boolean, default=False)
    path_slug: Mapped[str | None] = mapped_column(String(64))
    deadline: Mapped[date | None] = mapped_column(Date)
    grace_days: Mapped[int] = mapped_column(Integer, default=60)
    # Attendance of the year's sessions closes by itself this many hours after their end.
    close_after_hours: Mapped[int] = mapped_column(Integer, default=2, server_default="2")


class AttendanceBatch(db.Model):
    """One "everyone present" action, kept so that it can be undone exactly.

    ``items`` lists what the batch changed: ``{"user_id", "before": status or None,
    "before_method": method or None, "after": status}``.
    """

    __tablename__ = "attendance_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    items: Mapped[list] = mapped_column(JSON, default=list)



class CheckinTicket(db.Model):
    """A scanned (or typed) check-in code, kept while its scanner logs in.

    Made at the scan, when the code was valid; the browser's session carries its random token.
    It belongs to the first account that uses it, serves one session only, lives
    ``TICKET_MINUTES`` and is used once. The attendance status is judged at ``scanned_at``.
    """

    __tablename__ = "checkin_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scanned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    session: Mapped[TrainingSession] = relationship()
