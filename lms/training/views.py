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
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.auth.permissions import has_role, load_or_404, role_of
from lms.courses.models import Module
from lms.extensions import db
from lms.i18n import localized
from lms.nav import home_section, nav_item
from lms.normalize import InvalidValue, parse_date
from lms.org.models import Commune, Team
from lms.timeutil import local_today
from lms.training import bp, checkin
from lms.training import mine as mine_module
from lms.training import services as svc
from lms.training.closing import can_delete, close_if_due
from lms.training.forms import CancelForm, SessionForm
from lms.training.messages import (
    METHOD_LABELS,
    MODE_LABELS,
    SHORT_STATUS_LABELS,
    STATUS_LABELS,
    error_text,
)
from lms.training.models import TrainingSession

nav_item("training.sessions", _l("Training sessions"), roles=("member", "leader", "officer"),
         order=40)


def _get_session_or_404(session_id: int) -> TrainingSession:
    if not 0 < session_id <= svc.MAX_ID:
        abort(404)
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
            "method_labels": METHOD_LABELS, "short_labels": SHORT_STATUS_LABELS}


@bp.route("/training/sessions")
@login_required
def sessions():
    """Upcoming and past sessions the user may see."""
    today = local_today()
    show_cancelled = request.args.get("cancelled") == "1"
    base = select(TrainingSession).where(svc.session_condition(current_user))
    hidden = db.session.scalar(select(func.count()).select_from(
        base.where(TrainingSession.cancelled_at.is_not(None)).subquery()))
    if not show_cancelled:
        base = base.where(TrainingSession.cancelled_at.is_(None))
    upcoming = db.session.scalars(base.where(TrainingSession.date >= today).order_by(
        TrainingSession.date, TrainingSession.start_time).limit(50)).all()
    past = db.session.scalars(base.where(TrainingSession.date < today).order_by(
        TrainingSession.date.desc()).limit(50)).all()
    my = mine_module.my_statuses(current_user.id, [*upcoming, *past], today)
    upcoming, checked_in = mine_module.split_checked_in(upcoming, my)
    return render_template("training/sessions.html", upcoming=upcoming, past=past,
                           checked_in=checked_in, my=my,
                           show_cancelled=show_cancelled, cancelled_count=hidden,
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
    if close_if_due(obj):
        db.session.commit()
    mine = None
    if current_user.is_authenticated:
        from lms.training.models import Attendance

        mine = db.session.scalars(select(Attendance).where(
            Attendance.session_id == obj.id, Attendance.user_id == current_user.id)).first()
    my = mine_module.my_statuses(current_user.id, [obj]).get(obj.id)
    return render_template("training/session_detail.html", obj=obj, mine=mine, my=my,
                           google_url=checkin.google_calendar_url(obj, _details_text(obj)),
                           can_manage=svc.can_manage(current_user, obj),
                           can_mark=_can_take_attendance(obj),
                           can_delete=svc.can_manage(current_user, obj) and can_delete(obj),
                           closed=obj.attendance_closed_at is not None,
                           over=svc.is_over(obj), **_labels())


def _details_text(obj: TrainingSession) -> str:
    """The description of a session in a calendar: its page on this platform."""
    return current_app.config["BASE_URL"] + url_for("training.session_detail", session_id=obj.id)


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


# --- home page -------------------------------------------------------------------------------


@home_section(roles=("member", "leader"), order=30)
def home_upcoming(user, role):
    """Upcoming sessions and this year's training status on a member's home page."""
    from lms.training.summaries import person_status

    year = local_today().year
    statuses = person_status(user.id, year)
    upcoming = svc.upcoming_for(user)
    my = mine_module.my_statuses(user.id, upcoming)
    upcoming, checked_in = mine_module.split_checked_in(upcoming, my)
    if not statuses and not upcoming and not checked_in:
        return None
    status = None
    if statuses:
        order = {"missing": 0, "new": 1, "compliant": 2}
        status = sorted(statuses, key=lambda s: order[s["status"]])[0]
    google = {x.id: checkin.google_calendar_url(x, _details_text(x)) for x in upcoming}
    return render_template("training/_home_member.html", year=year, status=status,
                           upcoming=upcoming, checked_in=checked_in, my=my, google=google,
                           **_labels())


from lms.training import (  # noqa: E402,F401
    record,
    views_attendance,
    views_checkin,
    views_compliance,
)
