"""Attendance certificates follow the closing of a session's attendance.

Issued once, when the attendance is closed (``lms.training.events.attendance_closed``), for each
person present or late; a closed status changed later to excused or absent revokes the
certificate with the officer's reason; a change to present or late issues one (a new one when
the previous one was revoked).
"""

from __future__ import annotations

from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.certificates.services import existing_certificate, issue_for_session, revoke
from lms.extensions import db
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession


def _issues(session: TrainingSession | None) -> bool:
    return bool(session is not None and session.issues_certificates
                and session.cancelled_at is None)


def issue_for_closed_session(session_id: int, *, actor_id: int | None = None
                             ) -> list[Certificate]:
    """Issue the certificates of every present or late attendee of a closed session (those who
    already have a current one keep it). Returns the certificates (new and existing)."""
    session = db.session.get(TrainingSession, session_id)
    if not _issues(session) or session.attendance_closed_at is None:
        return []
    user_ids = db.session.scalars(select(Attendance.user_id).where(
        Attendance.session_id == session.id, Attendance.status.in_(COUNTING_STATUSES))
        .order_by(Attendance.id))
    certs = []
    for user_id in list(user_ids):
        cert = issue_for_session(user_id, session, actor_id=actor_id)
        if cert is not None:
            certs.append(cert)
    return certs


def follow_closed_change(attendance_id: int, before: str | None, after: str,
                         reason: str | None, *, actor_id: int | None = None
                         ) -> Certificate | None:
    """After closing: revoke the valid certificate when the status stops counting (reason
    kept), issue when it starts counting. Returns the certificate concerned, if any."""
    att = db.session.get(Attendance, attendance_id)
    if att is None:
        return None
    session = att.session
    if not _issues(session):
        return None
    counted, counts = before in COUNTING_STATUSES, after in COUNTING_STATUSES
    current = existing_certificate(att.user_id, session_id=session.id)
    if counted and not counts:
        if current is not None and current.status == "valid":
            from lms.auth.models import User

            actor = db.session.get(User, actor_id) if actor_id else None
            return revoke(actor, current, reason or "attendance changed")
        return current
    if counts and (current is None or current.status == "revoked"):
        # A revoked certificate stays revoked (its verification page says so): a new one.
        return issue_for_session(att.user_id, session, actor_id=actor_id, after_revoked=True)
    return current
