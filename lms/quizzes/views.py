"""Views of the quizzes package: intro/start, the attempt form, save, submit, result."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from lms.courses.models import Module, ModuleImage
from lms.extensions import db
from lms.i18n import short_date
from lms.nav import home_section, nav_item
from lms.quizzes import bp, grading, services
from lms.quizzes.models import Attempt, AttemptAnswer, Quiz
from lms.timeutil import as_utc

nav_item("quizzes.analytics_index", _l("Quiz results"), roles=("officer",), order=60)

ERRORS = {
    "no_attempts_left": _l("You have used all your attempts at this quiz."),
    "submitted": _l("This attempt has already been submitted."),
    "expired": _l("Time is up: the quiz was graded with the answers saved before the deadline."),
}
# What the autosave answers when the attempt is closed (the answer was not saved).
SAVE_ERRORS = {
    "submitted": _l("This attempt has already been submitted, so this answer was not saved."),
    "expired": _l("Time is up, so this answer was not saved: the quiz was graded with the "
                  "answers saved before the deadline."),
}


def _start_error(code: str, allowed: services.Allowance) -> str:
    """The message for a refused start (today's attempts or all attempts used)."""
    if code == "no_attempts_today" and allowed.retry_at is not None:
        return _("You have used today's %(n)s attempts at this quiz. You can try again "
                 "tomorrow (%(date)s).", n=allowed.per_day, date=short_date(allowed.retry_at))
    return str(ERRORS.get(code, ERRORS["no_attempts_left"]))


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


# What each page reads of an attempt besides its row, loaded with it in one statement.
_WITH_MODULE = (joinedload(Attempt.quiz, innerjoin=True).joinedload(Quiz.module, innerjoin=True),)
_WITH_VERSION = (joinedload(Attempt.version, innerjoin=True),)


def _own_attempt(attempt_id: int, load=()) -> Attempt:
    """The current member's attempt (with the relationships named by ``load``, loader
    options); anyone else's is a 404."""
    attempt = db.session.get(Attempt, attempt_id, options=load)
    if attempt is None or attempt.user_id != current_user.id:
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
            attempt = services.start_attempt(current_user.id, quiz, current=current)
        except services.QuizError as exc:
            flash(_start_error(exc.code, services.allowance(quiz, current_user.id)), "error")
            return redirect(url_for("quizzes.start", slug=slug))
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    settings = quiz.current_version.settings or {}
    allowed = services.allowance(quiz, current_user.id)
    return render_template(
        "quizzes/start.html", module=module, quiz=quiz, settings=settings, attempts=attempts,
        current=current, best=services.best_attempt(attempts), allowed=allowed,
        left=allowed.left, count=len(quiz.current_version.questions),
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
    answers = services.saved_answers(attempt.id)
    for number, entry in enumerate(attempt.layout, 1):
        data = datas[entry["question_id"]]
        answer = answers.get(str(entry["question_id"]))
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
    attempt = _own_attempt(attempt_id, _WITH_MODULE)
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
    """Save the answers sent (JSON reply); other saved answers are kept. A closed attempt
    answers ``409 {"saved": false, "error", "message", "result_url"}``."""
    result_url = url_for("quizzes.result", attempt_id=attempt_id)
    try:
        # Loads the attempt only if it is the current member's (anyone else's: 404).
        answered = services.save_answers(attempt_id, current_user.id, request.form)
    except LookupError:
        abort(404)
    except services.QuizError as exc:
        if not _wants_json():
            # "Save my answers" without JavaScript: say why, then show the result.
            flash(SAVE_ERRORS[exc.code], "warning")
            return redirect(result_url)
        return jsonify(saved=False, error=exc.code, message=str(SAVE_ERRORS[exc.code]),
                       result_url=result_url), 409
    if not _wants_json():
        flash(_("Your answers are saved, not submitted yet. Come back and press “Submit my "
                "answers” when you are ready."), "success")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    return jsonify(saved=True, answered=answered)


@bp.route("/quiz/attempts/<int:attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: int):
    """Grade the attempt (idempotent: a repeated submit shows the same result)."""
    attempt = _own_attempt(attempt_id, _WITH_VERSION)
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
    attempt = _own_attempt(attempt_id, _WITH_MODULE + _WITH_VERSION)
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
    allowed = services.allowance(attempt.quiz, current_user.id)
    wrong = [q for q in questions if q["points"] < 1]
    certificate = _module_certificate(module.id) if attempt.passed else None
    only_wrong = request.args.get("only") == "wrong"
    return render_template(
        "quizzes/result.html", attempt=attempt, module=module,
        questions=wrong if only_wrong else questions, total=len(questions),
        wrong_count=len(wrong), only_wrong=only_wrong, certificate=certificate,
        share_url=_share_url(certificate), lessons_left=_lessons_left(module.id),
        images=_image_urls(module, datas),
        show_correct=services.may_show_correct(attempt, attempts, allowed.left_total),
        best=services.best_attempt(attempts), settings=attempt.version.settings or {},
        allowed=allowed, left=allowed.left,
    )


def _module_certificate(module_id: int):
    """The member's valid certificate for the module, if the certificates package issued one."""
    try:
        from lms.certificates.services import existing_certificate
    except ImportError:  # pragma: no cover
        return None
    cert = existing_certificate(current_user.id, module_id=module_id)
    return cert if cert is not None and cert.status == "valid" else None


def _lessons_left(module_id: int) -> int:
    """How many lessons of the module the member has not read yet."""
    from lms.courses.services import module_progress

    progress = module_progress(current_user.id, [module_id]).get(module_id)
    return max(0, progress.total - progress.read) if progress and not progress.completed else 0


def _share_url(certificate) -> str | None:
    if certificate is None:
        return None
    from lms.certificates.services import verification_url

    return verification_url(certificate.code)


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
    answered = dict(db.session.execute(
        select(AttemptAnswer.attempt_id, func.count())
        .where(AttemptAnswer.attempt_id.in_([a.id for a, _m in rows]))
        .group_by(AttemptAnswer.attempt_id)
    ).all())
    return render_template("quizzes/_home.html", rows=rows, answered=answered)


from lms.quizzes import views_analytics  # noqa: E402,F401
