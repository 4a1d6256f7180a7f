"""Attempts: start, save as the learner goes, submit, time limit, completion.

Every function takes explicit ids and plain data (a MultiDict of form values for answers) and
commits its own transaction, so the views, the CLI and the tests share one code path.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models_base import utcnow
from lms.quizzes import grading
from lms.quizzes.models import Attempt, Question, Quiz, QuizVersion
from lms.timeutil import as_utc

log = logging.getLogger(__name__)

# Answers that arrive this long after the deadline are still accepted (slow networks).
GRACE = timedelta(seconds=30)


class QuizError(Exception):
    """A domain error; ``code`` is one of: no_quiz, no_attempts_left, submitted, expired."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def quiz_for_module(module_id: int) -> Quiz | None:
    """The quiz of a module (with a current version), or None."""
    return db.session.scalars(
        select(Quiz).where(Quiz.module_id == module_id, Quiz.current_version_id.is_not(None))
    ).first()


def open_attempt(user_id: int, quiz_id: int) -> Attempt | None:
    """The member's unsubmitted attempt at a quiz, if any."""
    return db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id,
                              Attempt.submitted_at.is_(None))
    ).first()


def attempts_of(user_id: int, quiz_id: int) -> list[Attempt]:
    """Every attempt of the member at a quiz, newest first."""
    return list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ))


def best_attempt(attempts: list[Attempt]) -> Attempt | None:
    """The submitted attempt with the best score (the one that counts)."""
    done = [a for a in attempts if a.submitted_at is not None and a.score is not None]
    return max(done, key=lambda a: (a.score, -a.id)) if done else None


def deadline_passed(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the attempt is past its deadline plus the grace period."""
    if attempt.deadline_at is None:
        return False
    return (now or utcnow()) > as_utc(attempt.deadline_at) + GRACE


def attempts_left(quiz: Quiz, user_id: int) -> int | None:
    """How many more attempts the member may start (None = unlimited)."""
    limit = (quiz.current_version.settings or {}).get("max_attempts")
    if limit is None:
        return None
    used = db.session.scalar(
        select(func.count(Attempt.id)).where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
    )
    return max(0, limit - used)


def start_attempt(user_id: int, quiz: Quiz, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Resume the open attempt or draw a new one from the current version.

    An open attempt past its deadline is graded first. Two racing starts end with one attempt:
    the partial unique index rejects the second, which then returns the first.
    """
    now = now or utcnow()
    current = open_attempt(user_id, quiz.id)
    if current is not None:
        if not deadline_passed(current, now):
            return current
        finish_expired(current, now)
    left = attempts_left(quiz, user_id)
    if left is not None and left <= 0:
        raise QuizError("no_attempts_left")
    version = quiz.current_version
    settings = version.settings or {}
    questions = list(db.session.scalars(
        select(Question).where(Question.version_id == version.id).order_by(Question.position)
    ))
    layout = grading.draw_layout(questions, settings, rng or random.SystemRandom())
    limit = settings.get("time_limit_minutes")
    attempt = Attempt(
        user_id=user_id, quiz_id=quiz.id, version_id=version.id, started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
        layout=layout, answers={},
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = open_attempt(user_id, quiz.id)
        if existing is None:
            raise
        return existing
    return attempt


def question_data(attempt: Attempt) -> dict[int, dict]:
    """``{question id: spec}`` for the questions drawn in an attempt (one query)."""
    ids = [entry["question_id"] for entry in attempt.layout]
    rows = db.session.execute(select(Question.id, Question.data).where(Question.id.in_(ids)))
    return {qid: data for qid, data in rows}


def _load(attempt_id: int, user_id: int, lock: bool = False) -> Attempt:
    stmt = select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    attempt = db.session.scalars(stmt).first()
    if attempt is None:
        raise LookupError(attempt_id)
    return attempt


def save_answers(attempt_id: int, user_id: int, form, now: datetime | None = None) -> Attempt:
    """Merge the answers present in ``form`` into the attempt (others are kept).

    Raises ``QuizError("submitted")`` on a submitted attempt and ``QuizError("expired")``
    (after grading what was saved) past the deadline and its grace.
    """
    now = now or utcnow()
    attempt = _load(attempt_id, user_id, lock=True)
    if attempt.submitted_at is not None:
        db.session.rollback()
        raise QuizError("submitted")
    if deadline_passed(attempt, now):
        finish_expired(attempt, now)
        raise QuizError("expired")
    new = grading.parse_answers(attempt.layout, question_data(attempt), form)
    if new:
        attempt.answers = {**(attempt.answers or {}), **new}
    db.session.commit()
    return attempt


def _finish(attempt: Attempt, now: datetime, answers: dict) -> bool:
    """Grade and mark submitted, once: a conditional update makes racing submits harmless.
    Returns whether this call did it."""
    datas = question_data(attempt)
    settings = attempt.version.settings or {}
    score, passed, results = grading.grade(attempt.layout, datas, answers,
                                           settings.get("pass_mark", 70))
    done = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, answers=answers, score=score, passed=passed, results=results)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    db.session.refresh(attempt)
    if done and passed:
        _complete_module(attempt)
    return bool(done)


def _complete_module(attempt: Attempt) -> None:
    """Tell the courses package (it records completion and emits ``module_completed``)."""
    try:
        from lms.courses.services import check_module_completion
    except ImportError:  # pragma: no cover - the courses package provides it
        log.warning("lms.courses.services.check_module_completion is missing")
        return
    check_module_completion(attempt.user_id, attempt.quiz.module_id)
    db.session.commit()


def finish_expired(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade an attempt past its deadline with the answers saved so far."""
    if attempt.submitted_at is None:
        _finish(attempt, now or utcnow(), dict(attempt.answers or {}))
    return attempt


def submit_attempt(attempt_id: int, user_id: int, form=None,
                   now: datetime | None = None) -> Attempt:
    """Submit: merge the last answers (unless late), grade, record. Idempotent: a repeated
    submit returns the already graded attempt unchanged."""
    now = now or utcnow()
    attempt = _load(attempt_id, user_id, lock=True)
    if attempt.submitted_at is not None:
        db.session.rollback()
        return attempt
    answers = dict(attempt.answers or {})
    if form is not None and not deadline_passed(attempt, now):
        answers.update(grading.parse_answers(attempt.layout, question_data(attempt), form))
    _finish(attempt, now, answers)
    return attempt


def may_show_correct(attempt: Attempt, attempts: list[Attempt]) -> bool:
    """Whether the review of a submitted attempt reveals the right answers (``show_correct``)."""
    if attempt.submitted_at is None:
        return False
    show = (attempt.version.settings or {}).get("show_correct", "after_submit")
    if show == "after_submit":
        return True
    if show == "after_pass":
        return any(a.passed for a in attempts if a.submitted_at is not None)
    return False


def close_expired(now: datetime | None = None) -> int:
    """Grade every open attempt past its deadline and grace; returns how many."""
    now = now or utcnow()
    rows = list(db.session.scalars(
        select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline_at.is_not(None),
                              Attempt.deadline_at < now - GRACE)
    ))
    count = 0
    for attempt in rows:
        if deadline_passed(attempt, now):
            finish_expired(attempt, now)
            count += 1
    return count


def latest_version(quiz_id: int) -> QuizVersion | None:
    """The newest version of a quiz."""
    return db.session.scalars(
        select(QuizVersion).where(QuizVersion.quiz_id == quiz_id).order_by(QuizVersion.number.desc())
    ).first()
