"""Sessions that end: every log-in is a row in ``user_sessions``; the signed cookie only
carries a random token for it.

- log-out ends that session (a copy of the cookie is worthless afterwards);
- a password change ends every other session of the account, a reset by an officer all;
- a session unused for ``SESSION_IDLE_DAYS`` (default 14) ends, and none lives longer than
  ``SESSION_MAX_DAYS`` (default 90) whatever its use.

The token is checked on every request together with loading the user and whether they lead a
team today (one query, so the menu needs no other); the last-seen time is written at most
every few minutes, so reading a lesson costs no write.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import Date, bindparam, delete, select, update

from lms.auth.models import User, UserSession
from lms.extensions import db
from lms.models_base import utcnow

TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_session(user: User, user_agent: str | None = None) -> str:
    """Open a session for ``user`` and return its token (for the cookie). The caller commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_hash(token), user_id=user.id,
                               user_agent=(user_agent or "")[:160] or None))
    return token


@cache
def _lookup():
    """The statement of :func:`load_user`, built once: it runs on every request, and building
    it anew each time costs more than running it."""
    from lms.auth.permissions import leads_on

    return (select(User, UserSession, leads_on(User.id, bindparam("today", type_=Date)))
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.token_hash == bindparam("token_hash"),
                   User.id == bindparam("user_id"), UserSession.ended_at.is_(None),
                   User.active.is_(True)))


def load_user(user_id: int, token: str | None) -> User | None:
    """The user of a live session, or ``None`` when the token is missing, ended or expired,
    or the account is closed."""
    if not token:
        return None
    from lms.auth.permissions import remember_leading
    from lms.timeutil import local_today

    row = db.session.execute(_lookup(), {"token_hash": _hash(token), "user_id": user_id,
                                         "today": local_today()}).first()
    if row is None:
        return None
    user, live, leads = row
    remember_leading(user, leads)
    now = utcnow()
    config = current_app.config
    if (now - _aware(live.last_seen_at) > timedelta(days=config["SESSION_IDLE_DAYS"])
            or now - _aware(live.created_at) > timedelta(days=config["SESSION_MAX_DAYS"])):
        live.ended_at = now
        db.session.commit()
        return None
    if now - _aware(live.last_seen_at) > TOUCH_EVERY:
        db.session.execute(update(UserSession).where(UserSession.id == live.id)
                           .values(last_seen_at=now))
        db.session.commit()
    return user


def end_session(token: str | None) -> None:
    """End one session (log-out). The caller commits."""
    if token:
        db.session.execute(update(UserSession).where(
            UserSession.token_hash == _hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=utcnow()))


def end_sessions(user_id: int, except_token: str | None = None) -> int:
    """End every live session of a user, except the one with ``except_token``; return how
    many ended. The caller commits."""
    stmt = update(UserSession).where(UserSession.user_id == user_id,
                                     UserSession.ended_at.is_(None))
    if except_token:
        stmt = stmt.where(UserSession.token_hash != _hash(except_token))
    return db.session.execute(stmt.values(ended_at=utcnow())).rowcount or 0


def live_sessions(user_id: int) -> list[UserSession]:
    """The user's open sessions, newest first."""
    return db.session.scalars(select(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())).all()


def purge(older_than_days: int = 90) -> int:
    """Delete sessions ended, or unused, more than ``older_than_days`` ago; return how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = db.session.execute(delete(UserSession).where(
        (UserSession.ended_at < cutoff) | (UserSession.last_seen_at < cutoff)))
    db.session.commit()
    return result.rowcount or 0
