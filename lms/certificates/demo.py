"""Demo step: certificates for the demo member and for a past issuing session of Duy Tiên."""

from __future__ import annotations

from sqlalchemy import select

from lms.auth.models import User
from lms.certificates import services
from lms.courses.models import Lesson, LessonProgress, Module, ModuleCompletion
from lms.demo import demo_step
from lms.extensions import db
from lms.models_base import utcnow
from lms.org.models import Commune
from lms.timeutil import local_today
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession

DEMO_MEMBER = "+84900000004"


def _complete_first_module(user: User) -> None:
    module = db.session.scalars(
        select(Module).where(Module.retired.is_(False)).order_by(Module.position, Module.id)
    ).first()
    if module is None:
        return
    read = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id)))
    for lesson_id in db.session.scalars(select(Lesson.id).where(
            Lesson.module_id == module.id, Lesson.retired.is_(False))):
        if lesson_id not in read:
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson_id))
    completion = db.session.scalars(select(ModuleCompletion).where(
        ModuleCompletion.user_id == user.id, ModuleCompletion.module_id == module.id)).first()
    if completion is None:
        db.session.add(ModuleCompletion(user_id=user.id, module_id=module.id,
                                        completed_at=utcnow(), score=90.0))
    db.session.flush()
    services.issue_for_module(user.id, module.id)


def _issue_for_past_session(commune: Commune) -> None:
    today = local_today()
    past = select(TrainingSession).where(
        TrainingSession.commune_id == commune.id, TrainingSession.date < today,
        TrainingSession.cancelled_at.is_(None)).order_by(TrainingSession.date.desc())
    session = db.session.scalars(past.where(TrainingSession.issues_certificates.is_(True))).first()
    if session is None:
        session = db.session.scalars(past).first()
        if session is None:
            return
        session.issues_certificates = True
    user_ids = db.session.scalars(select(Attendance.user_id).where(
        Attendance.session_id == session.id, Attendance.status.in_(COUNTING_STATUSES)))
    for user_id in user_ids:
        services.issue_for_session(user_id, session, issued_on=session.date)


@demo_step(60, "certificates")
def certificates_step(ctx: dict) -> None:
    """The demo member completed the first module; a past DT session issued certificates."""
    member = db.session.scalars(select(User).where(User.phone == DEMO_MEMBER)).first()
    if member is not None:
        _complete_first_module(member)
    commune = db.session.scalars(select(Commune).where(Commune.code == "DT")).first()
    if commune is not None:
        _issue_for_past_session(commune)
