"""One row per person in scope of a commune's annual check, with the training that counted:
the rows of the CSV/XLSX reports and of the PDF's "sessions that counted" table (two queries,
whatever the size of the commune)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from lms.auth.models import User
from lms.extensions import db
from lms.org.models import Commune, Team
from lms.training.compliance import _as_date, status_tables
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession


@dataclass
class PersonRow:
    """A person in scope: status, number of trainings and the first session that counted."""

    user_id: int
    name: str
    phone: str
    teams: list[str]
    status: str
    trainings: int
    session_id: int | None = None
    session_title: str | None = None
    session_date: date | None = None
    session_commune: str | None = None
    team_ids: list[int] | None = None


def first_counting(year: int, as_of: date, user_ids):
    """Subquery (user_id, session_id, rn): each person's counting attendances of the year up
    to ``as_of``, earliest first (rn = 1 is the one shown as "the training that counted")."""
    window_end = min(as_of, date(year, 12, 31))
    return (
        select(
            Attendance.user_id,
            Attendance.session_id,
            func.row_number().over(partition_by=Attendance.user_id,
                                   order_by=(TrainingSession.date, TrainingSession.id)
                                   ).label("rn"),
        )
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(Attendance.status.in_(COUNTING_STATUSES), TrainingSession.cancelled_at.is_(None),
               TrainingSession.date >= date(year, 1, 1), TrainingSession.date <= window_end,
               Attendance.user_id.in_(user_ids))
        .subquery("firsts")
    )


def people_rows(commune: Commune, year: int, as_of: date) -> list[PersonRow]:
    """Every person in scope of the commune, ordered by name, with their teams."""
    scope, ps = status_tables(year, as_of, commune_id=commune.id)
    firsts = first_counting(year, as_of, select(scope.c.user_id))
    session_commune = Commune.__table__.alias("sc")
    rows = db.session.execute(
        select(User.id, User.full_name, User.phone, ps.c.status, ps.c.trainings,
               TrainingSession.id, TrainingSession.title, TrainingSession.date,
               session_commune.c.name)
        .select_from(ps)
        .join(User, User.id == ps.c.user_id)
        .outerjoin(firsts, and_(firsts.c.user_id == ps.c.user_id, firsts.c.rn == 1))
        .outerjoin(TrainingSession, TrainingSession.id == firsts.c.session_id)
        .outerjoin(session_commune, session_commune.c.id == TrainingSession.commune_id)
        .order_by(User.name_folded, User.id)
    ).all()
    teams: dict[int, list[str]] = {}
    team_ids: dict[int, list[int]] = {}
    for uid, tid, name in db.session.execute(
            select(scope.c.user_id, Team.id, Team.name).join(Team, Team.id == scope.c.team_id)
            .order_by(Team.is_commune_level.desc(), Team.name)).all():
        if name not in teams.setdefault(uid, []):
            teams[uid].append(name)
            team_ids.setdefault(uid, []).append(tid)
    return [
        PersonRow(uid, name, phone or "", teams.get(uid, []), status, int(trainings or 0), sid,
                  title, _as_date(day), organiser, team_ids.get(uid, []))
        for uid, name, phone, status, trainings, sid, title, day, organiser in rows
    ]


def counted_sessions(people: list[PersonRow]) -> list[tuple[date, str, str, int]]:
    """The sessions that counted (first training of a person), with how many people each:
    ``(date, title, organising commune, people)`` by date."""
    found: dict[int, list] = {}
    for p in people:
        if p.session_id is not None:
            entry = found.setdefault(p.session_id, [p.session_date, p.session_title,
                                                    p.session_commune or "", 0])
            entry[3] += 1
    return sorted((tuple(v) for v in found.values()), key=lambda v: (v[0], v[1]))
