"""Closing a session's attendance ("chốt điểm danh"), undoing "everyone present", deleting a
session created by mistake.

- An officer of the organising commune (or an admin) closes the attendance once the session
  has started; it closes by itself ``close_after_hours`` (the commune's rule for the year,
  default 2) after the end time: lazily whenever the session is read or marked, and with
  ``lms attendance close-due`` (cron). Closing sends ``events.attendance_closed``: the
  certificates of attendance are issued then, once.
- After closing, only officers change a status, with a reason (``services.set_status``).
- "Everyone present" is kept as an :class:`AttendanceBatch`; undoing it restores exactly the
  statuses it replaced, for the people whose status has not changed since.

Plain functions raising :class:`TrainingError`; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select

from lms import audit
from lms.extensions import db
from lms.models_base import utcnow
from lms.timeutil import LOCAL_TZ, as_utc
from lms.training import events
from lms.training.access import can_manage
from lms.training.models import Attendance, AttendanceBatch, ComplianceRule, TrainingSession
from lms.training.services import TrainingError, local_end, local_start

DEFAULT_CLOSE_AFTER_HOURS = 2


def _actor_id(actor) -> int | None:
    return actor.id if actor is not None else None


def close_after_hours(session: TrainingSession) -> int:
    """Hours after the end at which the session's attendance closes by itself (the organising
    commune's rule for the session's year; 2 without a rule)."""
    hours = db.session.scalar(select(ComplianceRule.close_after_hours).where(
        ComplianceRule.commune_id == session.commune_id,
        ComplianceRule.year == session.date.year))
    return DEFAULT_CLOSE_AFTER_HOURS if hours is None else int(hours)


def close_due_at(session: TrainingSession) -> datetime:
    """When the attendance closes by itself (aware, Vietnam time)."""
    return local_end(session) + timedelta(hours=close_after_hours(session))


def is_closed(session: TrainingSession) -> bool:
    """Whether the session's attendance is closed."""
    return session.attendance_closed_at is not None


def close_attendance(actor, session: TrainingSession, now: datetime | None = None) -> bool:
    """Close the attendance (audited ``attendance.close``; sends ``attendance_closed``).

    ``actor`` None is the automatic close. Returns False when it was already closed. Refused:
    ``not_allowed`` (only officers of the organising commune and admins), ``cancelled``,
    ``not_started`` (before the start time).
    """
    if session.attendance_closed_at is not None:
        return False
    if actor is not None and not can_manage(actor, session):
        raise TrainingError("not_allowed")
    if session.cancelled_at is not None:
        raise TrainingError("cancelled")
    now = as_utc(now or utcnow())
    if now < local_start(session):
        raise TrainingError("not_started")
    session.attendance_closed_at = now
    session.attendance_closed_by_id = _actor_id(actor)
    counts = dict(db.session.execute(
        select(Attendance.status, db.func.count()).where(Attendance.session_id == session.id)
        .group_by(Attendance.status)).all())
    audit.record("attendance.close", "training_session", session.id, actor_id=_actor_id(actor),
                 commune_id=session.commune_id, before=None,
                 after={"automatic": actor is None, **{k: int(v) for k, v in counts.items()}})
    db.session.flush()
    events.attendance_closed.send(None, session_id=session.id, actor_id=_actor_id(actor))
    return True


def close_if_due(session: TrainingSession, now: datetime | None = None) -> bool:
    """Close automatically when the end time plus the commune's grace has passed (lazy close,
    called whenever the session is read or marked). True when it closed now."""
    if session.attendance_closed_at is not None or session.cancelled_at is not None:
        return False
    now = as_utc(now or utcnow())
    if session.date > now.astimezone(LOCAL_TZ).date() or now < close_due_at(session):
        return False
    return close_attendance(None, session, now)


def close_due(now: datetime | None = None) -> list[TrainingSession]:
    """Close every session whose attendance is due to close (``lms attendance close-due``)."""
    now = as_utc(now or utcnow())
    candidates = db.session.scalars(select(TrainingSession).where(
        TrainingSession.attendance_closed_at.is_(None), TrainingSession.cancelled_at.is_(None),
        TrainingSession.date <= now.astimezone(LOCAL_TZ).date()).order_by(TrainingSession.date, TrainingSession.id))
    return [s for s in candidates if close_if_due(s, now)]


# --- undo of "everyone present" ---------------------------------------------------------------


def undoable_batch(actor, session: TrainingSession) -> AttendanceBatch | None:
    """The actor's latest "everyone present" at this session that can still be undone."""
    if actor is None or session.attendance_closed_at is not None:
        return None
    return db.session.scalars(select(AttendanceBatch).where(
        AttendanceBatch.session_id == session.id, AttendanceBatch.actor_id == actor.id,
        AttendanceBatch.undone_at.is_(None)).order_by(AttendanceBatch.id.desc()).limit(1)).first()


def undo_batch(actor, batch: AttendanceBatch) -> int:
    """Restore exactly the statuses a batch replaced (an unmarked person becomes unmarked
    again). People whose status changed since the batch are left alone. Audited
    ``attendance.undo`` per person. Refused: ``not_allowed`` (someone else's batch),
    ``already_undone``, ``attendance_closed``. Returns how many were restored."""
    session = db.session.get(TrainingSession, batch.session_id)
    if actor is None or batch.actor_id != actor.id:
        raise TrainingError("not_allowed")
    if batch.undone_at is not None:
        raise TrainingError("already_undone")
    if session.attendance_closed_at is not None:
        raise TrainingError("attendance_closed")
    marks = {a.user_id: a for a in db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id,
        Attendance.user_id.in_([item["user_id"] for item in batch.items])))}
    restored = 0
    for item in batch.items:
        att = marks.get(item["user_id"])
        if att is None or att.status != item["after"]:
            continue
        audit.record("attendance.undo", "attendance", att.id, actor_id=actor.id,
                     commune_id=session.commune_id, before={"status": att.status},
                     after={"status": item["before"], "user_id": att.user_id,
                            "session_id": session.id, "batch_id": batch.id})
        if item["before"] is None:
            db.session.delete(att)
        else:
            att.status = item["before"]
            att.method = item.get("before_method") or att.method
            att.marked_by_id = actor.id
            att.marked_at = utcnow()
        restored += 1
    batch.undone_at = utcnow()
    db.session.flush()
    return restored


# --- deleting a session created by mistake -----------------------------------------------------


def can_delete(session: TrainingSession) -> bool:
    """A session with no attendance at all (no one marked or checked in) can be deleted."""
    return not db.session.scalar(select(exists().where(Attendance.session_id == session.id)))


def delete_session(actor, session: TrainingSession) -> None:
    """Delete a session without any attendance (audited ``session.delete`` with its title and
    date). Refused: ``not_allowed``, ``has_attendance``."""
    if actor is not None and not can_manage(actor, session):
        raise TrainingError("not_allowed")
    if not can_delete(session):
        raise TrainingError("has_attendance")
    audit.record("session.delete", "training_session", session.id, actor_id=_actor_id(actor),
                 commune_id=session.commune_id,
                 before={"title": session.title, "date": session.date.isoformat()}, after=None)
    db.session.execute(delete(AttendanceBatch).where(AttendanceBatch.session_id == session.id))
    db.session.delete(session)
    db.session.flush()
