"""Attempts: start, save as the learner goes, submit, time limit, attempt limits, completion.

Every function takes explicit ids and plain data (a MultiDict of form values for answers) and
commits its own transaction, so the views, the CLI and the tests share one code path.

Answers are ``AttemptAnswer`` rows, one per question. Saving is an upsert per row whose SELECT
source is the attempt *while it is open* (``submitted_at IS NULL`` and before the deadline and
its grace), so a save never touches a closed attempt and parallel saves of different questions
never overwrite each other. Closing an attempt (submit, deadline) first claims it with
``UPDATE attempts SET submitted_at … WHERE submitted_at IS NULL`` and, in the same transaction,
reads the rows and records the grade:

- PostgreSQL: the claim holds the attempt's row lock until commit, and the save's source takes
  ``FOR SHARE`` on the same row, so a racing save either commits before the claim (and is read
  by the grading) or waits for the commit, re-checks ``submitted_at`` and writes nothing;
- SQLite: every write transaction holds the database's single write lock from its first write
  (the claim, or the save's upsert) to its commit, so the two are serialised the same way.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache

from sqlalchemy import JSON, DateTime, Integer, bindparam, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from lms.extensions import db, dialect_insert
from lms.models_base import utcnow
from lms.quizzes import grading
from lms.quizzes.models import (
    DEFAULT_ATTEMPTS_PER_DAY,
    Attempt,
    AttemptAnswer,
    Question,
    Quiz,
    QuizVersion,
)
from lms.timeutil import LOCAL_TZ, as_utc

log = logging.getLogger(__name__)

# Answers that arrive this long after the deadline are still accepted (slow networks).
GRACE = timedelta(seconds=30)


class QuizError(Exception):
    """A domain error; ``code`` is one of: no_quiz, no_attempts_left, no_attempts_today,
    submitted, expired."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def quiz_for_module(module_id: int) -> Quiz | None:
    """The quiz of a module (with a current version), or None."""
    return db.session.scalars(
        select(Quiz).where(Quiz.module_id == module_id, Quiz.current_version_id.is_not(None))
        .options(joinedload(Quiz.current_version, innerjoin=True))
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


@dataclass(frozen=True)
class Allowance:
    """How many attempts a member may still start at a quiz, and when again.

    ``per_day``/``total`` are the quiz's limits (None = no limit); ``left_today``/``left_total``
    what remains of them; ``left`` the smaller of the two; ``retry_at`` (UTC, the next local
    midnight) is set when today's attempts are used up but the quiz allows more later.
    """

    per_day: int | None
    total: int | None
    left_today: int | None
    left_total: int | None
    retry_at: datetime | None

    @property
    def left(self) -> int | None:
        """Attempts the member may start now (None = unlimited)."""
        values = [v for v in (self.left_today, self.left_total) if v is not None]
        return min(values) if values else None


def local_day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """The local (Asia/Ho_Chi_Minh) calendar day containing ``now``, as UTC [start, end)."""
    day = as_utc(now).astimezone(LOCAL_TZ).date()
    start = datetime.combine(day, time(0), tzinfo=LOCAL_TZ)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(UTC), end.astimezone(UTC)


def limits_of(settings: dict | None) -> tuple[int | None, int | None]:
    """``(attempts per day, attempts in all)`` of a version's settings (None = no limit).

    Versions stored before ``attempts_per_day`` existed get the default daily limit."""
    settings = settings or {}
    return settings.get("attempts_per_day", DEFAULT_ATTEMPTS_PER_DAY), settings.get("max_attempts")


def allowance(quiz: Quiz, user_id: int, now: datetime | None = None) -> Allowance:
    """The member's remaining attempts at ``quiz`` today and in all (one query).

    Every started attempt counts, open ones included, on the day it was started."""
    now = now or utcnow()
    per_day, total = limits_of(quiz.current_version.settings if quiz.current_version else None)
    day_start, day_end = local_day_bounds(now)
    used, today = db.session.execute(
        select(func.count(Attempt.id),
               func.coalesce(func.sum(case((Attempt.started_at >= day_start, 1), else_=0)), 0))
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz.id)
    ).one()
    left_total = None if total is None else max(0, total - used)
    left_today = None if per_day is None else max(0, per_day - int(today))
    retry_at = day_end if left_today == 0 and left_total != 0 else None
    return Allowance(per_day, total, left_today, left_total, retry_at)


def attempts_left(quiz: Quiz, user_id: int, now: datetime | None = None) -> int | None:
    """How many more attempts the member may start now (None = unlimited)."""
    return allowance(quiz, user_id, now).left


_NOT_LOOKED_UP = object()


def start_attempt(user_id: int, quiz: Quiz, now: datetime | None = None,
                  rng: random.Random | None = None, current=_NOT_LOOKED_UP) -> Attempt:
    """Resume the open attempt or draw a new one from the current version.

    An open attempt past its deadline is graded first. Raises ``QuizError("no_attempts_left")``
    when ``max_attempts`` is used up and ``QuizError("no_attempts_today")`` when today's
    ``attempts_per_day`` are. Two racing starts end with one attempt:
    the partial unique index rejects the second, which then returns the first. A caller that
    has just read the member's open attempt (or found none) passes it as ``current``.
    """
    now = now or utcnow()
    if current is _NOT_LOOKED_UP:
        current = open_attempt(user_id, quiz.id)
    if current is not None:
        if not deadline_passed(current, now):
            return current
        finish_expired(current, now)
    allowed = allowance(quiz, user_id, now)
    if allowed.left_total == 0:
        raise QuizError("no_attempts_left")
    if allowed.left_today == 0:
        raise QuizError("no_attempts_today")
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
        layout=layout,
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


def question_data(attempt: Attempt, only: set[int] | None = None) -> dict[int, dict]:
    """``{question id: spec}`` for the questions drawn in an attempt (one query); with
    ``only``, for those of them only."""
    ids = [entry["question_id"] for entry in attempt.layout
           if only is None or entry["question_id"] in only]
    if not ids:
        return {}
    rows = db.session.execute(select(Question.id, Question.data).where(Question.id.in_(ids)))
    return {qid: data for qid, data in rows}


def saved_answers(attempt_id: int) -> dict[str, object]:
    """``{str(question id): answer}`` of an attempt, read from its answer rows."""
    rows = db.session.execute(
        select(AttemptAnswer.question_id, AttemptAnswer.value)
        .where(AttemptAnswer.attempt_id == attempt_id)
    )
    return {str(qid): value for qid, value in rows}


def _load(attempt_id: int, user_id: int) -> Attempt:
    """The attempt if it is ``user_id``'s (``LookupError`` otherwise). Taken from the session
    when the request already has it (no second query), loaded otherwise."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise LookupError(attempt_id)
    return attempt


def _insert(target=AttemptAnswer, dialect: str | None = None):
    return dialect_insert(target, dialect)


def _upsert(stmt):
    return stmt.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"value": stmt.excluded.value, "saved_at": stmt.excluded.saved_at},
    )


@cache
def _save_if_open_statement(dialect: str):
    """The statement of :func:`_save_if_open` for a dialect, built once (it runs for every
    answer a member picks)."""
    source = (
        select(Attempt.id, bindparam("p_question", type_=Integer),
               bindparam("p_value", type_=JSON), bindparam("p_now", type_=DateTime(timezone=True)))
        .where(Attempt.id == bindparam("p_attempt"), Attempt.submitted_at.is_(None),
               or_(Attempt.deadline_at.is_(None),
                   Attempt.deadline_at >= bindparam("p_open_after",
                                                    type_=DateTime(timezone=True))))
        .with_for_update(read=True)  # PostgreSQL: FOR SHARE; SQLite: the write lock does it
    )
    # On the table, not the mapped class: an ORM insert run with parameters is a bulk insert.
    table = AttemptAnswer.__table__
    stmt = _upsert(_insert(table, dialect).from_select(
        ["attempt_id", "question_id", "value", "saved_at"], source))
    # RETURNING, not rowcount: drivers do not all count the rows of INSERT … SELECT. It also
    # returns how many other questions of the attempt have an answer, which saves the save a
    # second query for its "answered" count.
    others = (select(func.count()).select_from(AttemptAnswer)
              .where(AttemptAnswer.attempt_id == bindparam("p_attempt"),
                     AttemptAnswer.question_id != bindparam("p_question"))
              .scalar_subquery())
    return stmt.returning(table.c.question_id, others)


def _save_if_open(attempt_id: int, question_id: int, value, now: datetime) -> int | None:
    """Upsert one answer row, only while the attempt is open. Returns how many questions of
    the attempt then have an answer, or ``None`` when nothing was written (closed).

    One statement: ``INSERT … SELECT <values> FROM attempts WHERE id = … AND submitted_at IS
    NULL AND <before deadline + grace> [FOR SHARE] ON CONFLICT DO UPDATE RETURNING …``."""
    stmt = _save_if_open_statement(db.session.get_bind().dialect.name)
    row = db.session.execute(stmt, {
        "p_attempt": attempt_id, "p_question": question_id, "p_value": value, "p_now": now,
        "p_open_after": now - GRACE}).first()
    return None if row is None else int(row[1]) + 1


@cache
def _answer_count_statement():
    return (select(func.count()).select_from(AttemptAnswer)
            .where(AttemptAnswer.attempt_id == bindparam("attempt_id")))


def _closed_error(attempt: Attempt, now: datetime) -> QuizError:
    """The error for a save refused because the attempt is closed (grading it if expired)."""
    db.session.rollback()
    db.session.refresh(attempt)
    if attempt.submitted_at is not None:
        return QuizError("submitted")
    finish_expired(attempt, now)
    return QuizError("expired")


def save_answers(attempt_id: int, user_id: int, form, now: datetime | None = None) -> int:
    """Save the answers present in ``form`` (others are kept); returns how many questions of
    the attempt have a saved answer.

    Each answer is upserted as its own row, conditionally on the attempt being open, in one
    transaction (all or nothing). Raises ``QuizError("submitted")`` on a submitted attempt and
    ``QuizError("expired")`` (after grading what was saved) past the deadline and its grace —
    also when the attempt closes while the save is running.
    """
    now = now or utcnow()
    attempt = _load(attempt_id, user_id)
    if attempt.submitted_at is not None:
        db.session.rollback()
        raise QuizError("submitted")
    if deadline_passed(attempt, now):
        finish_expired(attempt, now)
        raise QuizError("expired")
    touched = grading.questions_in_form(form)
    # Attempts started before the layout recorded each question's type need the specs.
    untyped = {e["question_id"] for e in attempt.layout if "type" not in e} & touched
    datas = question_data(attempt, only=untyped) if untyped else {}
    new = grading.parse_answers(attempt.layout, datas, form)
    count = None
    for qid, value in new.items():
        count = _save_if_open(attempt.id, int(qid), value, now)
        if count is None:
            raise _closed_error(attempt, now)
    if count is None:  # nothing in the form to save
        count = db.session.scalar(_answer_count_statement(), {"attempt_id": attempt.id})
    db.session.commit()
    return count


def _finish(attempt: Attempt, now: datetime, final: dict | None = None,
            datas: dict[int, dict] | None = None) -> bool:
    """Close, grade and record an attempt, once. Returns whether this call did it.

    The conditional claim (``UPDATE … SET submitted_at WHERE submitted_at IS NULL``) comes
    first: racing submits find it taken, racing saves are refused (see the module docstring);
    then ``final`` answers are written, the rows are read and graded in the same transaction.
    ``datas`` are the attempt's question specs when the caller has them already.
    """
    datas = datas if datas is not None else question_data(attempt)
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        db.session.refresh(attempt)
        return False
    if final:
        db.session.execute(_upsert(_insert().values([
            {"attempt_id": attempt.id, "question_id": int(qid), "value": value, "saved_at": now}
            for qid, value in final.items()
        ])))
    settings = attempt.version.settings or {}
    score, passed, results = grading.grade(attempt.layout, datas, saved_answers(attempt.id),
                                           settings.get("pass_mark", 70))
    db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id)
        .values(score=score, passed=passed, results=results)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    # What the two statements above wrote, without reading the row back.
    for key, value in (("submitted_at", now), ("score", score), ("passed", passed),
                       ("results", results)):
        set_committed_value(attempt, key, value)
    if passed:
        _complete_module(attempt)
    return True


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
        _finish(attempt, now or utcnow())
    return attempt


def submit_attempt(attempt_id: int, user_id: int, form=None,
                   now: datetime | None = None) -> Attempt:
    """Submit: save the last answers (unless late), grade, record. Idempotent: a repeated
    submit returns the already graded attempt unchanged."""
    now = now or utcnow()
    attempt = _load(attempt_id, user_id)
    if attempt.submitted_at is not None:
        db.session.rollback()
        return attempt
    final = None
    datas = question_data(attempt)
    if form is not None and not deadline_passed(attempt, now):
        final = grading.parse_answers(attempt.layout, datas, form)
    _finish(attempt, now, final, datas)
    return attempt


def may_show_correct(attempt: Attempt, attempts: list[Attempt],
                     left_total: int | None = None) -> bool:
    """Whether the review of a submitted attempt reveals the right answers.

    Per the version's ``show_correct``: ``after_pass_or_last`` (the default) once the member
    has passed, or has used the last attempt the quiz allows in all (``left_total == 0`` and
    none open); ``after_pass`` once passed; ``never``. A daily limit is not a last attempt:
    showing the answers then would let tomorrow's attempt copy them. ``after_submit`` from
    versions loaded before it was withdrawn counts as ``after_pass_or_last``.
    """
    if attempt.submitted_at is None:
        return False
    show = (attempt.version.settings or {}).get("show_correct", "after_pass_or_last")
    if show == "never":
        return False
    if any(a.passed for a in attempts if a.submitted_at is not None):
        return True
    if show == "after_pass":
        return False
    return left_total == 0 and all(a.submitted_at is not None for a in attempts)


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
