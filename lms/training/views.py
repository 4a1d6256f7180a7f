"""Views of the training package: sessions, attendance, QR check-in, calendar files.

Compliance screens are in ``views_compliance``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import (
    session as web_session,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.permissions import has_role, led_team_ids, load_or_404, role_of
from lms.courses.models import Module
from lms.extensions import db
from lms.i18n import localized
from lms.models_base import utcnow
from lms.nav import home_section, nav_item
from lms.normalize import InvalidValue, display_phone, fold, parse_date
from lms.org.models import Commune, Team
from lms.timeutil import local_today
from lms.training import bp, checkin
from lms.training import services as svc
from lms.training.forms import CancelForm, ConfirmForm, SessionForm
from lms.training.messages import METHOD_LABELS, MODE_LABELS, STATUS_LABELS, error_text
from lms.training.models import STATUSES, TrainingSession

nav_item("training.sessions", _l("Training sessions"), roles=("member", "leader", "officer"),
         order=40)


def _get_session_or_404(session_id: int) -> TrainingSession:
    return load_or_404(select(TrainingSession).where(
        TrainingSession.id == session_id, svc.session_condition(current_user)))


def _managed_or_404(session_id: int) -> TrainingSession:
    obj = _get_session_or_404(session_id)
    if not svc.can_manage(current_user, obj):
        abort(404)
    return obj


def _can_take_attendance(obj: TrainingSession) -> bool:
    return svc.can_manage(current_user, obj) or role_of(current_user) in ("officer", "leader")


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS, "mode_labels": MODE_LABELS,
            "method_labels": METHOD_LABELS}


@bp.route("/training/sessions")
@login_required
def sessions():
    """Upcoming and past sessions the user may see."""
    today = local_today()
    base = select(TrainingSession).where(svc.session_condition(current_user))
    upcoming = db.session.scalars(base.where(TrainingSession.date >= today).order_by(
        TrainingSession.date, TrainingSession.start_time).limit(50)).all()
    past = db.session.scalars(base.where(TrainingSession.date < today).order_by(
        TrainingSession.date.desc()).limit(50)).all()
    return render_template("training/sessions.html", upcoming=upcoming, past=past,
                           can_create=has_role(current_user, "officer")
                           and current_user.commune_id is not None, **_labels())


def _fill_choices(form: SessionForm, commune_id: int) -> None:
    form.teams.choices = [(t.id, t.name) for t in db.session.scalars(
        select(Team).where(Team.commune_id == commune_id)
        .order_by(Team.is_commune_level.desc(), Team.name))]
    form.modules.choices = [(m.id, localized(m, "title")) for m in db.session.scalars(
        select(Module).order_by(Module.position, Module.id))]


def _save(form: SessionForm, commune: Commune, obj: TrainingSession | None):
    try:
        day = parse_date(form.date.data)
        if day is None:
            raise InvalidValue("")
    except InvalidValue:
        form.date.errors.append(_("Enter a date as dd/mm/yyyy."))
        return None
    data = svc.SessionData(
        title=form.title.data, date=day, start_time=form.start_time.data,
        end_time=form.end_time.data, mode=form.mode.data, place=form.place.data or None,
        meeting_link=form.meeting_link.data or None, trainer=form.trainer.data or None,
        capacity=form.capacity.data, issues_certificates=bool(form.issues_certificates.data),
        late_grace_minutes=form.late_grace_minutes.data if form.late_grace_minutes.data
        is not None else 15)
    try:
        teams = svc.resolve_teams(commune, form.teams.data or None, form.extra_communes.data or "")
        modules = db.session.scalars(select(Module).where(Module.id.in_(form.modules.data or [])))
        saved = svc.save_session(current_user, commune, data, teams, obj, modules=list(modules))
    except svc.TrainingError as exc:
        target = {"unknown_commune": form.extra_communes, "end_before_start": form.end_time,
                  "bad_capacity": form.capacity, "bad_link": form.meeting_link,
                  "bad_mode": form.mode}.get(exc.code, form.title)
        target.errors.append(error_text(exc))
        db.session.rollback()
        return None
    db.session.commit()
    return saved


@bp.route("/training/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    """An officer organises a session (invites every team of the commune by default)."""
    if not has_role(current_user, "officer") or not current_user.commune_id:
        abort(403)
    commune = db.session.get(Commune, current_user.commune_id)
    form = SessionForm()
    _fill_choices(form, commune.id)
    if form.validate_on_submit():
        saved = _save(form, commune, None)
        if saved:
            flash(_("The training session is saved."), "success")
            return redirect(url_for("training.session_detail", session_id=saved.id))
    return render_template("training/session_form.html", form=form, obj=None)


@bp.route("/training/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_session(session_id: int):
    """Edit a session of the officer's commune."""
    obj = _managed_or_404(session_id)
    form = SessionForm(obj=obj)
    _fill_choices(form, obj.commune_id)
    if request.method == "GET":
        form.date.data = obj.date.strftime("%d/%m/%Y")
        own = {c for c, _label in form.teams.choices}
        form.teams.data = [t.id for t in obj.teams if t.id in own]
        others = sorted({t.commune.code for t in obj.teams if t.id not in own})
        form.extra_communes.data = ", ".join(others)
        form.modules.data = [m.id for m in obj.modules]
    if form.validate_on_submit():
        if _save(form, obj.commune, obj):
            flash(_("The training session is saved."), "success")
            return redirect(url_for("training.session_detail", session_id=obj.id))
    return render_template("training/session_form.html", form=form, obj=obj)


@bp.route("/training/sessions/<int:session_id>")
@login_required
def session_detail(session_id: int):
    """A session: when, where, who is invited; links to attendance and the QR screen."""
    obj = _get_session_or_404(session_id)
    mine = None
    if current_user.is_authenticated:
        from lms.training.models import Attendance

        mine = db.session.scalars(select(Attendance).where(
            Attendance.session_id == obj.id, Attendance.user_id == current_user.id)).first()
    return render_template("training/session_detail.html", obj=obj, mine=mine,
                           can_manage=svc.can_manage(current_user, obj),
                           can_mark=_can_take_attendance(obj),
                           over=svc.is_over(obj), **_labels())


@bp.route("/training/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel_session(session_id: int):
    """Cancel a session with a reason (its attendances stop counting)."""
    obj = _managed_or_404(session_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            svc.cancel_session(current_user, obj, form.reason.data)
        except svc.TrainingError as exc:
            form.reason.errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("The training session is cancelled."), "success")
            return redirect(url_for("training.session_detail", session_id=obj.id))
    return render_template("training/cancel.html", form=form, obj=obj)


@bp.route("/training/sessions/<int:session_id>.ics")
@login_required
def session_ics(session_id: int):
    """The session as a calendar file for the phone."""
    obj = _get_session_or_404(session_id)
    base = current_app.config["BASE_URL"]
    host = urlsplit(base).hostname or "localhost"
    body = checkin.session_ics(obj, host, base + url_for("training.session_detail",
                                                          session_id=obj.id))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="tap-huan-{obj.id}.ics"'})


# --- attendance ------------------------------------------------------------------------------


def _roster_scope(obj: TrainingSession):
    """Team ids a leader sees on the roster (None: all, for officers of the commune)."""
    if svc.can_manage(current_user, obj) or role_of(current_user) in ("admin", "officer"):
        return None
    return led_team_ids(current_user) | led_team_ids(current_user, obj.date)


@bp.route("/training/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int):
    """The roster with one button per status per person (works without JavaScript)."""
    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj):
        abort(404)
    scope = _roster_scope(obj)
    rows = svc.roster(obj, team_ids=scope)
    counts = svc.roster_counts(rows)
    # A long commune-wide roster is filtered by team and by name or phone on the phone.
    teams = [t for t in obj.teams if scope is None or t.id in scope]
    team_id = request.args.get("team", type=int)
    if team_id and any(t.id == team_id for t in teams):
        rows = svc.roster(obj, team_ids={team_id})
    query = fold(request.args.get("q", ""))
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        rows = [r for r in rows if query in fold(r.name)
                or (len(digits) >= 3 and digits in display_phone(r.phone).replace(" ", ""))]
    return render_template("training/attendance.html", obj=obj, rows=rows, counts=counts,
                           statuses=STATUSES, over=svc.is_over(obj), teams=teams,
                           team_id=team_id, query=request.args.get("q", ""), **_labels())


@bp.route("/training/sessions/<int:session_id>/attendance/<int:user_id>", methods=["POST"])
@login_required
def mark(session_id: int, user_id: int):
    """Set one person's status (a leader's "present" is a check-in on the member's behalf)."""
    obj = _get_session_or_404(session_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    status = request.form.get("status", "")
    leader_only = not has_role(current_user, "officer")
    method = "on_behalf" if leader_only and status in ("present", "late") else "manual"
    try:
        svc.set_status(current_user, obj, user_id, status, method=method)
    except svc.TrainingError as exc:
        db.session.rollback()
        if exc.code == "not_allowed":
            abort(404)
        if request.accept_mimetypes.best == "application/json":
            return jsonify(ok=False, message=error_text(exc)), 400
        flash(error_text(exc), "error")
    else:
        db.session.commit()
        if request.accept_mimetypes.best == "application/json":
            return jsonify(ok=True, status=status, label=str(STATUS_LABELS[status]))
    return redirect(url_for("training.attendance", session_id=obj.id) + f"#p{user_id}")


@bp.route("/training/sessions/<int:session_id>/attendance/all-present", methods=["POST"])
@login_required
def all_present(session_id: int):
    """Mark everyone not yet marked (whom the actor may mark) as present."""
    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj) or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        count = svc.mark_all_present(current_user, obj, team_ids=_roster_scope(obj))
    except svc.TrainingError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        db.session.commit()
        flash(_("%(n)s people marked present.", n=count), "success")
    return redirect(url_for("training.attendance", session_id=obj.id))


# --- QR check-in -----------------------------------------------------------------------------


def _qr_payload(obj: TrainingSession) -> dict:
    from lms.qr import qr_svg

    url = checkin.checkin_url(obj)
    return {"url": url, "svg": str(qr_svg(url, 320, _("Check-in code"))),
            "seconds": checkin.seconds_left()}


@bp.route("/training/sessions/<int:session_id>/qr")
@login_required
def qr_screen(session_id: int):
    """The rotating check-in code an officer or leader shows on a screen."""
    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj):
        abort(404)
    problem = None
    try:
        checkin.check_open(obj)
    except svc.TrainingError as exc:
        problem = error_text(exc)
    payload = _qr_payload(obj) if problem is None else None
    return render_template("training/qr.html", obj=obj, payload=payload, problem=problem,
                           refresh=checkin.seconds_left())


@bp.route("/training/sessions/<int:session_id>/qr.json")
@login_required
def qr_json(session_id: int):
    """The current code for the screen's script (fetch every few seconds)."""
    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj):
        abort(404)
    try:
        checkin.check_open(obj)
    except svc.TrainingError as exc:
        return jsonify(ok=False, message=error_text(exc))
    return jsonify(ok=True, **_qr_payload(obj))


GRANT_SECONDS = 180


@bp.route("/checkin/<token>", methods=["GET", "POST"], endpoint="checkin")
@login_required
def checkin_page(token: str):
    """Scanned code: GET shows the session and a confirm button, POST records.

    A valid code seen on GET is remembered for 3 minutes in the signed session cookie, so
    the code rotating while the member taps "Check in" does not refuse them.
    """
    now = utcnow()
    obj, error = None, None
    try:
        obj = checkin.validate(token, now)
        web_session["checkin_grant"] = {"s": obj.id, "until": now.timestamp() + GRANT_SECONDS}
    except svc.TrainingError as exc:
        grant = web_session.get("checkin_grant") or {}
        try:
            sid = checkin.parse_token(token)[0]
        except svc.TrainingError:
            sid = None
        if (request.method == "POST" and exc.code == "expired" and grant.get("s") == sid
                and grant.get("until", 0) >= now.timestamp()):
            obj = db.session.get(TrainingSession, sid)
        else:
            error = error_text(exc)
    if obj is not None and request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        try:
            att, created = checkin.record_checkin(current_user, obj, now)
        except svc.TrainingError as exc:
            db.session.rollback()
            error = error_text(exc)
        else:
            db.session.commit()
            web_session.pop("checkin_grant", None)
            return render_template("training/checkin_done.html", obj=obj, att=att,
                                   created=created, **_labels())
    status = 400 if error else 200
    return render_template("training/checkin.html", obj=obj if not error else None, token=token,
                           error=error, **_labels()), status


# --- home page -------------------------------------------------------------------------------


@home_section(roles=("member", "leader"), order=30)
def home_upcoming(user, role):
    """Upcoming sessions and this year's training status on a member's home page."""
    from lms.training.summaries import person_status

    year = local_today().year
    statuses = person_status(user.id, year)
    upcoming = svc.upcoming_for(user)
    if not statuses and not upcoming:
        return None
    status = None
    if statuses:
        order = {"missing": 0, "new": 1, "compliant": 2}
        status = sorted(statuses, key=lambda s: order[s["status"]])[0]
    return render_template("training/_home_member.html", year=year, status=status,
                           upcoming=upcoming, **_labels())


from lms.training import views_compliance  # noqa: E402,F401
