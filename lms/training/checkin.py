"""QR self check-in (rotating signed codes) and calendar (.ics) files.

A code is ``<session id>.<slot>.<signature>``: the slot is the number of 45-second periods
since the epoch, the signature an HMAC-SHA256 of both under the app's secret key. A code is
accepted during its own slot and the next one (so it lives 45–90 seconds), only for its own
session, and only inside the check-in window (30 minutes before the start to the end time).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from lms.extensions import db
from lms.models_base import utcnow
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession
from lms.training.services import (
    TrainingError,
    checkin_window,
    has_active_membership,
    local_end,
    local_start,
    set_status,
)

SLOT_SECONDS = 45


def slot_of(now: datetime | None = None) -> int:
    """The time slot of ``now`` (45-second periods since the epoch)."""
    return int((now or utcnow()).timestamp()) // SLOT_SECONDS


def _signature(session_id: int, slot: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"checkin:{session_id}:{slot}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")


def make_token(session_id: int, now: datetime | None = None) -> str:
    """The check-in code of a session for the current slot."""
    slot = slot_of(now)
    return f"{session_id}.{slot}.{_signature(session_id, slot)}"


def parse_token(token: str) -> tuple[int, int]:
    """``(session_id, slot)`` of a correctly signed code; ``TrainingError('bad_code')`` else."""
    try:
        sid_text, slot_text, sig = (token or "").split(".")
        session_id, slot = int(sid_text), int(slot_text)
    except ValueError as exc:
        raise TrainingError("bad_code") from exc
    if not hmac.compare_digest(sig, _signature(session_id, slot)):
        raise TrainingError("bad_code")
    return session_id, slot


def checkin_url(session: TrainingSession, now: datetime | None = None) -> str:
    """The absolute URL a QR code encodes: ``BASE_URL/checkin/<code>``."""
    path = url_for("training.checkin", token=make_token(session.id, now))
    return current_app.config["BASE_URL"] + path


def seconds_left(now: datetime | None = None) -> int:
    """Seconds until the current code is replaced on the screen."""
    now = now or utcnow()
    return SLOT_SECONDS - int(now.timestamp()) % SLOT_SECONDS


def validate(token: str, now: datetime | None = None,
             expected_session_id: int | None = None) -> TrainingSession:
    """The session of a valid, current code, or ``TrainingError`` with one of: ``bad_code``,
    ``other_session``, ``expired``, ``not_found``, ``cancelled``, ``too_early``, ``closed``."""
    now = now or utcnow()
    session_id, slot = parse_token(token)
    if expected_session_id is not None and session_id != expected_session_id:
        raise TrainingError("other_session")
    current = slot_of(now)
    if slot not in (current, current - 1):
        raise TrainingError("expired")
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        raise TrainingError("not_found")
    check_open(session, now)
    return session


def check_open(session: TrainingSession, now: datetime | None = None) -> None:
    """Raise unless the session is open for check-in at ``now``."""
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise TrainingError("cancelled")
    opens, closes = checkin_window(session)
    if now < opens:
        raise TrainingError("too_early", opens=opens)
    if now > closes:
        raise TrainingError("closed")


def status_at(session: TrainingSession, now: datetime) -> str:
    """``present``, or ``late`` once the session's late grace after the start has passed."""
    late_after = local_start(session) + timedelta(minutes=session.late_grace_minutes or 0)
    return "late" if session.start_time and now > late_after else "present"


def record_checkin(user, session: TrainingSession, now: datetime | None = None,
                   method: str = "qr", actor=None) -> tuple[Attendance, bool]:
    """Record a person present (or late) at an open session; ``(attendance, created)``.

    A second check-in changes nothing. A person without any active membership is refused
    (``no_membership``); a member of a team that was not invited may attend.
    """
    now = now or utcnow()
    check_open(session, now)
    if not has_active_membership(user.id, session.date):
        raise TrainingError("no_membership")
    existing = db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.user_id == user.id)).first()
    if existing is not None and existing.status in COUNTING_STATUSES:
        return existing, False
    att = set_status(actor or user, session, user.id, status_at(session, now), method=method,
                     check_permission=actor is not None, now=now, existing=existing)
    return att, True


def check_in(user, token: str, now: datetime | None = None,
             expected_session_id: int | None = None) -> tuple[Attendance, bool]:
    """A member's QR self check-in with a code: validate it, then record."""
    now = now or utcnow()
    session = validate(token, now, expected_session_id)
    return record_checkin(user, session, now)


def check_in_on_behalf(actor, user, session: TrainingSession,
                       now: datetime | None = None) -> tuple[Attendance, bool]:
    """A leader or officer checks in a member without a smartphone (method ``on_behalf``)."""
    return record_checkin(user, session, now, method="on_behalf", actor=actor)


# --- calendar --------------------------------------------------------------------------------


def _ics_escape(text: str) -> str:
    return (
        (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting UTF-8 characters."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(encoded) > limit:
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def session_ics(session: TrainingSession, host: str, url: str = "") -> str:
    """A one-event iCalendar file for the session (times in UTC, so every phone shows them
    right in Asia/Ho_Chi_Minh)."""
    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    location = session.place or session.meeting_link or ""
    description = "\n".join(x for x in (session.trainer or "", session.meeting_link or "", url) if x)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CNSCD Learning//Training sessions//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-session-{session.id}@{host}",
        f"DTSTAMP:{stamp(utcnow())}",
    ]
    if session.start_time:
        lines += [f"DTSTART:{stamp(local_start(session))}", f"DTEND:{stamp(local_end(session))}"]
    else:
        lines += [f"DTSTART;VALUE=DATE:{session.date:%Y%m%d}"]
    lines += [f"SUMMARY:{_ics_escape(session.title)}"]
    if location:
        lines.append(f"LOCATION:{_ics_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    if url:
        lines.append(f"URL:{url}")
    if session.cancelled_at is not None:
        lines.append("STATUS:CANCELLED")
    elif session.start_time:
        # Two reminders: the day before and an hour before (many Android calendars only
        # remind when the file says so).
        from flask_babel import gettext as _

        for trigger, text in (("-P1D", _("Tomorrow: %(title)s", title=session.title)),
                              ("-PT1H", _("In one hour: %(title)s", title=session.title))):
            lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"TRIGGER:{trigger}",
                      f"DESCRIPTION:{_ics_escape(text)}", "END:VALARM"]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def google_calendar_url(session: TrainingSession, details: str = "") -> str:
    """A link that opens Google Calendar's "new event" form filled in with the session."""
    from urllib.parse import urlencode

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    if session.start_time:
        dates = f"{stamp(local_start(session))}/{stamp(local_end(session))}"
    else:
        dates = f"{session.date:%Y%m%d}/{session.date + timedelta(days=1):%Y%m%d}"
    params = {"action": "TEMPLATE", "text": session.title, "dates": dates,
              "location": session.place or session.meeting_link or "", "details": details,
              "ctz": "Asia/Ho_Chi_Minh"}
    return "https://calendar.google.com/calendar/render?" + urlencode(params)
