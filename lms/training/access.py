"""Who sees a training session, who marks whose attendance, whose phone is shown: the SQL
scoping of the training package (set-based, one query per question)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, false, or_, select, true

from lms.auth.models import User
from lms.auth.permissions import active_on, led_team_ids, role_of
from lms.extensions import db
from lms.org.models import Membership, Team
from lms.timeutil import local_today
from lms.training.models import TrainingSession, session_teams

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


def _active_team_ids_stmt(user_id: int, day: date):
    return select(Membership.team_id).where(Membership.user_id == user_id, active_on(day))


def session_condition(actor):
    """SQL condition: sessions the actor may see.

    Admin: all; officer: their commune's sessions and sessions inviting their commune's teams;
    others: sessions inviting one of their current teams or organised by a commune where they
    are in a team.
    """
    role = role_of(actor)
    if role == "admin":
        return true()
    if role == "officer" and actor.commune_id:
        return or_(
            TrainingSession.commune_id == actor.commune_id,
            exists().where(
                session_teams.c.session_id == TrainingSession.id,
                session_teams.c.team_id == Team.id,
                Team.commune_id == actor.commune_id,
            ),
        )
    if role in ("leader", "member"):
        teams = _active_team_ids_stmt(actor.id, local_today())
        return or_(
            exists().where(
                session_teams.c.session_id == TrainingSession.id,
                session_teams.c.team_id.in_(teams),
            ),
            TrainingSession.commune_id.in_(
                select(Team.commune_id).where(Team.id.in_(teams))
            ),
        )
    return false()


def can_manage(actor, session: TrainingSession) -> bool:
    """Officers of the organising commune and admins edit and cancel a session."""
    role = role_of(actor)
    return role == "admin" or (role == "officer" and actor.commune_id == session.commune_id)


def _markable_stmt(actor, session: TrainingSession):
    """Ids of the people ``actor`` may mark at ``session`` (None: nobody), as a select.

    Only people invited to the session: members of an invited team whose membership is active
    on the session date. Admins and officers of the organising commune: all of them; an officer
    of an invited commune: those in their commune's teams; a leader or deputy: those in the
    teams they lead (now or on the session date). Nobody marks themself.
    """
    role = role_of(actor)
    if actor is None or role == "anonymous":
        return None
    stmt = (
        select(Membership.user_id)
        .join(session_teams, and_(session_teams.c.team_id == Membership.team_id,
                                  session_teams.c.session_id == session.id))
        .where(active_on(session.date), Membership.user_id != actor.id)
    )
    if role == "admin" or can_manage(actor, session):
        return stmt
    if role == "officer":
        if not actor.commune_id:
            return None
        return stmt.join(Team, Team.id == Membership.team_id).where(
            Team.commune_id == actor.commune_id)
    led = led_team_ids(actor) | led_team_ids(actor, session.date)
    if not led:
        return None
    return stmt.where(Membership.team_id.in_(led))


def markable_ids(actor, session: TrainingSession, user_ids=None) -> set[int]:
    """Of ``user_ids`` (all when None), the people the actor may mark (one query)."""
    stmt = _markable_stmt(actor, session)
    if stmt is None:
        return set()
    if user_ids is not None:
        ids = [uid for uid in user_ids if isinstance(uid, int) and 0 < uid <= MAX_ID]
        if not ids:
            return set()
        stmt = stmt.where(Membership.user_id.in_(ids))
    return set(db.session.scalars(stmt.distinct()))


def can_mark(actor, session: TrainingSession, user_id: int) -> bool:
    """Whether the actor may mark this person's attendance (see :func:`_markable_stmt`)."""
    return user_id in markable_ids(actor, session, [user_id])


def phone_visible_ids(actor, user_ids) -> set[int]:
    """Of ``user_ids``, the people whose phone the actor may see, in one query.

    The set-based form of :func:`lms.auth.permissions.can_see_phone`: the person themself,
    admins, officers of a commune where the person ever had a membership or that the person
    works for, and the person's active team leader or deputy (today).
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return set()
    ids = {uid for uid in user_ids if isinstance(uid, int)}
    if not ids:
        return set()
    role = role_of(actor)
    if role == "admin":
        return ids
    visible = {actor.id} & ids
    if role == "officer" and actor.commune_id:
        stmt = select(User.id).where(User.id.in_(ids), or_(
            User.commune_id == actor.commune_id,
            exists().where(Membership.user_id == User.id, Membership.team_id == Team.id,
                           Team.commune_id == actor.commune_id)))
    else:
        today = local_today()
        led = led_team_ids(actor, today)
        if not led:
            return visible
        stmt = select(Membership.user_id).where(
            Membership.user_id.in_(ids), Membership.team_id.in_(led), active_on(today))
    return visible | set(db.session.scalars(stmt))
