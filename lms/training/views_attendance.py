"""The attendance sheet: one compact line per person, totals that follow every tap, "everyone
present" with confirmation and undo, closing the attendance, changes after closing (officers,
with a reason), deleting a session created by mistake. Every control is a plain form; the
confirmations are pages of their own (``training.js`` turns them into dialogs).
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.permissions import has_role, led_team_ids, role_of
from lms.extensions import db
from lms.normalize import display_phone, fold
from lms.training import bp, closing
from lms.training import services as svc
from lms.training.forms import ConfirmForm
from lms.training.messages import STATUS_LABELS, error_text
from lms.training.models import STATUSES, AttendanceBatch, TrainingSession
from lms.training.views import _can_take_attendance, _get_session_or_404, _labels, _managed_or_404


def _roster_scope(obj: TrainingSession) -> set[int] | None:
    """Team ids whose members the actor sees on the roster (None: every invited team and the
    neighbours who came, for admins and officers of the organising commune). An officer of an
    invited commune sees their commune's invited teams; a leader the teams they lead."""
    if svc.can_manage(current_user, obj):
        return None
    if role_of(current_user) == "officer":
        return {t.id for t in obj.teams if t.commune_id == current_user.commune_id}
    return led_team_ids(current_user) | led_team_ids(current_user, obj.date)


def _filter_rows(rows: list, query: str) -> list:
    """Rows whose name contains ``query`` (folded), or whose phone contains its digits (three or
    more) when the actor may see that phone."""
    folded = fold(query)
    digits = "".join(ch for ch in folded if ch.isdigit())
    visible = (svc.phone_visible_ids(current_user, [r.user_id for r in rows])
               if len(digits) >= 3 else set())
    return [r for r in rows if folded in fold(r.name)
            or (r.user_id in visible and digits in display_phone(r.phone).replace(" ", ""))]


def _attendance_session_or_404(session_id: int) -> TrainingSession:
    """The session, if the actor takes attendance there; closed lazily once due."""
    obj = _get_session_or_404(session_id)
    if not _can_take_attendance(obj):
        abort(404)
    if closing.close_if_due(obj):
        db.session.commit()
    return obj


def _counts(obj: TrainingSession) -> dict:
    counts = svc.roster_counts(svc.roster(obj, team_ids=_roster_scope(obj)))
    return {"present": counts["present"], "late": counts["late"], "excused": counts["excused"],
            "absent": counts["absent"], "none": counts[None]}


def _back(obj: TrainingSession, anchor: str = ""):
    return redirect(url_for("training.attendance", session_id=obj.id) + anchor)


@bp.route("/training/sessions/<int:session_id>/attendance")
@login_required
def attendance(session_id: int):
    """The roster: one line per person with a four-state control (works without JavaScript)."""
    obj = _attendance_session_or_404(session_id)
    scope = _roster_scope(obj)
    rows = svc.roster(obj, team_ids=scope)
    counts = svc.roster_counts(rows)
    # A long commune-wide roster is filtered by team and by name or phone on the phone.
    teams = [t for t in obj.teams if scope is None or t.id in scope]
    team_id = request.args.get("team", type=int)
    if team_id and any(t.id == team_id for t in teams):
        rows = svc.roster(obj, team_ids={team_id})
    if request.args.get("q", "").strip():
        rows = _filter_rows(rows, request.args["q"])
    markable = svc.markable_ids(current_user, obj, [r.user_id for r in rows])
    unmarked = sum(1 for r in rows if r.status is None and r.user_id in markable)
    return render_template(
        "training/attendance.html", obj=obj, rows=rows, counts=counts, statuses=STATUSES,
        over=svc.is_over(obj), teams=teams, team_id=team_id, query=request.args.get("q", ""),
        markable=markable, open_for_marks=svc.is_open_for_marks(obj), unmarked=unmarked,
        closed=closing.is_closed(obj), can_manage=svc.can_manage(current_user, obj),
        undo=closing.undoable_batch(current_user, obj), due_at=closing.close_due_at(obj),
        many_teams=len(teams) > 1, **_labels())


@bp.route("/training/sessions/<int:session_id>/attendance/<int:user_id>", methods=["POST"])
@login_required
def mark(session_id: int, user_id: int):
    """Set one person's status (a leader's "present" is a check-in on the member's behalf).

    Someone the actor may not mark (not invited, another team, unknown id) is a 404; a status
    that is not one of the four is a 400; other refusals are a message. Nothing changes then.
    After closing, an officer's change needs a reason (the change page asks for it).
    """
    obj = _get_session_or_404(session_id)
    if not 0 < user_id <= svc.MAX_ID:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    status = request.form.get("status", "")
    if status not in STATUSES:
        abort(400)
    if closing.close_if_due(obj):
        db.session.commit()
    wants_json = request.accept_mimetypes.best == "application/json"
    reason = request.form.get("reason", "")[:500]
    if (closing.is_closed(obj) and svc.can_manage(current_user, obj) and not reason.strip()
            and not wants_json and svc.can_mark(current_user, obj, user_id)):
        return redirect(url_for("training.change_mark", session_id=obj.id, user_id=user_id,
                                status=status))
    leader_only = not has_role(current_user, "officer")
    method = "on_behalf" if leader_only and status in ("present", "late") else "manual"
    try:
        svc.set_status(current_user, obj, user_id, status, method=method, reason=reason)
    except svc.TrainingError as exc:
        db.session.rollback()
        if exc.code == "not_allowed":
            abort(404)
        if wants_json:
            return jsonify(ok=False, message=error_text(exc)), 400
        flash(error_text(exc), "error")
        if exc.code == "change_reason_required":
            return redirect(url_for("training.change_mark", session_id=obj.id,
                                    user_id=user_id, status=status))
    else:
        db.session.commit()
        if wants_json:
            return jsonify(ok=True, status=status, label=str(STATUS_LABELS[status]),
                           counts=_counts(obj))
    return _back(obj, f"#p{user_id}")


@bp.route("/training/sessions/<int:session_id>/attendance/<int:user_id>/change")
@login_required
def change_mark(session_id: int, user_id: int):
    """After closing: the officer chooses the new status and gives the reason."""
    obj = _managed_or_404(session_id)
    row = next((r for r in svc.roster(obj) if r.user_id == user_id), None)
    if row is None:
        abort(404)
    chosen = request.args.get("status") if request.args.get("status") in STATUSES else None
    return render_template("training/attendance_change.html", obj=obj, row=row,
                           statuses=STATUSES, chosen=chosen, **_labels())


@bp.route("/training/sessions/<int:session_id>/attendance/all-present", methods=["GET", "POST"])
@login_required
def all_present(session_id: int):
    """Mark everyone not yet marked (whom the actor may mark) as present; GET asks first."""
    obj = _attendance_session_or_404(session_id)
    if request.method == "GET":
        rows = svc.roster(obj, team_ids=_roster_scope(obj))
        markable = svc.markable_ids(current_user, obj, [r.user_id for r in rows])
        people = [r for r in rows if r.status is None and r.user_id in markable]
        return render_template("training/confirm.html", obj=obj, kind="all_present",
                               people=people, count=len(people),
                               post_url=url_for("training.all_present", session_id=obj.id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = svc.mark_all_present(current_user, obj, team_ids=_roster_scope(obj))
    except svc.TrainingError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        db.session.commit()
        flash(_("%(n)s people marked present.", n=count), "success")
    return _back(obj)


@bp.route("/training/sessions/<int:session_id>/attendance/undo/<int:batch_id>",
          methods=["POST"])
@login_required
def undo(session_id: int, batch_id: int):
    """Undo an "everyone present": the previous statuses come back exactly."""
    obj = _attendance_session_or_404(session_id)
    if not ConfirmForm().validate_on_submit() or not 0 < batch_id <= svc.MAX_ID:
        abort(400)
    batch = db.session.scalars(select(AttendanceBatch).where(
        AttendanceBatch.id == batch_id, AttendanceBatch.session_id == obj.id,
        AttendanceBatch.actor_id == current_user.id)).first()
    if batch is None:
        abort(404)
    try:
        count = closing.undo_batch(current_user, batch)
    except svc.TrainingError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        db.session.commit()
        flash(_("Undone: %(n)s people are back to their previous status.", n=count), "success")
    return _back(obj)


@bp.route("/training/sessions/<int:session_id>/attendance/close", methods=["GET", "POST"])
@login_required
def close(session_id: int):
    """Close the attendance (officer of the organising commune): GET asks first."""
    obj = _managed_or_404(session_id)
    if closing.close_if_due(obj):
        db.session.commit()
    if request.method == "GET":
        counts = svc.roster_counts(svc.roster(obj))
        return render_template("training/confirm.html", obj=obj, kind="close", counts=counts,
                               post_url=url_for("training.close", session_id=obj.id),
                               **_labels())
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        closed = closing.close_attendance(current_user, obj)
    except svc.TrainingError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        db.session.commit()
        if closed:
            flash(_("Attendance closed. Certificates are issued to the people present or "
                    "late.") if obj.issues_certificates else _("Attendance closed."), "success")
    return _back(obj)


@bp.route("/training/sessions/<int:session_id>/delete", methods=["GET", "POST"])
@login_required
def delete_session(session_id: int):
    """Delete a session created by mistake (only while nobody has an attendance there)."""
    obj = _managed_or_404(session_id)
    if request.method == "GET":
        return render_template("training/confirm.html", obj=obj, kind="delete",
                               deletable=closing.can_delete(obj),
                               post_url=url_for("training.delete_session", session_id=obj.id))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        closing.delete_session(current_user, obj)
    except svc.TrainingError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return redirect(url_for("training.session_detail", session_id=obj.id))
    db.session.commit()
    flash(_("The training session is deleted."), "success")
    return redirect(url_for("training.sessions"))
