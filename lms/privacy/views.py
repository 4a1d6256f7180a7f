"""The privacy notice, "my data" downloads and erasure of a person who has left."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.forms import ConfirmForm
from lms.auth.permissions import get_manageable_user_or_404, roles_required
from lms.extensions import db, limiter
from lms.privacy import bp
from lms.privacy import services as privacy

# Pages reachable before the notice is acknowledged: log-in and password, the notice itself,
# check-in (a member who just scanned finishes first), health checks and static files.
OPEN_PREFIXES = ("auth.", "privacy.", "static", "main.healthz", "ops.", "training.checkin",
                 "courses.offline", "courses.service_worker", "courses.manifest",
                 "courses.image", "courses.icon")

ERRORS = {
    "reason_required": lambda: _("Enter the reason (for example the decision or the request)."),
    "still_active": lambda: _("Only a person who has left every team can be erased."),
}


def _safe_next(target: str | None) -> str | None:
    from lms.auth.views import _safe_next as safe

    return safe(target)


@bp.before_app_request
def notice_first():
    """Logged-in people see the privacy notice once (again when it changes) before the rest."""
    if (request.method != "GET" or not current_user.is_authenticated
            or request.endpoint is None or request.endpoint.startswith(OPEN_PREFIXES)):
        return None
    if current_user.must_change_password:
        return None  # the password comes first; the notice follows
    if privacy.needs_notice(current_user):
        return redirect(url_for("privacy.notice", next=request.full_path.rstrip("?")))
    return None


@bp.route("/privacy", methods=["GET", "POST"])
@login_required
def notice():
    """What is kept, why, who sees it and for how long; acknowledged once."""
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        privacy.acknowledge(current_user)
        db.session.commit()
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("privacy/notice.html", form=form,
                           acknowledged=not privacy.needs_notice(current_user))


@bp.route("/privacy/my-data.<fmt>")
@login_required
@limiter.limit("10 per hour", key_func=lambda: f"my-data:{current_user.get_id()}")
def my_data(fmt: str):
    """Everything held about me, as JSON or XLSX."""
    if fmt not in ("json", "xlsx"):
        abort(404)
    data = privacy.my_data(current_user)
    name = f"du-lieu-cua-toi-{current_user.id}.{fmt}"
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        mimetype = "application/json"
    else:
        body = privacy.my_data_xlsx(data)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/org/people/<int:user_id>/erase", methods=["GET", "POST"])
@roles_required("officer")
def erase(user_id: int):
    """The officer erases a person who has left (name and phone replaced; figures kept)."""
    person = get_manageable_user_or_404(current_user, user_id)
    if not privacy.can_erase(person):
        abort(404)
    form = ConfirmForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            privacy.erase(person, actor_id=current_user.id, commune_id=current_user.commune_id,
                          reason=request.form.get("reason", ""))
        except privacy.PrivacyError as exc:
            db.session.rollback()
            error = ERRORS[exc.code]()
        else:
            db.session.commit()
            flash(_("The person's data is erased. Past figures are kept without the name."),
                  "success")
            return redirect(url_for("org.index"))
    return render_template("privacy/erase.html", person=person, form=form, error=error)
