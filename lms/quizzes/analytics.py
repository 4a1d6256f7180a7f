"""Officer analytics per quiz: attempts, pass rate, scores, question statistics, teams.

Every figure is scoped to the people the actor may see (an officer: their commune). Summaries
and team rows are set-based SQL; question statistics read the graded results (JSON) of one
query and aggregate them in Python.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, case, distinct, func, select

from lms.auth.permissions import active_on, team_condition, user_condition
from lms.courses.models import Module
from lms.extensions import db
from lms.org.models import Membership, Team
from lms.quizzes.models import Attempt, Question, Quiz, QuizVersion
from lms.timeutil import local_today

UPPER_LOWER = 0.27  # size of the upper and lower groups for the discrimination index
EASY, HARD = 0.95, 0.05  # shares above/below which a question tells nothing
MIN_FOR_FLAGS = 5  # answers needed before flagging a question


def _submitted(actor):
    return and_(Attempt.submitted_at.is_not(None), user_condition(actor, Attempt.user_id))


def quiz_summaries(actor, quiz_id: int | None = None) -> list[dict]:
    """One row per quiz: module, attempts, people, pass rate, average and best score."""
    stmt = (
        select(
            Quiz.id, Module.slug, Module.title_vi, Module.title_en, Module.position,
            func.count(Attempt.id), func.count(distinct(Attempt.user_id)),
            func.count(distinct(case((Attempt.passed.is_(True), Attempt.user_id)))),
            func.sum(case((Attempt.passed.is_(True), 1), else_=0)),
            func.avg(Attempt.score), func.max(Attempt.score),
        )
        .join(Module, Module.id == Quiz.module_id)
        .outerjoin(Attempt, and_(Attempt.quiz_id == Quiz.id, _submitted(actor)))
        .group_by(Quiz.id, Module.slug, Module.title_vi, Module.title_en, Module.position)
        .order_by(Module.position, Module.slug)
    )
    if quiz_id is not None:
        stmt = stmt.where(Quiz.id == quiz_id)
    rows = []
    for (qid, slug, title_vi, title_en, _pos, attempts, people, people_passed, passed,
         avg, best) in db.session.execute(stmt):
        rows.append({
            "quiz_id": qid, "slug": slug, "title_vi": title_vi, "title_en": title_en,
            "attempts": attempts, "people": people, "people_passed": people_passed,
            "pass_rate": (passed or 0) / attempts if attempts else None,
            "average": float(avg) if avg is not None else None,
            "best": float(best) if best is not None else None,
        })
    return rows


def _discrimination(pairs: list[tuple[float, float]]) -> float | None:
    """Upper-lower index: mean points of the top 27% by total score minus the bottom 27%."""
    if len(pairs) < 4:
        return None
    ordered = sorted(pairs, key=lambda p: p[0])
    size = max(1, round(len(ordered) * UPPER_LOWER))
    lower = ordered[:size]
    upper = ordered[-size:]
    return round(sum(p for _s, p in upper) / size - sum(p for _s, p in lower) / size, 3)


def question_stats(actor, quiz_id: int) -> list[dict]:
    """Per question (by its stable id): times drawn, average points, share answered fully
    right, discrimination index and a flag (``easy``, ``hard``, ``weak``)."""
    keys = {}
    prompts = {}
    for qid, key, data, number in db.session.execute(
        select(Question.id, Question.key, Question.data, QuizVersion.number)
        .join(QuizVersion, QuizVersion.id == Question.version_id)
        .where(QuizVersion.quiz_id == quiz_id)
        .order_by(QuizVersion.number, Question.position)
    ):
        keys[str(qid)] = key
        prompts[key] = {"prompt": data.get("prompt") or {}, "type": data.get("type"),
                        "version": number}
    per_key: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for score, results in db.session.execute(
        select(Attempt.score, Attempt.results).where(Attempt.quiz_id == quiz_id, _submitted(actor))
    ):
        for qid, points in (results or {}).items():
            if qid in keys:
                per_key[keys[qid]].append((score or 0.0, float(points)))
    out = []
    for key, info in prompts.items():
        pairs = per_key.get(key, [])
        n = len(pairs)
        right = sum(1 for _s, p in pairs if p >= 1) / n if n else None
        index = _discrimination(pairs)
        flag = None
        if n >= MIN_FOR_FLAGS:
            if right >= EASY:
                flag = "easy"
            elif right <= HARD:
                flag = "hard"
            elif index is not None and index < 0.2:
                flag = "weak"
        out.append({"key": key, "type": info["type"], "prompt": info["prompt"], "drawn": n,
                    "average": sum(p for _s, p in pairs) / n if n else None,
                    "right": right, "discrimination": index, "flag": flag})
    return out


def team_results(actor, quiz_id: int) -> list[dict]:
    """Per team the actor manages: active members, how many tried, passed, average best."""
    today = local_today()
    best = (
        select(Attempt.user_id.label("user_id"), func.max(Attempt.score).label("best"),
               func.max(case((Attempt.passed.is_(True), 1), else_=0)).label("passed"))
        .where(Attempt.quiz_id == quiz_id, Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id)
        .subquery()
    )
    stmt = (
        select(Team.id, Team.name, func.count(distinct(Membership.user_id)),
               func.count(distinct(best.c.user_id)),
               func.coalesce(func.sum(best.c.passed), 0), func.avg(best.c.best))
        .join(Membership, and_(Membership.team_id == Team.id, active_on(today)))
        .outerjoin(best, best.c.user_id == Membership.user_id)
        .where(team_condition(actor, Team.id, Team.commune_id))
        .group_by(Team.id, Team.name)
        .order_by(Team.name)
    )
    return [
        {"team_id": tid, "name": name, "members": members, "tried": tried, "passed": int(passed),
         "average": float(avg) if avg is not None else None}
        for tid, name, members, tried, passed, avg in db.session.execute(stmt)
    ]
