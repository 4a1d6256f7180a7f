"""Domain rules of the courses package: reading progress, module completion, path progress.

Plain functions with explicit arguments; set-based queries; no request, session or templates.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, has_app_context
from sqlalchemy import Select, and_, case, exists, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from lms import signals
from lms.courses.models import (
    CourseBookmark,
    LearningPath,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
)
from lms.extensions import db, dialect_insert
from lms.models_base import utcnow
from lms.timeutil import LOCAL_TZ


@dataclass(frozen=True)
class ModuleProgress:
    """A learner's progress in one module."""

    module_id: int
    read: int
    total: int
    completed: bool

    @property
    def fraction(self) -> float:
        """Share of lessons read (1.0 once the module is complete)."""
        if self.completed:
            return 1.0
        return self.read / self.total if self.total else 0.0


def visible_modules() -> list[Module]:
    """Modules shown in the catalogue, in order (retired modules hidden)."""
    return list(db.session.scalars(
        select(Module).where(Module.retired.is_(False)).order_by(Module.position, Module.id)
    ))


def module_progress(user_id: int, module_ids: list[int] | None = None) -> dict[int, ModuleProgress]:
    """Progress per module for a learner, in one query (non-retired lessons only)."""
    read = exists().where(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id)
    done = exists().where(ModuleCompletion.module_id == Lesson.module_id,
                          ModuleCompletion.user_id == user_id)
    stmt = (
        select(
            Lesson.module_id,
            func.count(Lesson.id),
            func.sum(case((read, 1), else_=0)),
            func.max(case((done, 1), else_=0)),
        )
        .where(Lesson.retired.is_(False))
        .group_by(Lesson.module_id)
    )
    if module_ids is not None:
        stmt = stmt.where(Lesson.module_id.in_(module_ids))
    return {
        module_id: ModuleProgress(module_id, int(n_read or 0), int(total), bool(completed))
        for module_id, total, n_read, completed in db.session.execute(stmt)
    }


def read_lesson_ids(user_id: int, module_id: int) -> set[int]:
    """Ids of the lessons of a module the learner has read."""
    return set(db.session.scalars(
        select(LessonProgress.lesson_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id, Lesson.module_id == module_id)
    ))


def mark_lesson_read(user_id: int, lesson_id: int) -> tuple[bool, ModuleCompletion | None]:
    """Record that the learner read a lesson to its end (idempotent; safe under a race).

    Returns ``(newly_read, completion)`` where completion is the module's completion if the
    module is (now or already) complete. The caller commits.
    """
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise LookupError("no such lesson")
    exists_already = db.session.scalar(
        select(LessonProgress.id).where(LessonProgress.user_id == user_id,
                                        LessonProgress.lesson_id == lesson_id)
    )
    created = False
    if exists_already is None:
        try:
            with db.session.begin_nested():
                db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson_id))
            created = True
        except IntegrityError:
            created = False  # a parallel request recorded it first
    return created, check_module_completion(user_id, lesson.module_id)


def _quiz_pass(user_id: int, module_id: int):
    """``(has_quiz, best passed attempt or None)``."""
    try:
        from lms.quizzes.models import Attempt, Quiz
    except ImportError:  # pragma: no cover - the quizzes package always ships its models
        return False, None
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.module_id == module_id))
    if quiz_id is None:
        return False, None
    attempt = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.passed.is_(True))
        .order_by(Attempt.score.desc(), Attempt.id)
        .limit(1)
    ).first()
    return True, attempt


def check_module_completion(user_id: int, module_id: int) -> ModuleCompletion | None:
    """Record the module as complete when every lesson is read and its quiz passed.

    A module is complete when every non-retired lesson is read and a passed attempt exists
    for its quiz (any version); a module without a quiz needs its lessons only. Creates one
    :class:`ModuleCompletion` (score = best passed score) and sends
    ``lms.signals.module_completed`` exactly once. Returns the completion (new or existing)
    or None. The caller commits.
    """
    existing = db.session.scalars(
        select(ModuleCompletion).where(ModuleCompletion.user_id == user_id,
                                       ModuleCompletion.module_id == module_id)
    ).first()
    if existing is not None:
        return existing
    unread = db.session.scalar(
        select(func.count(Lesson.id)).where(
            Lesson.module_id == module_id,
            Lesson.retired.is_(False),
            ~exists().where(LessonProgress.lesson_id == Lesson.id,
                            LessonProgress.user_id == user_id),
        )
    )
    total = db.session.scalar(
        select(func.count(Lesson.id)).where(Lesson.module_id == module_id, Lesson.retired.is_(False))
    )
    if unread or not total:
        return None
    has_quiz, attempt = _quiz_pass(user_id, module_id)
    if has_quiz and attempt is None:
        return None
    completion = ModuleCompletion(
        user_id=user_id, module_id=module_id, completed_at=utcnow(),
        score=attempt.score if attempt else None, attempt_id=attempt.id if attempt else None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(completion)
    except IntegrityError:
        # Another request completed it at the same moment: that one sent the signal.
        return db.session.scalars(
            select(ModuleCompletion).where(ModuleCompletion.user_id == user_id,
                                           ModuleCompletion.module_id == module_id)
        ).first()
    sender = current_app._get_current_object() if has_app_context() else None
    signals.module_completed.send(sender, user_id=user_id, module_id=module_id,
                                  completion_id=completion.id)
    return completion


# --- the offline reading queue --------------------------------------------------------------


def offline_marker(user_id: int, secret: str) -> str:
    """An opaque per-user value that keys the phone's offline reading queue.

    A keyed hash of the user id (never the phone number): pages carry it, the queue is stored
    and sent under it, and the server accepts a queue only with the logged-in user's marker, so
    on a shared phone nobody is credited with the previous person's reading."""
    digest = hmac.new(secret.encode(), f"offline-read-queue:{user_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def mark_queued_reads(user_id: int, keys: list[str]) -> tuple[list[str], list[str]]:
    """Mark read the lessons of an offline queue (``"<module slug>/<lesson slug>"`` each).

    Lessons that no longer exist or are retired (or their module) are ignored. Returns
    ``(recorded keys, ignored keys)``; the caller commits."""
    wanted = {}
    for key in keys:
        module_slug, _sep, lesson_slug = str(key).partition("/")
        if module_slug and lesson_slug:
            wanted[(module_slug, lesson_slug)] = str(key)
    found = {}
    if wanted:
        rows = db.session.execute(
            select(Module.slug, Lesson.slug, Lesson.id).join(Module, Module.id == Lesson.module_id)
            .where(Module.slug.in_({m for m, _l in wanted}), Lesson.slug.in_({x for _m, x in wanted}),
                   Module.retired.is_(False), Lesson.retired.is_(False))
        )
        found = {(m, x): lesson_id for m, x, lesson_id in rows if (m, x) in wanted}
    recorded = []
    for pair, lesson_id in found.items():
        mark_lesson_read(user_id, lesson_id)
        recorded.append(wanted[pair])
    ignored = [str(k) for k in keys if str(k) not in recorded]
    return recorded, ignored


# --- where to resume -------------------------------------------------------------------------


def remember_lesson(user_id: int, lesson_id: int) -> bool:
    """Keep the last lesson the learner opened (one row per learner). Returns whether anything
    changed (so the caller commits only then)."""
    # One statement, whether the row exists or not (and two first visits racing each other
    # end with one row): a row comes back only when it was written.
    stmt = dialect_insert(CourseBookmark).values(user_id=user_id, lesson_id=lesson_id,
                                                 updated_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"lesson_id": stmt.excluded.lesson_id, "updated_at": stmt.excluded.updated_at},
        where=CourseBookmark.lesson_id != stmt.excluded.lesson_id,
    ).returning(CourseBookmark.user_id)
    changed = db.session.execute(stmt).first() is not None
    loaded = db.session.identity_map.get(db.session.identity_key(CourseBookmark, user_id))
    if changed and loaded is not None:
        db.session.expire(loaded)  # written behind the ORM's back
    return changed


def resume_lesson(user_id: int) -> Lesson | None:
    """The lesson to continue with: the last one opened if unread, else the first unread
    lesson after it (same module first, then following modules); None if nothing is left."""
    unread = ~exists().where(LessonProgress.lesson_id == Lesson.id,
                             LessonProgress.user_id == user_id)
    base = (
        select(Lesson)
        .options(defer(Lesson.html_vi), defer(Lesson.html_en))  # the home page needs no body
        .join(Module, Module.id == Lesson.module_id)
        .where(Lesson.retired.is_(False), Module.retired.is_(False), unread)
        .order_by(Module.position, Module.id, Lesson.position)
    )
    bookmark = db.session.get(CourseBookmark, user_id)
    if bookmark is not None:
        current = db.session.get(Lesson, bookmark.lesson_id)
        if current is not None and not current.retired:
            module = current.module
            after = db.session.scalars(base.where(
                (Module.position > module.position)
                | and_(Module.id == module.id, Lesson.position >= current.position)
            ).limit(1)).first()
            if after is not None:
                return after
    return db.session.scalars(base.limit(1)).first()


def lesson_outline(module_id: int) -> list:
    """``(id, slug)`` rows of a module's non-retired lessons, in order (no lesson bodies)."""
    return list(db.session.execute(
        select(Lesson.id, Lesson.slug)
        .where(Lesson.module_id == module_id, Lesson.retired.is_(False))
        .order_by(Lesson.position)
    ))


def is_read(user_id: int, lesson_id: int) -> bool:
    """Whether the learner has read the lesson."""
    return db.session.scalar(select(LessonProgress.id).where(
        LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id)) is not None


def neighbours(lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The previous and next non-retired lessons of the same module."""
    lessons = [x for x in lesson.module.lessons if not x.retired]
    index = next(i for i, x in enumerate(lessons) if x.id == lesson.id)
    return (lessons[index - 1] if index > 0 else None,
            lessons[index + 1] if index + 1 < len(lessons) else None)


@dataclass(frozen=True)
class NextStep:
    """The one primary action of a module page for a learner.

    ``kind`` is one of: ``start`` / ``continue`` (``lesson`` is the next unread lesson),
    ``quiz`` (take it for the first time), ``resume_quiz`` (an attempt is open),
    ``retake`` (tried, not passed), ``certificate`` (``certificate_id`` is set),
    ``results`` (complete, quiz passed, no certificate), ``done`` (complete, nothing left).
    """

    kind: str
    lesson: Lesson | None = None
    certificate_id: int | None = None


def next_step(user_id: int, module: Module, lessons: list[Lesson], read: set[int]) -> NextStep:
    """What the learner should do next in a module (lessons, then the quiz, then the
    certificate)."""
    unread = next((x for x in lessons if x.id not in read), None)
    if unread is not None:
        return NextStep("continue" if read else "start", lesson=unread)
    try:
        from lms.certificates.services import existing_certificate
    except ImportError:  # pragma: no cover
        existing_certificate = None
    if existing_certificate is not None:
        cert = existing_certificate(user_id, module_id=module.id)
        if cert is not None and cert.status == "valid":
            return NextStep("certificate", certificate_id=cert.id)
    try:
        from lms.quizzes.models import Attempt, Quiz
    except ImportError:  # pragma: no cover
        return NextStep("done")
    quiz_id = db.session.scalar(select(Quiz.id).where(Quiz.module_id == module.id))
    if quiz_id is None:
        return NextStep("done")
    rows = db.session.execute(
        select(Attempt.submitted_at, Attempt.passed)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
    ).all()
    if any(passed for _at, passed in rows):
        return NextStep("results")
    if any(at is None for at, _passed in rows):
        return NextStep("resume_quiz")
    return NextStep("retake" if rows else "quiz")


# --- learning paths --------------------------------------------------------------------------


def get_path(path_slug: str | None = None) -> LearningPath | None:
    """A learning path by slug, or the first one."""
    stmt = select(LearningPath).order_by(LearningPath.id)
    if path_slug:
        stmt = stmt.where(LearningPath.slug == path_slug)
    return db.session.scalars(stmt.limit(1)).first()


def path_progress(user_id: int, path_slug: str | None = None) -> dict | None:
    """A learner's progress through a path: its modules (in order) with their progress,
    ``completed_modules``, ``total_modules``, ``fraction`` and ``completed``."""
    path = get_path(path_slug)
    if path is None:
        return None
    by_slug = {m.slug: m for m in db.session.scalars(
        select(Module).where(Module.slug.in_(path.module_slugs), Module.retired.is_(False)))}
    modules = [by_slug[s] for s in path.module_slugs if s in by_slug]
    progress = module_progress(user_id, [m.id for m in modules])
    rows = [(m, progress.get(m.id, ModuleProgress(m.id, 0, 0, False))) for m in modules]
    done = sum(1 for _m, p in rows if p.completed)
    read = sum(p.read for _m, p in rows)
    total_lessons = sum(p.total for _m, p in rows)
    return {
        "path": path,
        "modules": rows,
        "completed_modules": done,
        "total_modules": len(rows),
        "lessons_read": read,
        "lessons_total": total_lessons,
        "fraction": (done / len(rows)) if rows else 0.0,
        "completed": bool(rows) and done == len(rows),
    }


def _end_of_day_utc(day: date) -> datetime:
    """The first instant after ``day`` in Vietnam time, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def completed_path_users_stmt(path_slug: str, until_date: date) -> Select:
    """SELECT of the user ids who completed every module of the path by ``until_date``
    (a date in Vietnam time). Set-based: use it as a subquery (``.in_(stmt)``)."""
    path = get_path(path_slug)
    slugs = list(path.module_slugs) if path else []
    if not slugs:
        return select(ModuleCompletion.user_id).where(literal(False))
    return (
        select(ModuleCompletion.user_id)
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(Module.slug.in_(slugs), ModuleCompletion.completed_at < _end_of_day_utc(until_date))
        .group_by(ModuleCompletion.user_id)
        .having(func.count(func.distinct(Module.slug)) == len(slugs))
    )


def path_completed_on(user_ids, path_slug: str, until_date: date | None = None) -> dict[int, datetime]:
    """For the given users (ids or a select), when each completed the whole path (the time of
    their last module completion); users who have not completed it are absent. One query."""
    path = get_path(path_slug)
    slugs = list(path.module_slugs) if path else []
    if not slugs:
        return {}
    stmt = (
        select(ModuleCompletion.user_id, func.max(ModuleCompletion.completed_at))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .where(Module.slug.in_(slugs), ModuleCompletion.user_id.in_(user_ids))
        .group_by(ModuleCompletion.user_id)
        .having(func.count(func.distinct(Module.slug)) == len(slugs))
    )
    if until_date is not None:
        stmt = stmt.where(ModuleCompletion.completed_at < _end_of_day_utc(until_date))
    return {user_id: when for user_id, when in db.session.execute(stmt)}
