"""Certificates of module completion and training attendance."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models_base import utcnow

KINDS = ("module", "session")
STATUSES = ("valid", "revoked", "replaced")


class Certificate(db.Model):
    """A giấy chứng nhận. Holder and title are copied at issue time so a later rename of a
    module or a correction shows as a reissue, never as a silent change."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("commune_id", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_sessions.id", ondelete="SET NULL")
    )
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)  # per commune and year
    serial: Mapped[str] = mapped_column(String(40), unique=True)  # e.g. "DT-2026-00012"
    code: Mapped[str] = mapped_column(String(24), unique=True)  # public verification code
    status: Mapped[str] = mapped_column(String(16), default="valid")
    issued_on: Mapped[date] = mapped_column(Date)
    holder_name: Mapped[str] = mapped_column(String(120))
    holder_birth_year: Mapped[int | None] = mapped_column(Integer)
    team_name: Mapped[str | None] = mapped_column(String(160))
    # The holder's team when issued (for batch printing by team); the name above is the copy.
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    title_vi: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    hours: Mapped[float | None] = mapped_column(Float)
    activity_date: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commune = relationship("Commune")
    holder = relationship("User", foreign_keys=[user_id])
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id])

    @property
    def grouped_code(self) -> str:
        """The verification code as people read it: ``ABCD-EFGH-JKMN``."""
        from lms.certificates.codes import group_code

        return group_code(self.code)
