"""A member's training record ("Hồ sơ học tập"): every training attended with how it was
recorded, modules completed and best quiz scores, certificates, and this year's status with
the training that counted. Added to ``/org/people/<id>`` (the office, the member's leader) and
``/org/me`` (the member) through ``lms.org.views.member_section``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from lms.auth.models import User
from lms.auth.permissions import active_on, led_team_ids, role_of
from lms.courses.models import Module, ModuleCompletion
from lms.extensions import db
from lms.org.models import Commune, Membership
from lms.org.views import member_section
from lms.quizzes.models import Attempt, Quiz
from lms.timeutil import local_today
from lms.training.models import Attendance, TrainingSession


@dataclass
class TrainingLine:
    """One attendance on the record."""

    day: date
    session_id: int
    title: str
    commune: str
    status: str
    how: str  # qr | code | on_behalf | officer | leader | import
    by: str | None
    cancelled: bool


def how_recorded(method: str, marker_role: str | None) -> str:
    """``qr``, ``code``, ``on_behalf``, ``import``, or who marked by hand: ``officer`` or
    ``leader``."""
    if method in ("qr", "code", "on_behalf", "import"):
        return method
    return "officer" if marker_role in ("officer", "admin") else "leader"


def trainings(user_id: int) -> list[TrainingLine]:
    """Every attendance of the person, newest first (one query)."""
    marker = aliased(User)
    rows = db.session.execute(
        select(TrainingSession.date, TrainingSession.id, TrainingSession.title, Commune.name,
               Attendance.status, Attendance.method, marker.account_role, marker.full_name,
               TrainingSession.cancelled_at)
        .join(Attendance, Attendance.session_id == TrainingSession.id)
        .join(Commune, Commune.id == TrainingSession.commune_id)
        .outerjoin(marker, marker.id == Attendance.marked_by_id)
        .where(Attendance.user_id == user_id)
        .order_by(TrainingSession.date.desc(), TrainingSession.id.desc())
    ).all()
    return [TrainingLine(day, sid, title, commune, status, how_recorded(method, role),
                         name, cancelled is not None)
            for day, sid, title, commune, status, method, role, name, cancelled in rows]


def modules(user_id: int) -> list[tuple]:
    """``(module, completed_at or None, best score or None)`` for every module completed or
    attempted (two queries)."""
    best = dict(db.session.execute(
        select(Quiz.module_id, func.max(Attempt.score))
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None))
        .group_by(Quiz.module_id)).all())
    done: dict[int, datetime] = dict(db.session.execute(
        select(ModuleCompletion.module_id, ModuleCompletion.completed_at)
        .where(ModuleCompletion.user_id == user_id)).all())
    ids = set(best) | set(done)
    if not ids:
        return []
    found = db.session.scalars(select(Module).where(Module.id.in_(ids))
                               .order_by(Module.position, Module.id)).all()
    return [(m, done.get(m.id), best.get(m.id)) for m in found]


def may_see_record(person, actor) -> bool:
    """The member, officers and admins (the page already checked the commune), and the
    member's current leader."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    role = role_of(actor)
    if actor.id == person.id or role in ("officer", "admin"):
        return True
    led = led_team_ids(actor)
    return bool(led) and bool(db.session.scalar(select(func.count()).select_from(Membership)
                                                .where(Membership.user_id == person.id,
                                                       Membership.team_id.in_(led),
                                                       active_on(local_today()))))


def year_status(user_id: int, year: int) -> list[dict]:
    """This year's status in each commune of scope, with the training that counted."""
    from lms.training.report_people import first_counting
    from lms.training.summaries import person_status

    statuses = person_status(user_id, year)
    if not statuses:
        return []
    firsts = first_counting(year, local_today() if year == local_today().year
                            else date(year, 12, 31), [user_id])
    counted = db.session.execute(
        select(TrainingSession).join(firsts, firsts.c.session_id == TrainingSession.id)
        .where(firsts.c.rn == 1)).scalars().first()
    names = dict(db.session.execute(select(Commune.id, Commune.name).where(
        Commune.id.in_([s["commune_id"] for s in statuses]))).all())
    return [{**s, "commune": names.get(s["commune_id"], ""), "counted": counted}
            for s in statuses]


@member_section(order=20)
def training_record(person, actor) -> str | None:
    """The training record block of the member page (None for anyone else); markup, since
    the member page prints the blocks as they are."""
    if not may_see_record(person, actor):
        return None
    from lms.certificates.services import member_certificates
    from lms.training.messages import STATUS_LABELS

    year = local_today().year
    return Markup(render_template(
        "training/_record.html", person=person, own=actor.id == person.id, year=year,
        lines=trainings(person.id), modules=modules(person.id),
        certs=member_certificates(person.id), statuses=year_status(person.id, year),
        status_labels=STATUS_LABELS))
