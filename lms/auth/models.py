"""People and their accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, inspect
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.models_base import utcnow

ROLES = ("member", "leader", "officer", "admin")
# Roles stored on the account; "leader" is derived from an active leader/deputy membership.
ACCOUNT_ROLES = ("member", "officer", "province", "admin")
GENDERS = ("male", "female", "other")


class User(UserMixin, db.Model):
    """A person. No citizen ID number is stored (data minimisation, Law 91/2025/QH15)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # Lower-case, diacritics removed: ``nguyen van a`` finds ``Nguyễn Văn A``.
    name_folded: Mapped[str] = mapped_column(String(120), index=True, default="")
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(256))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    account_role: Mapped[str] = mapped_column(String(16), default="member")
    # The commune an officer works for (members belong to communes through their teams).
    commune_id: Mapped[int | None] = mapped_column(
        ForeignKey("communes.id", ondelete="SET NULL"), index=True
    )
    # The province a province officer (Sở KH&CN) works for.
    province_id: Mapped[int | None] = mapped_column(
        ForeignKey("provinces.id", ondelete="SET NULL"), index=True
    )
    birth_year: Mapped[int | None] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(8))
    occupation: Mapped[str | None] = mapped_column(String(160))
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The privacy notice (lms.privacy) the person acknowledged, and when.
    privacy_ack_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    privacy_version: Mapped[str | None] = mapped_column(String(16))
    # Set when an officer erased the person's data after they left (name and phone replaced).
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_active(self) -> bool:  # Flask-Login
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:  # Flask-Login
        # Only live sessions of active accounts are loaded (lms.auth.sessions.load_user), so a
        # loaded user is authenticated. Reading ``active`` here instead would reload the row
        # after every commit (the session expires it) just to answer the same.
        return True

    def get_id(self) -> str:  # Flask-Login
        # The identity key, not ``self.id``: after a commit the attribute is expired and
        # reading it would cost a query.
        identity = inspect(self).identity
        return str(identity[0] if identity else self.id)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.full_name!r}>"


class UserSession(db.Model):
    """One logged-in browser. The cookie carries a random token; only its SHA-256 is stored,
    so a copy of the database opens no session. Ended sessions stay for the audit trail until
    they are purged."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str | None] = mapped_column(String(160))
