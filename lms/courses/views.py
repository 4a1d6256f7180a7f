"""Views of the courses package: catalogue, module, lesson, path, progress, offline."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.permissions import get_team_or_404, roles_required
from lms.courses import bp, reports, services
from lms.courses.models import Lesson, Module
from lms.extensions import db
from lms.nav import home_section, nav_item
from lms.timeutil import local_today

nav_item("courses.catalogue", _l("Learning"), roles=("member", "leader", "officer"), order=20)
nav_item("courses.path", _l("Learning path"), roles=("member", "leader"), order=21)
nav_item("courses.team_progress", _l("Learning progress"), roles=("leader", "officer"), order=45)


def _module_or_404(slug: str) -> Module:
    module = db.session.scalars(
        select(Module).where(Module.slug == slug, Module.retired.is_(False))
    ).first()
    if module is None:
        abort(404)
    return module


def _lesson_or_404(module: Module, slug: str) -> Lesson:
    lesson = next((x for x in module.lessons if x.slug == slug and not x.retired), None)
    if lesson is None:
        abort(404)
    return lesson


def _quiz_url(module: Module) -> str | None:
    if "quizzes.start" not in current_app.view_functions:
        return None
    try:
        from lms.quizzes.models import Quiz
    except ImportError:  # pragma: no cover
        return None
    if db.session.scalar(select(Quiz.id).where(Quiz.module_id == module.id)) is None:
        return None
    return url_for("quizzes.start", slug=module.slug)


def _lesson_url(lesson: Lesson | None) -> str | None:
    if lesson is None:
        return None
    return url_for("courses.lesson", module_slug=lesson.module.slug, lesson_slug=lesson.slug)


@bp.route("/learn")
@login_required
def catalogue():
    """Every module with the learner's progress, and where to continue."""
    modules = services.visible_modules()
    progress = services.module_progress(current_user.id)
    return render_template(
        "courses/catalogue.html",
        modules=modules,
        progress=progress,
        resume=services.resume_lesson(current_user.id),
        path=services.path_progress(current_user.id),
    )


@bp.route("/learn/<module_slug>")
@login_required
def module(module_slug: str):
    """A module: its lessons, reading time, the learner's progress and the quiz link."""
    module = _module_or_404(module_slug)
    lessons = [x for x in module.lessons if not x.retired]
    read = services.read_lesson_ids(current_user.id, module.id)
    progress = services.module_progress(current_user.id, [module.id]).get(module.id)
    quiz_url = _quiz_url(module)
    step = services.next_step(current_user.id, module, lessons, read)
    return render_template(
        "courses/module.html", module=module, lessons=lessons, read=read, progress=progress,
        next_lesson=step.lesson, quiz_url=quiz_url, step=step,
        primary=_primary_action(module, step, quiz_url),
    )


def _primary_action(module: Module, step: services.NextStep, quiz_url: str | None):
    """``(label, url)`` of the module page's one primary button."""
    if step.lesson is not None:
        label = _l("Continue learning") if step.kind == "continue" else _l("Start learning")
        return label, _lesson_url(step.lesson)
    if step.kind == "certificate" and "certificates.mine" in current_app.view_functions:
        return (_l("See the certificate"),
                url_for("certificates.mine", _anchor=f"cert-{step.certificate_id}"))
    labels = {"quiz": _l("Take the quiz"), "resume_quiz": _l("Continue the quiz"),
              "retake": _l("Retake the quiz"), "results": _l("See my quiz results")}
    if quiz_url and step.kind in labels:
        return labels[step.kind], quiz_url
    return _l("All training modules"), url_for("courses.catalogue")


@bp.route("/learn/<module_slug>/<lesson_slug>")
@login_required
def lesson(module_slug: str, lesson_slug: str):
    """One lesson, phone-first, with previous/next and the "finished reading" button."""
    module = _module_or_404(module_slug)
    outline = services.lesson_outline(module.id)
    index = next((i for i, row in enumerate(outline) if row.slug == lesson_slug), None)
    if index is None:
        abort(404)
    lesson = db.session.get(Lesson, outline[index].id)
    if services.remember_lesson(current_user.id, lesson.id):
        db.session.commit()
    previous = outline[index - 1] if index > 0 else None
    following = outline[index + 1] if index + 1 < len(outline) else None
    next_url = (url_for("courses.lesson", module_slug=module.slug, lesson_slug=following.slug)
                if following else _quiz_url(module) or url_for("courses.module",
                                                               module_slug=module.slug))
    return render_template(
        "courses/lesson.html", module=module, lesson=lesson, previous=previous,
        following=following, is_read=services.is_read(current_user.id, lesson.id),
        number=index + 1, count=len(outline), next_url=next_url,
        to_quiz=following is None and next_url != url_for("courses.module",
                                                           module_slug=module.slug),
    )


@bp.route("/learn/<module_slug>/<lesson_slug>/read", methods=["POST"])
@login_required
def mark_read(module_slug: str, lesson_slug: str):
    """Mark a lesson read (form or fetch with X-CSRFToken; idempotent)."""
    module = _module_or_404(module_slug)
    lesson = _lesson_or_404(module, lesson_slug)
    created, completion = services.mark_lesson_read(current_user.id, lesson.id)
    db.session.commit()
    _previous, following = services.neighbours(lesson)
    next_url = (_lesson_url(following) or _quiz_url(module)
                or url_for("courses.module", module_slug=module.slug))
    wants_json = request.is_json or request.accept_mimetypes.best == "application/json"
    if wants_json:
        return jsonify(read=True, new=created, completed=completion is not None, next=next_url)
    return redirect(next_url)


@bp.route("/path")
@bp.route("/path/<path_slug>")
@login_required
def path(path_slug: str | None = None):
    """The learning path: every module grouped, with overall progress."""
    progress = services.path_progress(current_user.id, path_slug)
    if progress is None and path_slug:
        abort(404)
    return render_template("courses/path.html", progress=progress,
                           resume=services.resume_lesson(current_user.id))


@bp.route("/learning-progress")
@roles_required("leader", "officer")
def team_progress():
    """Officer / leader: members × modules for a team, and counts per team."""
    modules = services.visible_modules()
    day = local_today()
    team_id = request.args.get("team", type=int)
    team = get_team_or_404(current_user, team_id) if team_id else None
    summary = reports.team_summary(current_user, modules, day)
    if team is None and len(summary) == 1:
        team = summary[0]["team"]
    matrix = reports.team_matrix(team, modules, day) if team else None
    return render_template("courses/team_progress.html", modules=modules, summary=summary,
                           team=team, matrix=matrix)


@home_section(roles=("member", "leader"), order=20)
def continue_learning(user, role):
    """Home: continue learning, and the path's progress (nothing while no module is shown)."""
    path = services.path_progress(user.id)
    # A path with modules in it proves there are modules to show, without asking again.
    if not (path and path["modules"]) and not services.visible_modules():
        return None
    return render_template("courses/_home.html", resume=services.resume_lesson(user.id),
                           path=path)


# --- images and offline ----------------------------------------------------------------------

from lms.courses import views_offline  # noqa: E402,F401
