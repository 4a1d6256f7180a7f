"""Views of the quizzes package: intro/start, the attempt form, save, submit, result."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.courses.models import Module, ModuleImage
from lms.extensions import db
from lms.nav import home_section, nav_item
from lms.quizzes import bp, grading, services
from lms.quizzes.models import Attempt, Quiz
from lms.timeutil import as_utc

nav_item("quizzes.analytics_index", _l("Quiz results"), roles=("officer",), order=60)

ERRORS = {
    "no_attempts_left": _l("You have used all your attempts at this quiz."),
    "submitted": _l("This attempt has already been submitted."),
    "expired": _l("Time is up: the quiz was graded with the answers saved before the deadline."),
}


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json or (
        request.headers.get("X-Requested-With") == "fetch"
    )


def _module_and_quiz(slug: str) -> tuple[Module, Quiz]:
    module = db.session.scalars(select(Module).where(Module.slug == slug)).first()
    if module is None:
        abort(404)
    quiz = services.quiz_for_module(module.id)
    if quiz is None:
        abort(404)
    return module, quiz


def _own_attempt(attempt_id: int) -> Attempt:
    """The current member's attempt; anyone else's is a 404."""
    attempt = db.session.scalars(
        select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == current_user.id)
    ).first()
    if attempt is None:
        abort(404)
    return attempt


@bp.route("/modules/<slug>/quiz", methods=["GET", "POST"])
@login_required
def start(slug: str):
    """GET: the quiz intro and the member's results; POST: start or resume an attempt."""
    module, quiz = _module_and_quiz(slug)
    attempts = services.attempts_of(current_user.id, quiz.id)
    current = next((a for a in attempts if a.submitted_at is None), None)
    if current is not None and services.deadline_passed(current):
        services.finish_expired(current)
        attempts = services.attempts_of(current_user.id, quiz.id)
        current = None
    if request.method == "POST":
        seen = request.form.get("seen", type=int)
        if current is None and seen is not None and seen < len(attempts):
            # A stale start form (back button, second tab): show the new state instead.
            return redirect(url_for("quizzes.start", slug=slug))
        try:
            attempt = services.start_attempt(current_user.id, quiz)
        except services.QuizError as exc:
            flash(ERRORS[exc.code], "error")
            return redirect(url_for("quizzes.start", slug=slug))
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    settings = quiz.current_version.settings or {}
    return render_template(
        "quizzes/start.html", module=module, quiz=quiz, settings=settings, attempts=attempts,
        current=current, best=services.best_attempt(attempts),
        left=services.attempts_left(quiz, current_user.id),
        count=len(quiz.current_version.questions),
    )


def _image_urls(module: Module, datas: dict[int, dict]) -> dict[str, str]:
    names = {d["image"].split("/", 1)[-1] for d in datas.values() if d.get("image")}
    if not names:
        return {}
    rows = db.session.execute(
        select(ModuleImage.name, ModuleImage.content_hash).where(
            ModuleImage.module_id == module.id,
            ModuleImage.name.in_(names | {f"images/{n}" for n in names}),
        )
    )
    urls = {}
    for name, digest in rows:
        short = name.split("/", 1)[-1]
        urls[f"images/{short}"] = f"/media/{module.slug}/{short}?v={(digest or '0')[:10]}"
    return urls


def _question_views(attempt: Attempt, datas: dict[int, dict]) -> list[dict]:
    """What the template needs per question, in display order; never the correct answers."""
    out = []
    for number, entry in enumerate(attempt.layout, 1):
        data = datas[entry["question_id"]]
        answer = (attempt.answers or {}).get(str(entry["question_id"]))
        items = data.get("options") or data.get("steps") or data.get("pairs") or []
        current = entry["order"]
        if data["type"] == "ordering" and isinstance(answer, list) and sorted(answer) == sorted(
            current
        ):
            current = answer
        out.append({"number": number, "entry": entry, "data": data, "answer": answer,
                    "name": grading.field_name(entry), "current": current,
                    "tokens": dict(zip(entry["order"], entry["tokens"], strict=False)),
                    "by_id": {item["id"]: item for item in items}})
    return out


@bp.route("/quiz/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    """The attempt form: every drawn question on one page, one submit button."""
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None and services.deadline_passed(attempt):
        services.finish_expired(attempt)
        flash(ERRORS["expired"], "warning")
    if attempt.submitted_at is not None:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    datas = services.question_data(attempt)
    module = attempt.quiz.module
    questions = _question_views(attempt, datas)
    answered = sum(grading.is_answered(q["data"], q["answer"]) for q in questions)
    return render_template(
        "quizzes/attempt.html", attempt=attempt, module=module, questions=questions,
        images=_image_urls(module, datas), answered=answered,
        deadline=as_utc(attempt.deadline_at),
    )


@bp.route("/quiz/attempts/<int:attempt_id>/save", methods=["POST"])
@login_required
def save(attempt_id: int):
    """Save the answers sent (JSON reply); other saved answers are kept."""
    attempt = _own_attempt(attempt_id)
    result_url = url_for("quizzes.result", attempt_id=attempt.id)
    try:
        attempt = services.save_answers(attempt.id, current_user.id, request.form)
    except services.QuizError as exc:
        return jsonify(saved=False, error=exc.code, message=str(ERRORS[exc.code]),
                       result_url=result_url), 409
    if not _wants_json():
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    return jsonify(saved=True, answered=len(attempt.answers or {}))


@bp.route("/quiz/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Grade the attempt (idempotent: a repeated submit shows the same result)."""
    attempt = _own_attempt(attempt_id)
    late = attempt.submitted_at is None and services.deadline_passed(attempt)
    attempt = services.submit_attempt(attempt.id, current_user.id, request.form)
    if late:
        flash(ERRORS["expired"], "warning")
    result_url = url_for("quizzes.result", attempt_id=attempt.id)
    if _wants_json():
        return jsonify(submitted=True, result_url=result_url)
    return redirect(result_url)


@bp.route("/quiz/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    """The score and the review: feedback, explanations and (per show_correct) the answers."""
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None:
        if not services.deadline_passed(attempt):
            return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
        services.finish_expired(attempt)
    datas = services.question_data(attempt)
    module = attempt.quiz.module
    attempts = services.attempts_of(current_user.id, attempt.quiz_id)
    questions = _question_views(attempt, datas)
    for q in questions:
        q["points"] = (attempt.results or {}).get(str(q["entry"]["question_id"]), 0)
    return render_template(
        "quizzes/result.html", attempt=attempt, module=module, questions=questions,
        images=_image_urls(module, datas), show_correct=services.may_show_correct(attempt, attempts),
        best=services.best_attempt(attempts), settings=attempt.version.settings or {},
        left=services.attempts_left(attempt.quiz, current_user.id),
    )


@home_section(roles=("member", "leader", "officer"), order=20)
def open_attempts_section(user, role):
    """Home page: quizzes the member started and has not submitted yet."""
    rows = db.session.execute(
        select(Attempt, Module).join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Module, Module.id == Quiz.module_id)
        .where(Attempt.user_id == user.id, Attempt.submitted_at.is_(None))
        .order_by(Attempt.started_at.desc())
    ).all()
    rows = [(a, m) for a, m in rows if not services.deadline_passed(a)]
    if not rows:
        return None
    return render_template("quizzes/_home.html", rows=rows)


from lms.quizzes import views_analytics  # noqa: E402,F401
