"""Who may see what: the one place that scopes queries by the acting user.

Every view that lists objects or loads one by id goes through these helpers. An object the
actor may not see is a 404, never a 403, so ids from another commune reveal nothing.

Scopes:
- ``admin``: everything;
- ``province``: every commune of their province (``User.province_id``), read-only; it changes
  only the officer accounts of those communes (the Sở KH&CN creates them and resets their
  passwords) and sees no phone number but those officers';
- ``officer``: their commune (``User.commune_id``);
- ``leader``: the teams where they hold an active leader or deputy membership;
- ``member``: themselves.

Seeing a person is not changing their account. An officer *reads* everyone who ever belonged
to the commune (history and reports need it) but *changes* (edits, resets, attaches to a team,
renames by import) only plain member accounts that belong to the commune now: their current or
last membership is there, or, with no membership at all, the account was created for it.
Officer, province and admin accounts are never changed by an officer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from flask import abort, g
from flask_login import current_user
from sqlalchemy import Select, and_, case, exists, false, or_, select, true

from lms.auth.models import User
from lms.extensions import db
from lms.org.models import LEADING_ROLES, Membership, Team


def _today() -> date:
    from lms.timeutil import local_today

    return local_today()


def active_on(day: date):
    """SQL condition: a membership active on ``day``."""
    return and_(
        Membership.joined_on <= day,
        or_(Membership.left_on.is_(None), Membership.left_on > day),
    )


def led_team_ids(user: User, day: date | None = None) -> set[int]:
    """Ids of teams where ``user`` is an active leader or deputy on ``day``."""
    if user is None or not getattr(user, "id", None):
        return set()
    day = day or _today()
    rows = db.session.scalars(
        select(Membership.team_id).where(
            Membership.user_id == user.id,
            Membership.role.in_(LEADING_ROLES),
            active_on(day),
        )
    )
    return set(rows)


def leads_on(user_id_column, day):
    """SQL: whether the user in ``user_id_column`` leads (or deputises) a team on ``day`` (a
    date or a bound parameter); asked together with the session lookup (lms.auth.sessions)
    so that the menu costs no query of its own."""
    return exists().where(Membership.user_id == user_id_column,
                          Membership.role.in_(LEADING_ROLES), active_on(day))


def remember_leading(user: User, leads: bool) -> None:
    """Keep, for this request, whether ``user`` leads a team today (see :func:`role_of`)."""
    g.setdefault("_leads", {})[user.id] = bool(leads)


def role_of(user) -> str:
    """The effective role: ``admin``, ``province``, ``officer``, ``leader`` or ``member``
    (cached per request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    cache = g.setdefault("_roles", {})
    if user.id not in cache:
        if user.account_role in ("admin", "officer", "province"):
            cache[user.id] = user.account_role
        else:
            leads = g.get("_leads", {}).get(user.id)
            if leads is None:
                leads = bool(led_team_ids(user))
            cache[user.id] = "leader" if leads else "member"
    return cache[user.id]


def has_role(user, *roles: str) -> bool:
    """Whether the user's effective role is one of ``roles`` (admin always passes; province
    passes only when named: ``roles_required("officer")`` keeps it out)."""
    role = role_of(user)
    return role == "admin" or role in roles


def roles_required(*roles: str) -> Callable:
    """View decorator: log-in required, and one of ``roles`` (admin always passes) else 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from lms.extensions import login_manager

                return login_manager.unauthorized()
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# --- scoping -----------------------------------------------------------------------------


def province_commune_ids(actor):
    """A select of the ids of the communes of a province officer's province."""
    from lms.org.models import Commune

    return select(Commune.id).where(Commune.province_id == actor.province_id)


def _is_province(actor, role: str) -> bool:
    return role == "province" and bool(getattr(actor, "province_id", None))


def commune_condition(actor, commune_column):
    """SQL condition limiting ``commune_column`` to the communes the actor manages (a
    province officer: every commune of the province, for reading)."""
    role = role_of(actor)
    if role == "admin":
        return true()
    if _is_province(actor, role):
        return commune_column.in_(province_commune_ids(actor))
    if role == "officer" and actor.commune_id:
        return commune_column == actor.commune_id
    return false()


def team_condition(actor, team_id_column, commune_column=None):
    """SQL condition limiting ``team_id_column`` to the teams the actor may see and manage.

    Officers see every team of their commune (``commune_column`` if given, else a subquery);
    leaders their own teams.
    """
    role = role_of(actor)
    if role == "admin":
        return true()
    if _is_province(actor, role):
        if commune_column is not None:
            return commune_column.in_(province_commune_ids(actor))
        return team_id_column.in_(
            select(Team.id).where(Team.commune_id.in_(province_commune_ids(actor))))
    if role == "officer" and actor.commune_id:
        if commune_column is not None:
            return commune_column == actor.commune_id
        return team_id_column.in_(select(Team.id).where(Team.commune_id == actor.commune_id))
    if role == "leader":
        return team_id_column.in_(led_team_ids(actor))
    return false()


def user_condition(actor, user_id_column):
    """SQL condition limiting ``user_id_column`` to people the actor may see.

    Officers: anyone who ever had a membership in their commune or works for it; province
    officers: the same for every commune of the province, and themselves; leaders: anyone
    who ever was in a team they lead, and themselves; members: themselves.
    """
    role = role_of(actor)
    if role == "admin":
        return true()
    if _is_province(actor, role):
        communes = province_commune_ids(actor)
        in_province = exists().where(
            Membership.user_id == user_id_column,
            Membership.team_id == Team.id,
            Team.commune_id.in_(communes),
        )
        works_there = user_id_column.in_(select(User.id).where(or_(
            User.commune_id.in_(communes), User.id == actor.id)))
        return or_(in_province, works_there)
    if role == "officer" and actor.commune_id:
        in_commune = exists().where(
            Membership.user_id == user_id_column,
            Membership.team_id == Team.id,
            Team.commune_id == actor.commune_id,
        )
        works_there = user_id_column.in_(
            select(User.id).where(User.commune_id == actor.commune_id)
        )
        return or_(in_commune, works_there)
    if role == "leader":
        teams = led_team_ids(actor)
        return or_(
            user_id_column == actor.id,
            exists().where(Membership.user_id == user_id_column, Membership.team_id.in_(teams)),
        )
    return user_id_column == actor.id


def claimable_condition(commune_id: int):
    """SQL condition on ``User``: accounts an officer of ``commune_id`` may change.

    A plain member account (leaders are members with a leading membership) whose current
    membership, or else most recent one, is in the commune; or, with no membership at all, an
    account created for the commune. A person who moved away leaves the old commune's reach.
    """
    today = _today()
    latest_commune = (
        select(Team.commune_id)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == User.id)
        .order_by(case((active_on(today), 1), else_=0).desc(),
                  Membership.joined_on.desc(), Membership.id.desc())
        .limit(1)
        .correlate(User)
        .scalar_subquery()
    )
    has_membership = exists().where(Membership.user_id == User.id).correlate(User)
    return and_(
        User.account_role == "member",
        or_(latest_commune == commune_id,
            and_(~has_membership, User.commune_id == commune_id)),
    )


def province_officer_condition(province_id: int):
    """SQL condition on ``User``: the officer accounts of the communes of a province."""
    from lms.org.models import Commune

    return and_(User.account_role == "officer", User.commune_id.in_(
        select(Commune.id).where(Commune.province_id == province_id)))


def account_condition(actor):
    """SQL condition on ``User``: accounts the actor may change (details, password, teams).

    A province officer changes only the officer accounts of its communes, never members."""
    role = role_of(actor)
    if role == "admin":
        return true()
    if _is_province(actor, role):
        return province_officer_condition(actor.province_id)
    if role == "officer" and actor.commune_id:
        return claimable_condition(actor.commune_id)
    return false()


def can_manage_account(actor, person: User) -> bool:
    """Whether the actor may change ``person``'s account (see :func:`account_condition`)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or person is None:
        return False
    if role_of(actor) == "admin":
        return True
    return bool(db.session.scalar(
        select(User.id).where(User.id == person.id, account_condition(actor))))


def claimable_by(commune_id: int, user_ids: list[int]) -> set[int]:
    """Of ``user_ids``, the accounts an officer of ``commune_id`` may change (one query)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(
        select(User.id).where(User.id.in_(user_ids), claimable_condition(commune_id))))


def get_manageable_user_or_404(actor, user_id: int) -> User:
    """A person whose account the actor may change; anything else is a 404."""
    return load_or_404(select(User).where(User.id == user_id, account_condition(actor)))


def scoped(stmt: Select, condition) -> Select:
    """Add a scoping condition to a select."""
    return stmt.where(condition)


def load_or_404(stmt: Select):
    """Run a scoped select for one object; 404 if the actor may not see it (or it is absent)."""
    obj = db.session.scalars(stmt.limit(1)).first()
    if obj is None:
        abort(404)
    return obj


def get_team_or_404(actor, team_id: int) -> Team:
    """A team the actor may manage (officer: own commune; leader: own team)."""
    return load_or_404(
        select(Team).where(Team.id == team_id, team_condition(actor, Team.id, Team.commune_id))
    )


def get_user_or_404(actor, user_id: int) -> User:
    """A person the actor may see."""
    return load_or_404(select(User).where(User.id == user_id, user_condition(actor, User.id)))


def get_commune_or_404(actor, commune_id: int):
    """A commune the actor manages."""
    from lms.org.models import Commune

    return load_or_404(
        select(Commune).where(Commune.id == commune_id, commune_condition(actor, Commune.id))
    )


def can_see_phone(actor, person: User) -> bool:
    """Phones are shown to officers of the person's commune, admins, the person's own active
    team leader (or deputy), and the person themself. A province officer sees only the phones
    of the officers of its communes (members' phones stay with the commune)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.id == person.id:
        return True
    role = role_of(actor)
    if role == "admin":
        return True
    if role == "province":
        return bool(actor.province_id) and bool(db.session.scalar(select(User.id).where(
            User.id == person.id, province_officer_condition(actor.province_id))))
    today = _today()
    if role == "officer" and actor.commune_id:
        return bool(
            db.session.scalar(
                select(exists().where(
                    Membership.user_id == person.id,
                    Membership.team_id == Team.id,
                    Team.commune_id == actor.commune_id,
                ))
            )
            or person.commune_id == actor.commune_id
        )
    led = led_team_ids(actor, today)
    if not led:
        return False
    return bool(
        db.session.scalar(
            select(exists().where(
                Membership.user_id == person.id,
                Membership.team_id.in_(led),
                active_on(today),
            ))
        )
    )
