"""Automatic issue: the certificates package listens to the domain events of other packages.

- ``module_completed(user_id=, module_id=, completion_id=)`` → a module certificate;
- ``lms.training.events.attendance_closed(session_id=, actor_id=)`` → the session's attendance
  certificates, when the session issues certificates: one per person present or late, issued
  once, when the attendance is closed (never at the tap, while the session is running);
- ``lms.training.events.closed_attendance_changed(attendance_id=, before=, after=, reason=)``
  → a closed status changed: the certificate is revoked (with the reason) when the status no
  longer counts, and issued when it starts counting.

All run inside the sender's transaction (the sender commits) and inside a savepoint: a failure
here is logged and never breaks the learner's quiz or the officer's attendance sheet.
"""

from __future__ import annotations

import logging

from lms import signals
from lms.extensions import db
from lms.training import events

log = logging.getLogger(__name__)


def on_module_completed(sender, user_id: int, module_id: int, **extra) -> None:
    """Issue the module certificate of a completion (idempotent)."""
    from lms.certificates.services import issue_for_module

    try:
        with db.session.begin_nested():
            issue_for_module(user_id, module_id)
    except Exception:  # noqa: BLE001 - a certificate must never break the completion
        log.exception("certificate for module %s of user %s failed", module_id, user_id)


def on_attendance_closed(sender, session_id: int, actor_id: int | None = None, **extra) -> None:
    """Issue the attendance certificates of a session whose attendance was just closed."""
    from lms.certificates.closing import issue_for_closed_session

    try:
        with db.session.begin_nested():
            issue_for_closed_session(session_id, actor_id=actor_id)
    except Exception:  # noqa: BLE001 - a certificate must never break the closing
        log.exception("certificates for closed session %s failed", session_id)


def on_closed_attendance_changed(sender, attendance_id: int, before: str | None, after: str,
                                 reason: str | None = None, actor_id: int | None = None,
                                 **extra) -> None:
    """Follow a change after closing: revoke (with the reason) or issue."""
    from lms.certificates.closing import follow_closed_change

    try:
        with db.session.begin_nested():
            follow_closed_change(attendance_id, before, after, reason, actor_id=actor_id)
    except Exception:  # noqa: BLE001
        log.exception("certificate for changed attendance %s failed", attendance_id)


signals.module_completed.connect(on_module_completed, weak=False)
events.attendance_closed.connect(on_attendance_closed, weak=False)
events.closed_attendance_changed.connect(on_closed_attendance_changed, weak=False)
