"""Organisation rules: communes, teams, members, join and leave (seed 004).

Plain functions: explicit arguments, plain results, :class:`OrgError` for bad input. The
caller commits (views, CLI and tests share this code). Every membership change is audited in
the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select

from lms import audit
from lms.auth.models import GENDERS, User
from lms.auth.permissions import active_on
from lms.extensions import db
from lms.normalize import InvalidValue, clean_name, clean_text, fold, normalize_phone
from lms.org.models import (
    MEMBERSHIP_ROLES,
    VILLAGE_KINDS,
    Commune,
    Membership,
    MembershipRequest,
    Province,
    Team,
    Village,
)
from lms.timeutil import local_today


class OrgError(Exception):
    """A domain error: ``code`` names the message the views translate; ``params`` fill it."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def membership_state(m: Membership) -> dict:
    """The audited fields of a membership."""
    return {
        "user_id": m.user_id, "team_id": m.team_id, "role": m.role, "joined_on": m.joined_on,
        "left_on": m.left_on, "leave_reason": m.leave_reason, "approved_on": m.approved_on,
        "decision_no": m.decision_no, "leave_approved_on": m.leave_approved_on,
        "leave_decision_no": m.leave_decision_no,
    }


# --- communes and villages ------------------------------------------------------------------


def create_commune(code: str, name: str, province_name: str | None = None,
                   village_kind: str = "to_dan_pho") -> Commune:
    """Create a commune with its commune-level team. Raises ``code_taken``/``code_required``."""
    code = clean_text(code).upper()
    name = clean_name(name)
    if not code or not name:
        raise OrgError("code_required")
    if db.session.scalar(select(Commune.id).where(Commune.code == code)):
        raise OrgError("code_taken", code=code)
    if village_kind not in VILLAGE_KINDS:
        raise OrgError("bad_kind")
    province = None
    if province_name and clean_name(province_name):
        province = db.session.scalar(select(Province).where(Province.name == clean_name(province_name)))
        if province is None:
            province = Province(name=clean_name(province_name))
            db.session.add(province)
            db.session.flush()
    place = name.split(" ", 1)[1] if name.split(" ", 1)[0].lower() in ("xã", "phường") else name
    commune = Commune(code=code, name=name, province_id=province.id if province else None,
                      village_kind=village_kind, place_name=place)
    db.session.add(commune)
    db.session.flush()
    db.session.add(Team(commune_id=commune.id, village_id=None, is_commune_level=True,
                        name=f"Tổ công nghệ số cộng đồng {name[0].lower()}{name[1:]}"))
    db.session.flush()
    return commune


def village_team(village: Village) -> Team:
    """The team of a village, created when missing."""
    team = db.session.scalar(select(Team).where(Team.village_id == village.id))
    if team is None:
        team = Team(commune_id=village.commune_id, village_id=village.id,
                    name=f"Tổ CNSCĐ {village.name}")
        db.session.add(team)
        db.session.flush()
    return team


def create_village(commune: Commune, name: str, kind: str | None = None) -> Village:
    """Create a village and its team (or return the existing one of that name)."""
    name = clean_name(name)
    if not name:
        raise OrgError("village_required")
    village = db.session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == name))
    if village is None:
        village = Village(commune_id=commune.id, name=name, kind=kind or commune.village_kind)
        db.session.add(village)
        db.session.flush()
    village_team(village)
    return village


def assign_officer(commune: Commune, person: User, actor_id: int | None) -> None:
    """Make ``person`` an officer of ``commune``."""
    before = {"account_role": person.account_role, "commune_id": person.commune_id}
    person.account_role = "officer"
    person.commune_id = commune.id
    audit.record("user.officer", "user", person.id, actor_id=actor_id, commune_id=commune.id,
                 before=before, after={"account_role": "officer", "commune_id": commune.id})


# --- overview -------------------------------------------------------------------------------


@dataclass
class TeamRow:
    """One line of the commune overview."""

    team: Team
    active: int
    leader: str | None
    warnings: list[str]


def team_overview(commune: Commune, day: date | None = None, team_ids=None) -> list[TeamRow]:
    """Every team of the commune with its active count, leader and warnings (``too_small``,
    ``too_large``, ``no_leader``), in two queries."""
    day = day or local_today()
    stmt = select(Team).where(Team.commune_id == commune.id)
    if team_ids is not None:
        stmt = stmt.where(Team.id.in_(team_ids))
    teams = db.session.scalars(
        stmt.order_by(Team.is_commune_level.desc(), Team.name)).all()
    counts = dict(db.session.execute(
        select(Membership.team_id, func.count(func.distinct(Membership.user_id)))
        .join(Team, Team.id == Membership.team_id)
        .where(Team.commune_id == commune.id, active_on(day))
        .group_by(Membership.team_id)).all())
    leaders: dict[int, str] = {}
    for team_id, name in db.session.execute(
        select(Membership.team_id, User.full_name)
        .join(Team, Team.id == Membership.team_id).join(User, User.id == Membership.user_id)
        .where(Team.commune_id == commune.id, Membership.role == "leader", active_on(day))
        .order_by(Membership.joined_on)
    ):
        leaders.setdefault(team_id, name)
    rows = []
    for team in teams:
        active = counts.get(team.id, 0)
        warnings = []
        if active < commune.team_size_min:
            warnings.append("too_small")
        elif active > commune.team_size_max:
            warnings.append("too_large")
        if team.id not in leaders:
            warnings.append("no_leader")
        rows.append(TeamRow(team, active, leaders.get(team.id), warnings))
    return rows


def team_members(team: Team, day: date | None = None, include_past: bool = False):
    """``(membership, user)`` pairs of a team, active ones first (by role, then name)."""
    day = day or local_today()
    order = {role: i for i, role in enumerate(MEMBERSHIP_ROLES)}
    stmt = (select(Membership, User).join(User, User.id == Membership.user_id)
            .where(Membership.team_id == team.id))
    if not include_past:
        stmt = stmt.where(active_on(day))
    pairs = db.session.execute(stmt).all()
    return sorted(pairs, key=lambda p: (not p[0].active_on(day), order.get(p[0].role, 9),
                                        p[1].name_folded))


def memberships_of(person: User, commune_id: int | None = None) -> list[Membership]:
    """Every membership of a person (newest first), optionally in one commune."""
    stmt = select(Membership).join(Team).where(Membership.user_id == person.id)
    if commune_id is not None:
        stmt = stmt.where(Team.commune_id == commune_id)
    return db.session.scalars(stmt.order_by(Membership.joined_on.desc(), Membership.id.desc())).all()


def search_people(condition, query: str, limit: int = 50) -> list[User]:
    """People matching a name (diacritics and case ignored) or a phone, within ``condition``
    (a scoping condition from :mod:`lms.auth.permissions`)."""
    text = clean_text(query)
    if not text:
        return []
    terms = [or_(User.name_folded.contains(fold(text)))]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        terms.append(User.phone.contains(digits.lstrip("0")))
    return db.session.scalars(
        select(User).where(condition, or_(*terms)).order_by(User.name_folded).limit(limit)).all()


# --- people ---------------------------------------------------------------------------------


def person_fields(full_name=None, phone=None, birth_year=None, gender=None, occupation=None) -> dict:
    """Validate and normalise a person's data; raises :class:`OrgError`."""
    data = {}
    if full_name is not None:
        data["full_name"] = clean_name(full_name)
        if not data["full_name"]:
            raise OrgError("name_required")
    if phone is not None:
        try:
            data["phone"] = normalize_phone(phone)
        except InvalidValue as exc:
            raise OrgError("bad_phone") from exc
    if birth_year not in (None, ""):
        year = int(birth_year)
        if not 1900 <= year <= local_today().year:
            raise OrgError("bad_birth_year")
        data["birth_year"] = year
    if gender not in (None, ""):
        if gender not in GENDERS:
            raise OrgError("bad_gender")
        data["gender"] = gender
    if occupation is not None:
        data["occupation"] = clean_name(occupation) or None
    return data


def update_person(person: User, actor_id: int | None, **fields) -> User:
    """Change a person's name, phone, birth year, gender or occupation."""
    data = person_fields(**fields)
    if "phone" in data and data["phone"] != person.phone and db.session.scalar(
            select(User.id).where(User.phone == data["phone"])):
        raise OrgError("phone_taken")
    before = {key: getattr(person, key) for key in data}
    for key, value in data.items():
        setattr(person, key, value)
    if "full_name" in data:
        person.name_folded = fold(data["full_name"])
    changed = {key: value for key, value in data.items() if before.get(key) != value}
    if changed:
        audit.record("user.update", "user", person.id, actor_id=actor_id,
                     commune_id=home_commune_id(person),
                     before={key: before[key] for key in changed}, after=changed)
    return person


# --- memberships ----------------------------------------------------------------------------


def _refuse_active_elsewhere(person: User, commune_id: int, day: date) -> None:
    other = db.session.scalar(
        select(Commune.name).join(Team, Team.commune_id == Commune.id)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == person.id, Team.commune_id != commune_id,
               active_on(day)))
    if other:
        raise OrgError("other_commune", commune=other)


def check_claimable(person: User, commune_id: int, actor_id: int | None,
                    day: date | None = None) -> None:
    """Refuse (``foreign_account``) to attach, rename or reset an account that does not
    belong to the commune: an officer, province or admin account, or a member whose current
    or last membership is elsewhere. The administrator may do it."""
    from lms.auth.permissions import claimable_by

    _refuse_active_elsewhere(person, commune_id, day or local_today())
    actor = db.session.get(User, actor_id) if actor_id else None
    if actor is not None and actor.account_role == "admin":
        return
    if person.id not in claimable_by(commune_id, [person.id]):
        raise OrgError("foreign_account")


def home_commune_id(person: User) -> int | None:
    """The commune a person belongs to now: the one of their current (else latest)
    membership, else the commune the account was created for."""
    from lms.auth.permissions import active_on

    row = db.session.scalar(
        select(Team.commune_id).join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == person.id)
        .order_by(active_on(local_today()).desc(), Membership.joined_on.desc(),
                  Membership.id.desc()).limit(1))
    return row or person.commune_id


def _check_role(role: str) -> None:
    if role not in MEMBERSHIP_ROLES:
        raise OrgError("bad_role")


def start_membership(person: User, team: Team, role: str, joined_on: date, *, actor_id,
                     approved_on: date | None = None, decision_no: str | None = None) -> Membership:
    """Add a membership (refused while the person is already active in that team)."""
    _check_role(role)
    if joined_on > local_today():
        raise OrgError("future_date")
    if db.session.scalar(select(Membership.id).where(
            Membership.user_id == person.id, Membership.team_id == team.id,
            or_(Membership.left_on.is_(None), Membership.left_on > joined_on))):
        raise OrgError("already_member")
    _refuse_active_elsewhere(person, team.commune_id, joined_on)
    check_claimable(person, team.commune_id, actor_id)
    membership = Membership(user_id=person.id, team_id=team.id, role=role, joined_on=joined_on,
                            approved_on=approved_on, decision_no=clean_text(decision_no) or None)
    db.session.add(membership)
    db.session.flush()
    audit.record("membership.join", "membership", membership.id, actor_id=actor_id,
                 commune_id=team.commune_id, after=membership_state(membership))
    return membership


def end_membership(membership: Membership, left_on: date, *, actor_id, reason: str | None = None,
                   approved_on: date | None = None, decision_no: str | None = None) -> Membership:
    """End a membership on ``left_on`` (the row stays: history is never overwritten)."""
    if membership.left_on is not None and membership.left_on <= local_today():
        raise OrgError("already_left")
    if left_on < membership.joined_on:
        raise OrgError("left_before_joined")
    if left_on > local_today():
        raise OrgError("future_date")
    before = membership_state(membership)
    membership.left_on = left_on
    membership.leave_reason = clean_text(reason) or None
    membership.leave_approved_on = approved_on
    membership.leave_decision_no = clean_text(decision_no) or None
    audit.record("membership.leave", "membership", membership.id, actor_id=actor_id,
                 commune_id=membership.team.commune_id, before=before,
                 after=membership_state(membership))
    return membership


def change_role(membership: Membership, role: str, *, actor_id) -> Membership:
    """Change the role in an active membership (audited)."""
    _check_role(role)
    before = membership_state(membership)
    membership.role = role
    audit.record("membership.role", "membership", membership.id, actor_id=actor_id,
                 commune_id=membership.team.commune_id, before=before,
                 after=membership_state(membership))
    return membership


def move_member(membership: Membership, new_team: Team, on: date, *, actor_id,
                role: str | None = None, decision_no: str | None = None) -> Membership:
    """Move a person: end ``membership`` on ``on`` and start one in ``new_team`` the same day."""
    if new_team.id == membership.team_id:
        raise OrgError("same_team")
    if new_team.commune_id != membership.team.commune_id:
        raise OrgError("other_commune", commune="")
    end_membership(membership, on, actor_id=actor_id, reason="moved",
                   approved_on=on, decision_no=decision_no)
    return start_membership(membership.user, new_team, role or membership.role, on,
                            actor_id=actor_id, approved_on=on, decision_no=decision_no)


def active_membership(person_id: int, team_id: int) -> Membership | None:
    """The person's active membership in the team today, if any."""
    return db.session.scalar(select(Membership).where(
        Membership.user_id == person_id, Membership.team_id == team_id,
        active_on(local_today())))


def pending_requests(commune_id: int) -> list[MembershipRequest]:
    """Proposals waiting for the chairman's decision, oldest first."""
    return db.session.scalars(select(MembershipRequest).where(
        MembershipRequest.commune_id == commune_id, MembershipRequest.status == "pending")
        .order_by(MembershipRequest.proposed_on, MembershipRequest.id)).all()


def active_user_ids(commune_id: int, day: date | None = None):
    """A select of the ids of people active in any team of the commune on ``day``."""
    day = day or local_today()
    return select(Membership.user_id).join(Team).where(
        and_(Team.commune_id == commune_id, active_on(day)))


def issue_team_slips(team: Team, day: date | None = None, *,
                     actor_id: int | None = None) -> list[tuple[User, str]]:
    """New temporary passwords for the team's active members who have never logged in
    (people created by a roster import have none). Returns ``(person, password)`` pairs to
    print once; people who already use their account, and accounts the commune may not
    change, are left alone. Each slip is audited. The caller commits."""
    from lms.auth.permissions import claimable_by
    from lms.auth.services import set_temporary_password

    waiting = [person for _membership, person in team_members(team, day)
               if person.last_login_at is None and person.active]
    allowed = claimable_by(team.commune_id, [person.id for person in waiting])
    return [(person, set_temporary_password(person, actor_id=actor_id,
                                            commune_id=team.commune_id, action="user.slip"))
            for person in waiting if person.id in allowed]
