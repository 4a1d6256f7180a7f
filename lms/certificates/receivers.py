"""Automatic issue: the certificates package listens to the domain events of other packages.

- ``module_completed(user_id=, module_id=, completion_id=)`` → a module certificate;
- ``attendance_recorded(attendance_id=, actor_id=)`` → a session certificate when the session
  issues certificates and the person was present or late.

Both run inside the sender's transaction (the sender commits) and inside a savepoint: a failure
here is logged and never breaks the learner's quiz or the officer's attendance sheet.
"""

from __future__ import annotations

import logging

from lms import signals
from lms.extensions import db

log = logging.getLogger(__name__)


def on_module_completed(sender, user_id: int, module_id: int, **extra) -> None:
    """Issue the module certificate of a completion (idempotent)."""
    from lms.certificates.services import issue_for_module

    try:
        with db.session.begin_nested():
            issue_for_module(user_id, module_id)
    except Exception:  # noqa: BLE001 - a certificate must never break the completion
        log.exception("certificate for module %s of user %s failed", module_id, user_id)


def on_attendance_recorded(sender, attendance_id: int, actor_id: int | None = None,
                           **extra) -> None:
    """Issue the session certificate of a present/late attendance (idempotent)."""
    from lms.certificates.services import issue_for_attendance

    try:
        with db.session.begin_nested():
            issue_for_attendance(attendance_id, actor_id=actor_id)
    except Exception:  # noqa: BLE001 - a certificate must never break the attendance sheet
        log.exception("certificate for attendance %s failed", attendance_id)


signals.module_completed.connect(on_module_completed, weak=False)
signals.attendance_recorded.connect(on_attendance_recorded, weak=False)
