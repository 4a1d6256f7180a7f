"""Check-in views: the rotating QR screen (also for a projector), scanning or typing a code,
and completing the check-in after log-in (see :mod:`lms.training.tickets`)."""

from __future__ import annotations

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask import session as web_session
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from lms.auth.views import register_login_hook, register_login_notice
from lms.extensions import db, limiter
from lms.i18n import short_date
from lms.models_base import utcnow
from lms.training import bp, checkin, tickets
from lms.training import services as svc
from lms.training.forms import ConfirmForm
from lms.training.messages import STATUS_LABELS, error_text
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession

TICKET_KEY = "checkin_ticket"

_TICKET_ERRORS = {
    "no_ticket": lambda: _("There is no check-in waiting. Scan the code on the screen again."),
    "ticket_expired": lambda: _("More than %(n)s minutes have passed since you scanned the "
                                "code. Scan the code on the screen again.",
                                n=tickets.TICKET_MINUTES),
    "other_person": lambda: _("This check-in was started by another account on this phone. "
                              "Scan the code on the screen again."),
}


def _error(exc) -> str:
    message = _TICKET_ERRORS.get(exc.code)
    return message() if message else error_text(exc)


def _labels() -> dict:
    return {"status_labels": STATUS_LABELS}


def _screen_session_or_404(session_id: int) -> TrainingSession:
    from lms.training.views import _can_take_attendance, _get_session_or_404

    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj):
        abort(404)
    return obj


def _checked_in(obj: TrainingSession) -> tuple[int, list[str]]:
    """How many are present or late, and the names of the last five checked in."""
    count = db.session.scalar(select(func.count(Attendance.id)).where(
        Attendance.session_id == obj.id, Attendance.status.in_(COUNTING_STATUSES))) or 0
    from lms.auth.models import User

    names = db.session.scalars(
        select(User.full_name).join(Attendance, Attendance.user_id == User.id)
        .where(Attendance.session_id == obj.id, Attendance.status.in_(COUNTING_STATUSES))
        .order_by(Attendance.marked_at.desc(), Attendance.id.desc()).limit(5)).all()
    return count, list(names)


def _qr_payload(obj: TrainingSession, size: int = 320) -> dict:
    from lms.qr import qr_svg

    url = checkin.checkin_url(obj)
    count, names = _checked_in(obj)
    return {"url": url, "svg": str(qr_svg(url, size, _("Check-in code"))),
            "seconds": checkin.seconds_left(), "code": tickets.current_short_code(obj.id),
            "count": count, "names": names,
            "count_text": _("Checked in: %(n)s", n=count)}


@bp.route("/training/sessions/<int:session_id>/qr")
@login_required
def qr_screen(session_id: int):
    """The rotating check-in code an officer or leader shows; ``?room=1`` is the projector
    layout (large code, short code, live count, no menu)."""
    obj = _screen_session_or_404(session_id)
    room = request.args.get("room") == "1"
    problem = None
    try:
        checkin.check_open(obj)
    except svc.TrainingError as exc:
        problem = error_text(exc)
    payload = _qr_payload(obj, 560 if room else 320) if problem is None else None
    return render_template("training/qr.html", obj=obj, payload=payload, problem=problem,
                           refresh=checkin.seconds_left(), room=room)


@bp.route("/training/sessions/<int:session_id>/qr.json")
@login_required
def qr_json(session_id: int):
    """The current code, short code and count for the screen's script."""
    obj = _screen_session_or_404(session_id)
    try:
        checkin.check_open(obj)
    except svc.TrainingError as exc:
        return jsonify(ok=False, message=error_text(exc))
    return jsonify(ok=True, **_qr_payload(obj, 560 if request.args.get("room") == "1" else 320))


def _start(obj: TrainingSession):
    """A valid code was scanned or typed: keep a ticket, then log in or confirm."""
    user_id = current_user.id if current_user.is_authenticated else None
    web_session[TICKET_KEY] = tickets.issue_ticket(obj, user_id)
    db.session.commit()
    if not current_user.is_authenticated:
        web_session["after_login"] = url_for("training.checkin_complete")
        return redirect(url_for("auth.login"))
    return render_template("training/checkin.html", obj=obj, error=None, **_labels())


def _checkin_limit_key() -> str:
    from lms.extensions import _client_address

    who = current_user.get_id() if current_user.is_authenticated else _client_address()
    return f"checkin-code:{who}"


@bp.route("/checkin/<token>", endpoint="checkin")
def checkin_page(token: str):
    """A scanned QR code: judged now; if valid, the scan is kept through log-in."""
    try:
        obj = checkin.validate(token, utcnow())
    except svc.TrainingError as exc:
        return render_template("training/checkin.html", obj=None, error=error_text(exc),
                               **_labels()), 400
    return _start(obj)


@bp.route("/checkin", methods=["GET", "POST"])
@limiter.limit("20 per 10 minutes", key_func=_checkin_limit_key, methods=["POST"],
               scope="checkin-code")
def checkin_code():
    """Type the six-character code shown under the QR code (for a phone that cannot scan)."""
    error = None
    code = ""
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        code = tickets.clean_code(request.form.get("code"))
        try:
            obj = tickets.session_for_code(code)
        except svc.TrainingError as exc:
            error = error_text(exc)
        else:
            return _start(obj)
    return render_template("training/checkin_code.html", error=error, code=code,
                           form=ConfirmForm()), (400 if error else 200)


@bp.route("/checkin/complete", methods=["GET", "POST"])
@login_required
def checkin_complete():
    """Complete the check-in of this browser's ticket (after log-in, or the confirm button)."""
    if request.method == "POST" and not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        att, created, obj = tickets.redeem(web_session.get(TICKET_KEY), current_user)
    except svc.TrainingError as exc:
        db.session.rollback()
        web_session.pop(TICKET_KEY, None)
        return render_template("training/checkin.html", obj=None, error=_error(exc),
                               **_labels()), 400
    db.session.commit()
    web_session.pop(TICKET_KEY, None)
    return render_template("training/checkin_done.html", obj=obj, att=att, created=created,
                           **_labels())


@register_login_hook
def _bind_ticket(user) -> None:
    """A scan waiting in this browser belongs to the first account that logs in here."""
    if tickets.bind(web_session.get(TICKET_KEY), user.id):
        db.session.commit()


@register_login_notice
def _login_notice() -> str | None:
    """The log-in page names the session a waiting scan is for."""
    obj = tickets.pending_session(web_session.get(TICKET_KEY))
    if obj is None:
        return None
    return _("Log in to check in to “%(title)s” on %(date)s.", title=obj.title,
             date=short_date(obj.date))
