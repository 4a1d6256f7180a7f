"""Provinces, communes, villages, teams and memberships."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models_base import utcnow

VILLAGE_KINDS = ("to_dan_pho", "thon", "ap", "ban", "khu_pho")
MEMBERSHIP_ROLES = ("leader", "deputy", "member", "collaborator")
LEADING_ROLES = ("leader", "deputy")
# Commune-level units since 1 July 2025 (official list: the ``vietnam-provinces`` package).
UNIT_KINDS = ("xa", "phuong", "dac_khu")


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Official province code (e.g. 37 = Ninh Bình); NULL for a free-typed province.
    official_code: Mapped[int | None] = mapped_column(Integer, unique=True)


class Commune(db.Model):
    """A xã / phường / đặc khu, run by its Culture and Social Affairs office."""

    __tablename__ = "communes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))  # e.g. "Phường Duy Tiên"
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)
    # Official ward code (e.g. 13324 = Phường Duy Tiên); NULL for a free-typed commune.
    official_code: Mapped[int | None] = mapped_column(Integer, unique=True)
    unit_kind: Mapped[str | None] = mapped_column(String(8))  # xa | phuong | dac_khu
    village_kind: Mapped[str] = mapped_column(String(16), default="to_dan_pho")
    team_size_min: Mapped[int] = mapped_column(Integer, default=5)
    team_size_max: Mapped[int] = mapped_column(Integer, default=10)
    # Place line of documents: "Duy Tiên, ngày 10 tháng 4 năm 2026".
    place_name: Mapped[str] = mapped_column(String(120), default="")
    # Signer block of certificates and reports.
    signer_on_behalf: Mapped[str] = mapped_column(String(120), default="TM. ỦY BAN NHÂN DÂN")
    signer_title: Mapped[str] = mapped_column(String(160), default="CHỦ TỊCH")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    # Due days of the periodic training reports (NULL: the defaults, 10 and 20).
    report_month_day: Mapped[int | None] = mapped_column(Integer)  # of the following month
    report_quarter_day: Mapped[int | None] = mapped_column(Integer)  # of the last month
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    province: Mapped[Province | None] = relationship()


class Village(db.Model):
    """A tổ dân phố / thôn / ấp / bản / khu phố."""

    __tablename__ = "villages"
    __table_args__ = (UniqueConstraint("commune_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="to_dan_pho")

    commune: Mapped[Commune] = relationship()


class Team(db.Model):
    """A Tổ công nghệ số cộng đồng: one per village plus one commune-level team."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("commune_id", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(
        ForeignKey("communes.id", ondelete="CASCADE"), index=True
    )
    # NULL village = the commune-level team.
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(160))
    is_commune_level: Mapped[bool] = mapped_column(Boolean, default=False)

    commune: Mapped[Commune] = relationship()
    village: Mapped[Village | None] = relationship()


class Membership(db.Model):
    """A person's time in a team. History is never overwritten: leaving sets ``left_on``."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index("ix_memberships_team_active", "team_id", "left_on"),
        Index("ix_memberships_user_team", "user_id", "team_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    leave_reason: Mapped[str | None] = mapped_column(Text)
    approved_on: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str | None] = mapped_column(String(64))
    leave_approved_on: Mapped[date | None] = mapped_column(Date)
    leave_decision_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user = relationship("User")
    team: Mapped[Team] = relationship()

    def active_on(self, day: date) -> bool:
        """Whether the membership is active on ``day`` (joined_on ≤ day < left_on)."""
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


REQUEST_KINDS = ("join", "leave")
REQUEST_STATUSES = ("pending", "approved", "rejected")


class MembershipRequest(db.Model):
    """A join or leave proposal from a team leader, recorded by the officer (seed 004).

    Nothing changes in the roster until the commune chairman's approval is recorded
    (``decided_on`` + ``decision_no``): then a join starts a membership (and creates the
    account when the person has none) and a leave ends one.
    """

    __tablename__ = "membership_requests"
    __table_args__ = (Index("ix_membership_requests_commune_status", "commune_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # join | leave
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    # The person: an existing user, or the data of someone without an account yet.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    full_name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str | None] = mapped_column(String(16))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(8))
    occupation: Mapped[str | None] = mapped_column(String(160))
    proposed_role: Mapped[str] = mapped_column(String(16), default="member")
    # For a leave: the membership it ends and why.
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("memberships.id", ondelete="CASCADE")
    )
    leave_reason: Mapped[str | None] = mapped_column(Text)
    proposed_on: Mapped[date] = mapped_column(Date)
    proposer_name: Mapped[str] = mapped_column(String(120), default="")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str | None] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    team: Mapped[Team] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    membership: Mapped[Membership | None] = relationship()

