"""Join, leave, move and role views (officer), following seed 004: proposal, then approval."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.permissions import get_team_or_404, load_or_404, roles_required, team_condition
from lms.auth.views import render_slip
from lms.extensions import db
from lms.org import bp
from lms.org import requests as proposals
from lms.org import services as org
from lms.org.forms import DecideForm, JoinForm, LeaveForm, MoveForm, RoleForm
from lms.org.messages import ROLE_LABELS, error_text
from lms.org.models import Membership, MembershipRequest, Team


def _membership_or_404(membership_id: int) -> Membership:
    return load_or_404(select(Membership).join(Team).where(
        Membership.id == membership_id, team_condition(current_user, Team.id, Team.commune_id)))


def _officer_team_or_404(team_id: int) -> Team:
    team = get_team_or_404(current_user, team_id)
    return team


def _field_for(form, code: str):
    mapping = {"bad_phone": "phone", "phone_taken": "phone", "name_required": "full_name",
               "bad_birth_year": "birth_year", "bad_gender": "gender", "bad_role": "role",
               "already_member": "phone", "other_commune": "phone",
               "foreign_account": "phone",
               "decision_required": "decision_no", "decided_before_proposed": "decided_on"}
    name = mapping.get(code)
    if code == "future_date":
        name = "decided_on" if getattr(form, "decided_on", None) and form.decided_on.date else None
    field = getattr(form, name, None) if name else None
    return field or getattr(form, "proposed_on", None) or form.decided_on


@bp.route("/org/teams/<int:team_id>/join", methods=["GET", "POST"])
@roles_required("officer")
def propose_join(team_id: int):
    """Record a join proposal; with the chairman's decision filled in, approve it at once and
    print the invitation slip."""
    team = _officer_team_or_404(team_id)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            req = proposals.propose_join(
                team, actor_id=current_user.id, proposed_on=form.proposed_on.date,
                proposer_name=form.proposer_name.data, role=form.role.data,
                full_name=form.full_name.data, phone=form.phone.data,
                birth_year=form.birth_year.data, gender=form.gender.data or None,
                occupation=form.occupation.data)
            result = None
            if form.decided_on.date:
                result = proposals.approve(req, actor_id=current_user.id,
                                           decided_on=form.decided_on.date,
                                           decision_no=form.decision_no.data)
        except org.OrgError as exc:
            db.session.rollback()
            _field_for(form, exc.code).errors.append(error_text(exc))
        else:
            db.session.commit()
            if result is None:
                flash(_("The proposal is recorded. Record the chairman's decision when it "
                        "arrives."), "success")
                return redirect(url_for("org.commune", commune_id=team.commune_id))
            _membership, person, password = result
            if password:
                return render_slip(person, password)
            flash(_("%(name)s has joined the team.", name=person.full_name), "success")
            return redirect(url_for("org.team", team_id=team.id))
    return render_template("org/join.html", form=form, team=team)


@bp.route("/org/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required("officer")
def decide(request_id: int):
    """Record the chairman's decision on a proposal (approval applies it)."""
    req = load_or_404(select(MembershipRequest).join(Team, Team.id == MembershipRequest.team_id)
                      .where(MembershipRequest.id == request_id,
                             team_condition(current_user, Team.id, Team.commune_id)))
    form = DecideForm()
    if req.status == "pending" and form.validate_on_submit():
        try:
            if form.reject.data:
                proposals.reject(req, actor_id=current_user.id, decided_on=form.decided_on.date,
                                 decision_no=form.decision_no.data)
                result = None
            else:
                result = proposals.approve(req, actor_id=current_user.id,
                                           decided_on=form.decided_on.date,
                                           decision_no=form.decision_no.data)
        except org.OrgError as exc:
            db.session.rollback()
            _field_for(form, exc.code).errors.append(error_text(exc))
        else:
            db.session.commit()
            if result and result[2]:
                return render_slip(result[1], result[2])
            flash(_("The decision is recorded."), "success")
            return redirect(url_for("org.team", team_id=req.team_id))
    return render_template("org/decide.html", form=form, req=req, role_labels=ROLE_LABELS)


@bp.route("/org/memberships/<int:membership_id>/leave", methods=["GET", "POST"])
@roles_required("officer")
def propose_leave(membership_id: int):
    """Record a leave proposal; with the decision filled in, the membership ends at once."""
    membership = _membership_or_404(membership_id)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            req = proposals.propose_leave(membership, actor_id=current_user.id,
                                          proposed_on=form.proposed_on.date,
                                          reason=form.reason.data,
                                          proposer_name=form.proposer_name.data)
            if form.decided_on.date:
                proposals.approve(req, actor_id=current_user.id, decided_on=form.decided_on.date,
                                  decision_no=form.decision_no.data)
        except org.OrgError as exc:
            db.session.rollback()
            _field_for(form, exc.code).errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("The leave is recorded."), "success")
            return redirect(url_for("org.person", user_id=membership.user_id))
    return render_template("org/leave.html", form=form, membership=membership)


@bp.route("/org/memberships/<int:membership_id>/move", methods=["GET", "POST"])
@roles_required("officer")
def move(membership_id: int):
    """Move a person to another team: ends this membership and starts a new one."""
    membership = _membership_or_404(membership_id)
    form = MoveForm()
    teams = db.session.scalars(select(Team).where(
        Team.commune_id == membership.team.commune_id, Team.id != membership.team_id)
        .order_by(Team.is_commune_level.desc(), Team.name)).all()
    form.team.choices = [(t.id, t.name) for t in teams]
    if form.validate_on_submit():
        new_team = get_team_or_404(current_user, form.team.data)
        try:
            org.move_member(membership, new_team, form.on.date, actor_id=current_user.id,
                            role=form.role.data, decision_no=form.decision_no.data)
        except org.OrgError as exc:
            db.session.rollback()
            form.on.errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("Moved to %(team)s.", team=new_team.name), "success")
            return redirect(url_for("org.person", user_id=membership.user_id))
    return render_template("org/move.html", form=form, membership=membership)


@bp.route("/org/memberships/<int:membership_id>/role", methods=["GET", "POST"])
@roles_required("officer")
def change_role(membership_id: int):
    """Change someone's role in a team (e.g. a new team leader)."""
    membership = _membership_or_404(membership_id)
    form = RoleForm(role=membership.role)
    if form.validate_on_submit():
        try:
            org.change_role(membership, form.role.data, actor_id=current_user.id)
        except org.OrgError as exc:
            form.role.errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("org.team", team_id=membership.team_id))
    return render_template("org/role.html", form=form, membership=membership)
