"""Periodic training reports ("Báo cáo kết quả tập huấn Tổ CNSCĐ"), one per place and period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models_base import utcnow

REPORT_STATUSES = ("draft", "sent")


class Report(db.Model):
    """A commune's (``commune_id``) or a province's (``province_id``, no commune) report for a
    period: ``2026-11`` (month), ``2026-Q4`` (quarter) or ``2026`` (year). The figures are
    computed when the document is made; the texts are kept here."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("commune_id", "period", name="uq_reports_commune_id_period"),
        UniqueConstraint("province_id", "period", name="uq_reports_province_id_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int | None] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int | None] = mapped_column(
        ForeignKey("provinces.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), default="draft")
    number: Mapped[str] = mapped_column(String(32), default="")  # "Số: 12/BC-UBND"
    assessment: Mapped[str] = mapped_column(Text, default="")  # Đánh giá chung
    difficulties: Mapped[str] = mapped_column(Text, default="")  # Khó khăn, vướng mắc
    proposals: Mapped[str] = mapped_column(Text, default="")  # Đề xuất, kiến nghị
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
