"""Join and leave as seed 004 describes: a team leader's proposal, recorded by the officer,
then the commune chairman's approval (date and decision number). Only the approval changes
the roster; a join approval creates the account and returns its temporary password for the
invitation slip. The caller commits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms import audit
from lms.auth import services as accounts
from lms.auth.models import User
from lms.extensions import db
from lms.normalize import clean_name, clean_text
from lms.org.models import Membership, MembershipRequest, Team
from lms.org.services import (
    OrgError,
    _check_role,
    check_claimable,
    end_membership,
    person_fields,
    start_membership,
)
from lms.timeutil import local_today


def _request_state(req: MembershipRequest) -> dict:
    return {"kind": req.kind, "team_id": req.team_id, "user_id": req.user_id,
            "full_name": req.full_name, "phone": req.phone, "role": req.proposed_role,
            "status": req.status, "decided_on": req.decided_on, "decision_no": req.decision_no}


def propose_join(team: Team, *, actor_id, proposed_on: date, proposer_name: str = "",
                 role: str = "member", full_name: str | None = None, phone: str | None = None,
                 birth_year=None, gender=None, occupation=None,
                 person: User | None = None) -> MembershipRequest:
    """Record a join proposal for an existing person or for someone new (name + phone)."""
    _check_role(role)
    if proposed_on > local_today():
        raise OrgError("future_date")
    if person is None:
        data = person_fields(full_name=full_name or "", phone=phone or "", birth_year=birth_year,
                             gender=gender, occupation=occupation or "")
        person = db.session.scalar(select(User).where(User.phone == data["phone"]))
    else:
        data = {"full_name": person.full_name, "phone": person.phone}
    if person is not None:
        check_claimable(person, team.commune_id, actor_id)
        if db.session.scalar(select(Membership.id).where(
                Membership.user_id == person.id, Membership.team_id == team.id,
                Membership.left_on.is_(None))):
            raise OrgError("already_member")
    req = MembershipRequest(
        kind="join", commune_id=team.commune_id, team_id=team.id,
        user_id=person.id if person else None, full_name=data["full_name"], phone=data["phone"],
        birth_year=data.get("birth_year"), gender=data.get("gender"),
        occupation=data.get("occupation"), proposed_role=role, proposed_on=proposed_on,
        proposer_name=clean_name(proposer_name), recorded_by_id=actor_id)
    db.session.add(req)
    db.session.flush()
    audit.record("membership_request.join", "membership_request", req.id, actor_id=actor_id,
                 commune_id=team.commune_id, after=_request_state(req))
    return req


def propose_leave(membership: Membership, *, actor_id, proposed_on: date, reason: str = "",
                  proposer_name: str = "") -> MembershipRequest:
    """Record a leave proposal for an active membership."""
    if membership.left_on is not None:
        raise OrgError("already_left")
    if proposed_on > local_today():
        raise OrgError("future_date")
    person = membership.user
    req = MembershipRequest(
        kind="leave", commune_id=membership.team.commune_id, team_id=membership.team_id,
        user_id=person.id, full_name=person.full_name, phone=person.phone,
        proposed_role=membership.role, membership_id=membership.id,
        leave_reason=clean_text(reason) or None, proposed_on=proposed_on,
        proposer_name=clean_name(proposer_name), recorded_by_id=actor_id)
    db.session.add(req)
    db.session.flush()
    audit.record("membership_request.leave", "membership_request", req.id, actor_id=actor_id,
                 commune_id=req.commune_id, after=_request_state(req))
    return req


def approve(req: MembershipRequest, *, actor_id, decided_on: date, decision_no: str,
            effective_on: date | None = None) -> tuple[Membership, User, str | None]:
    """Record the chairman's approval and apply it.

    Join: starts the membership on ``effective_on`` (default: the decision date), creating the
    account when needed. Leave: ends the membership on ``effective_on``. Returns
    ``(membership, person, temporary_password_or_None)``. Approving twice is refused.
    """
    if req.status != "pending":
        raise OrgError("already_decided")
    decision_no = clean_text(decision_no)
    if not decision_no:
        raise OrgError("decision_required")
    if decided_on > local_today():
        raise OrgError("future_date")
    if decided_on < req.proposed_on:
        raise OrgError("decided_before_proposed")
    effective_on = effective_on or decided_on
    password = None
    before = _request_state(req)
    if req.kind == "join":
        person = req.user or db.session.scalar(select(User).where(User.phone == req.phone))
        if person is None:
            try:
                person, password = accounts.create_account(
                    full_name=req.full_name, phone=req.phone, birth_year=req.birth_year,
                    gender=req.gender, occupation=req.occupation, commune_id=req.commune_id,
                    actor_id=actor_id)
            except accounts.AuthError as exc:
                raise OrgError(exc.code) from exc
        else:
            check_claimable(person, req.commune_id, actor_id)
            if not person.password_hash:
                password = accounts.set_temporary_password(
                    person, actor_id=actor_id, commune_id=req.commune_id, action="user.slip")
        membership = start_membership(person, req.team, req.proposed_role, effective_on,
                                      actor_id=actor_id, approved_on=decided_on,
                                      decision_no=decision_no)
        req.user_id = person.id
        req.membership_id = membership.id
    else:
        membership = req.membership
        person = membership.user
        end_membership(membership, effective_on, actor_id=actor_id, reason=req.leave_reason,
                       approved_on=decided_on, decision_no=decision_no)
    req.status = "approved"
    req.decided_on = decided_on
    req.decision_no = decision_no
    audit.record("membership_request.approve", "membership_request", req.id, actor_id=actor_id,
                 commune_id=req.commune_id, before=before, after=_request_state(req))
    return membership, person, password


def reject(req: MembershipRequest, *, actor_id, decided_on: date, decision_no: str = "") -> None:
    """Record that the proposal was not approved (nothing else changes)."""
    if req.status != "pending":
        raise OrgError("already_decided")
    before = _request_state(req)
    req.status = "rejected"
    req.decided_on = decided_on
    req.decision_no = clean_text(decision_no) or None
    audit.record("membership_request.reject", "membership_request", req.id, actor_id=actor_id,
                 commune_id=req.commune_id, before=before, after=_request_state(req))
