"""A member's own view of training sessions: their status at each, and which sessions are
still ahead of them (a session they have checked in to is no longer "upcoming")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.timeutil import local_today
from lms.training.access import _active_team_ids_stmt
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession, session_teams


@dataclass(frozen=True)
class MyStatus:
    """What a member sees beside a session: ``status`` is an attendance status, or
    ``"checked_in"`` (present or late today), ``"absent"`` for an invited member without a
    record once attendance is closed, ``None`` when there is nothing to say yet."""

    status: str | None
    recorded: bool


def my_statuses(user_id: int, sessions: list[TrainingSession],
                today: date | None = None) -> dict[int, MyStatus]:
    """``{session id: MyStatus}`` for the sessions listed, in two queries."""
    today = today or local_today()
    ids = [s.id for s in sessions]
    if not ids:
        return {}
    recorded = dict(db.session.execute(
        select(Attendance.session_id, Attendance.status)
        .where(Attendance.user_id == user_id, Attendance.session_id.in_(ids))
    ).all())
    invited = set(db.session.scalars(
        select(session_teams.c.session_id).where(
            session_teams.c.session_id.in_(ids),
            session_teams.c.team_id.in_(_active_team_ids_stmt(user_id, today)))
    ))
    out = {}
    for s in sessions:
        status = recorded.get(s.id)
        if status in COUNTING_STATUSES and s.date >= today:
            out[s.id] = MyStatus("checked_in", True)
        elif status is not None:
            out[s.id] = MyStatus(status, True)
        elif s.id in invited and s.date < today and s.attendance_closed_at is not None:
            out[s.id] = MyStatus("absent", False)
        else:
            out[s.id] = MyStatus(None, False)
    return out


def split_checked_in(upcoming: list[TrainingSession], statuses: dict[int, MyStatus]
                     ) -> tuple[list[TrainingSession], list[TrainingSession]]:
    """``(still upcoming, already checked in to)``."""
    ahead = [s for s in upcoming if statuses.get(s.id, MyStatus(None, False)).status != "checked_in"]
    done = [s for s in upcoming if s not in ahead]
    return ahead, done
