"""A scan is honoured through log-in: check-in tickets and short codes.

Most members meet the platform at a session: they scan the rotating code, then type their
phone number and the temporary password from a slip, choose a new password, and only then
reach the check-in — minutes after the code they scanned was replaced. So the scan itself is
recorded, server-side, as a :class:`~lms.training.models.CheckinTicket`:

- made only when the code is valid at the scan (every rule of :func:`checkin.validate`);
- carried by the browser's session as a random token (only its hash is stored);
- bound to the first account that uses it, for its one training session, for
  ``TICKET_MINUTES``, used once;
- completed only while the session's check-in window is still open, with the status
  (present / late) judged at the time of the scan.

A **short code** is six characters a member can type at ``/checkin`` when their phone cannot
scan: derived from the same slot as the QR code, so it rotates and expires with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from lms.extensions import db
from lms.models_base import utcnow
from lms.training import checkin
from lms.training.models import Attendance, CheckinTicket, TrainingSession
from lms.training.services import TrainingError, checkin_window

TICKET_MINUTES = 15
# No look-alike characters (0/O, 1/I/L): the code is read off a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- short codes -----------------------------------------------------------------------------


def short_code(session_id: int, slot: int) -> str:
    """The six-character code of a session for one slot."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"short:{session_id}:{slot}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def current_short_code(session_id: int, now: datetime | None = None) -> str:
    """The short code shown on the screen now (same rotation as the QR code)."""
    return short_code(session_id, checkin.slot_of(now))


def clean_code(text: str | None) -> str:
    """A typed code without spaces or dashes, upper case."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def session_for_code(text: str, now: datetime | None = None) -> TrainingSession:
    """The session whose current (or just replaced) short code is ``text``; the same
    refusals as a scanned QR code (``bad_code``, ``expired``, ``cancelled``, ``closed``…)."""
    now = now or utcnow()
    code = clean_code(text)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise TrainingError("bad_code")
    current = checkin.slot_of(now)
    # Only sessions that could be open now: dated yesterday to tomorrow (time zones).
    today = now.date()
    candidates = db.session.scalars(select(TrainingSession).where(
        TrainingSession.date.between(today - timedelta(days=1), today + timedelta(days=1)))).all()
    expired_match = None
    for session in candidates:
        if hmac.compare_digest(code, short_code(session.id, current)) or hmac.compare_digest(
                code, short_code(session.id, current - 1)):
            checkin.check_open(session, now)
            return session
        for old in range(current - 4, current - 1):
            if hmac.compare_digest(code, short_code(session.id, old)):
                expired_match = session
    if expired_match is not None:
        raise TrainingError("expired")
    raise TrainingError("bad_code")


# --- tickets ---------------------------------------------------------------------------------


def issue_ticket(session: TrainingSession, user_id: int | None,
                 now: datetime | None = None) -> str:
    """Record a valid scan of ``session`` (by ``user_id``, or by someone not logged in yet)
    and return the ticket's token for the browser's session. The caller commits."""
    now = now or utcnow()
    token = secrets.token_urlsafe(24)
    db.session.add(CheckinTicket(token_hash=_hash(token), session_id=session.id, user_id=user_id,
                                 scanned_at=now,
                                 expires_at=now + timedelta(minutes=TICKET_MINUTES)))
    return token


def ticket_for(token: str | None) -> CheckinTicket | None:
    """The ticket of a token (used or not), or ``None``."""
    if not token:
        return None
    return db.session.scalar(select(CheckinTicket).where(CheckinTicket.token_hash == _hash(token)))


def pending_session(token: str | None, now: datetime | None = None) -> TrainingSession | None:
    """The session a browser's unused, unexpired ticket is for (to name it on the log-in
    page), or ``None``."""
    ticket = ticket_for(token)
    now = now or utcnow()
    if ticket is None or ticket.used_at is not None or _aware(ticket.expires_at) < now:
        return None
    return ticket.session


def bind(token: str | None, user_id: int) -> bool:
    """Give a waiting, unowned ticket to ``user_id`` (at log-in); whether one was bound."""
    if not token:
        return False
    return bool(db.session.execute(update(CheckinTicket).where(
        CheckinTicket.token_hash == _hash(token), CheckinTicket.user_id.is_(None),
        CheckinTicket.used_at.is_(None)).values(user_id=user_id)).rowcount)


def redeem(token: str | None, user, now: datetime | None = None) -> tuple[Attendance, bool,
                                                                          TrainingSession]:
    """Complete the check-in of a ticket for ``user``: ``(attendance, created, session)``.

    Refused with ``TrainingError``: ``no_ticket`` (none, or already used), ``ticket_expired``,
    ``other_person`` (the ticket belongs to another account), ``closed`` / ``cancelled`` (the
    window closed since the scan), ``no_membership``. The status is judged at the scan.
    The caller commits.
    """
    now = now or utcnow()
    ticket = ticket_for(token)
    if ticket is None or ticket.used_at is not None:
        raise TrainingError("no_ticket")
    if ticket.user_id is not None and ticket.user_id != user.id:
        raise TrainingError("other_person")
    if _aware(ticket.expires_at) < now:
        raise TrainingError("ticket_expired")
    session = ticket.session
    checkin.check_open(session, now)  # still open now …
    scanned = _aware(ticket.scanned_at)
    opens, _closes = checkin_window(session)
    if scanned < opens:  # … and it was at the scan (a ticket is only made then)
        raise TrainingError("too_early", opens=opens)
    # Use the ticket once, even when two tabs complete it at the same moment.
    used = db.session.execute(update(CheckinTicket).where(
        CheckinTicket.id == ticket.id, CheckinTicket.used_at.is_(None))
        .values(used_at=now, user_id=user.id)).rowcount
    if not used:
        raise TrainingError("no_ticket")
    attendance, created = checkin.record_checkin(user, session, scanned)
    return attendance, created, session


def purge(older_than_hours: int = 48) -> int:
    """Delete tickets that expired more than ``older_than_hours`` ago; return how many."""
    from sqlalchemy import delete

    cutoff = utcnow() - timedelta(hours=older_than_hours)
    result = db.session.execute(delete(CheckinTicket).where(CheckinTicket.expires_at < cutoff))
    db.session.commit()
    return result.rowcount or 0
