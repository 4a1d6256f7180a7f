"""Training sessions and attendance: the domain rules (no request, no templates).

Errors are :class:`TrainingError` with a ``code``; views translate codes into messages
(``lms.training.messages``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, select

from lms import audit
from lms.auth.models import User
from lms.auth.permissions import active_on
from lms.extensions import db
from lms.models_base import utcnow
from lms.org.models import Commune, Membership, Team
from lms.signals import attendance_recorded
from lms.timeutil import LOCAL_TZ, as_utc, local_today
from lms.training import events
from lms.training.access import (  # noqa: F401 (re-exported: views and tests use svc.…)
    MAX_ID,
    _active_team_ids_stmt,
    can_manage,
    can_mark,
    markable_ids,
    phone_visible_ids,
    session_condition,
)
from lms.training.models import (
    COUNTING_STATUSES,
    MODES,
    STATUSES,
    Attendance,
    AttendanceBatch,
    TrainingSession,
    session_teams,
)

CHECKIN_BEFORE = timedelta(minutes=30)
# Statuses that say what happened at the session: recorded once its check-in window opened.
ON_THE_DAY = ("present", "late", "absent")
# The only ways a person records their own attendance.
SELF_METHODS = ("qr", "code")


class TrainingError(ValueError):
    """A rule refused the action; ``code`` names which (see lms.training.messages)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# --- time ----------------------------------------------------------------------------------


def local_start(session: TrainingSession) -> datetime:
    """Start of the session as an aware Vietnam-time datetime (00:00 without a start time)."""
    return datetime.combine(session.date, session.start_time or time(0, 0), LOCAL_TZ)


def local_end(session: TrainingSession) -> datetime:
    """End of the session in Vietnam time (end of the day without an end time)."""
    if session.end_time:
        return datetime.combine(session.date, session.end_time, LOCAL_TZ)
    return datetime.combine(session.date, time(23, 59, 59), LOCAL_TZ)


def checkin_window(session: TrainingSession) -> tuple[datetime, datetime]:
    """QR check-in is open from 30 minutes before the start to the end time."""
    return local_start(session) - CHECKIN_BEFORE, local_end(session)


def is_over(session: TrainingSession, now: datetime | None = None) -> bool:
    """Whether the session has ended (unmarked people then count as absent)."""
    return (now or utcnow()) > local_end(session)


def is_open_for_marks(session: TrainingSession, now: datetime | None = None) -> bool:
    """Whether present, late and absent may be recorded: once the check-in window opened."""
    return (now or utcnow()) >= checkin_window(session)[0]


# --- scoping -------------------------------------------------------------------------------


# --- sessions ------------------------------------------------------------------------------


@dataclass
class SessionData:
    """What a session form holds (plain data)."""

    title: str
    date: date
    start_time: time | None = None
    end_time: time | None = None
    mode: str = "in_person"
    place: str | None = None
    meeting_link: str | None = None
    trainer: str | None = None
    capacity: int | None = None
    issues_certificates: bool = False
    late_grace_minutes: int = 15


def _check(data: SessionData) -> None:
    if not (data.title or "").strip():
        raise TrainingError("title_required")
    if data.mode not in MODES:
        raise TrainingError("bad_mode")
    if data.start_time and data.end_time and data.end_time <= data.start_time:
        raise TrainingError("end_before_start")
    if data.capacity is not None and data.capacity < 1:
        raise TrainingError("bad_capacity")
    if data.meeting_link and not data.meeting_link.startswith(("https://", "http://")):
        raise TrainingError("bad_link")


def resolve_teams(commune: Commune, team_ids: list[int] | None, extra_codes: str = "") -> list[Team]:
    """Invited teams: the chosen teams of the commune (all of them when none is chosen) plus
    every team of the communes listed by code in ``extra_codes`` (comma separated)."""
    stmt = select(Team).where(Team.commune_id == commune.id)
    if team_ids:
        stmt = stmt.where(Team.id.in_(team_ids))
    teams = list(db.session.scalars(stmt))
    codes = [c.strip().upper() for c in (extra_codes or "").replace(";", ",").split(",") if c.strip()]
    if codes:
        found = dict(db.session.execute(
            select(Commune.code, Commune.id).where(Commune.code.in_(codes))).all())
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise TrainingError("unknown_commune", codes=", ".join(unknown))
        teams += list(db.session.scalars(select(Team).where(Team.commune_id.in_(found.values()))))
    return list({t.id: t for t in teams}.values())


AUDITED_SESSION_FIELDS = (
    "title", "date", "start_time", "end_time", "mode", "place", "meeting_link", "trainer",
    "capacity", "issues_certificates", "late_grace_minutes", "imported",
)


def session_state(session: TrainingSession) -> dict:
    """What the audit log keeps of a session: its fields, invited teams and modules (ids)."""
    state = {name: getattr(session, name) for name in AUDITED_SESSION_FIELDS}
    for name in ("start_time", "end_time"):
        state[name] = state[name].strftime("%H:%M") if state[name] else None
    state["team_ids"] = sorted(t.id for t in session.teams)
    state["module_ids"] = sorted(m.id for m in session.modules)
    return audit_plain(state)


def audit_plain(state: dict) -> dict:
    """``state`` with dates as ISO strings (as the audit log stores them)."""
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in state.items()}


def state_changes(before: dict | None, after: dict) -> tuple[dict | None, dict]:
    """``(before, after)`` reduced to the keys that changed; a creation keeps what is set."""
    if before is None:
        return None, {k: v for k, v in after.items() if v not in (None, "", [], False)}
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def audit_session(actor, session: TrainingSession, before: dict | None) -> None:
    """Audit a created (``before`` None) or edited session; an edit changing nothing is not
    recorded. ``before`` is :func:`session_state` taken before the change."""
    old, new = state_changes(before, session_state(session))
    if before is not None and not new:
        return
    audit.record("session.create" if before is None else "session.update", "training_session",
                 session.id, actor_id=actor.id if actor is not None else None,
                 commune_id=session.commune_id, before=old, after=new)


def save_session(actor, commune: Commune, data: SessionData, teams: list[Team],
                 session: TrainingSession | None = None, modules=None) -> TrainingSession:
    """Create (or update) a session with its invited teams and modules covered (audited as
    ``session.create`` or ``session.update``, before → after)."""
    _check(data)
    before = session_state(session) if session is not None else None
    if session is None:
        session = TrainingSession(commune_id=commune.id, created_by_id=actor.id if actor else None)
        db.session.add(session)
    for name, value in vars(data).items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.title = " ".join(session.title.split())
    session.teams = teams
    if modules is not None:
        session.modules = list(modules)
    db.session.flush()
    audit_session(actor, session, before)
    return session


def cancel_session(actor, session: TrainingSession, reason: str) -> None:
    """Cancel a session (with a reason); its attendances no longer count (audited)."""
    if session.cancelled_at is not None:
        return
    if not (reason or "").strip():
        raise TrainingError("reason_required")
    session.cancelled_at = utcnow()
    session.cancel_reason = reason.strip()
    audit.record("session.cancel", "training_session", session.id,
                 actor_id=actor.id if actor is not None else None,
                 commune_id=session.commune_id, before=None, after={"reason": reason.strip()})
    db.session.flush()


def upcoming_for(user: User, today: date | None = None, limit: int = 5) -> list[TrainingSession]:
    """Sessions from today on, not cancelled, inviting one of the user's current teams."""
    today = today or local_today()
    teams = _active_team_ids_stmt(user.id, today)
    return list(db.session.scalars(
        select(TrainingSession)
        .where(
            TrainingSession.date >= today,
            TrainingSession.cancelled_at.is_(None),
            exists().where(session_teams.c.session_id == TrainingSession.id,
                           session_teams.c.team_id.in_(teams)),
        )
        .order_by(TrainingSession.date, TrainingSession.start_time)
        .limit(limit)
    ))


# --- roster and attendance -----------------------------------------------------------------


@dataclass
class RosterRow:
    """One person on a session's roster with their status (None = not marked yet)."""

    user_id: int
    name: str
    phone: str
    teams: str
    status: str | None
    method: str | None
    invited: bool = True


def roster(session: TrainingSession, now: datetime | None = None,
           team_ids: set[int] | None = None) -> list[RosterRow]:
    """Members of the invited teams active on the session date, plus anyone else with an
    attendance row (a neighbour who came). After the session, unmarked people show as absent.
    ``team_ids`` limits the list to those teams (a leader's view). Three queries."""
    invited = select(session_teams.c.team_id).where(session_teams.c.session_id == session.id)
    stmt = (
        select(User.id, User.full_name, User.phone, User.name_folded, Team.name)
        .join(Membership, Membership.user_id == User.id)
        .join(Team, Team.id == Membership.team_id)
        .where(Membership.team_id.in_(invited), active_on(session.date))
    )
    if team_ids is not None:
        stmt = stmt.where(Membership.team_id.in_(team_ids))
    people: dict[int, dict] = {}
    for uid, name, phone, folded, team in db.session.execute(stmt):
        row = people.setdefault(uid, {"name": name, "phone": phone, "folded": folded, "teams": []})
        row["teams"].append(team)
    marks = {
        a.user_id: a for a in db.session.scalars(
            select(Attendance).where(Attendance.session_id == session.id))
    }
    extra = [uid for uid in marks if uid not in people]
    if extra and team_ids is None:
        for uid, name, phone, folded in db.session.execute(
                select(User.id, User.full_name, User.phone, User.name_folded)
                .where(User.id.in_(extra))):
            people[uid] = {"name": name, "phone": phone, "folded": folded, "teams": [],
                           "invited": False}
    over = is_over(session, now)
    rows = []
    for uid, p in sorted(people.items(), key=lambda kv: (kv[1]["folded"], kv[0])):
        mark = marks.get(uid)
        status = mark.status if mark else ("absent" if over else None)
        rows.append(RosterRow(uid, p["name"], p["phone"], ", ".join(sorted(p["teams"])), status,
                              mark.method if mark else None, p.get("invited", True)))
    return rows


def roster_counts(rows: list[RosterRow]) -> dict:
    """Counts per status (``None`` = not marked)."""
    counts = {status: 0 for status in (*STATUSES, None)}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


_NOT_LOOKED_UP = object()


def set_status(actor, session: TrainingSession, user_id: int, status: str,
               method: str = "manual", check_permission: bool = True,
               now: datetime | None = None, reason: str | None = None,
               existing=_NOT_LOOKED_UP) -> Attendance:
    """Record one person's status (audited; a repeated identical mark changes nothing).

    Refused with a :class:`TrainingError`: ``bad_status``; ``cancelled``; ``own_attendance``
    (nobody marks themself except by check-in, methods ``qr`` and ``code``); ``not_allowed``
    (see :func:`can_mark`); ``not_open`` (present, late and absent only once the check-in
    window opened, 30 minutes before the start; excused may be recorded ahead).

    Once the attendance is closed: check-in is refused (``attendance_closed``), only officers
    of the organising commune and admins change a status (``closed_officer_only``), with a
    ``reason`` (``change_reason_required``; an import gives its own). The change is audited
    with the reason and ``closed_attendance_changed`` is sent (certificates follow it).
    Sends ``attendance_recorded`` when the status becomes present or late. A caller that has
    just read the person's attendance row (or found none) passes it as ``existing``.
    """
    if status not in STATUSES:
        raise TrainingError("bad_status")
    if session.cancelled_at is not None:
        raise TrainingError("cancelled")
    if actor is not None and actor.id == user_id and method not in SELF_METHODS:
        raise TrainingError("own_attendance")
    if check_permission and actor is not None and not can_mark(actor, session, user_id):
        raise TrainingError("not_allowed")
    if status in ON_THE_DAY and not is_open_for_marks(session, now):
        raise TrainingError("not_open", opens=checkin_window(session)[0])
    closed = session.attendance_closed_at is not None
    reason = " ".join((reason or "").split()) or None
    if closed:
        if method in SELF_METHODS:
            raise TrainingError("attendance_closed")
        if actor is not None and not can_manage(actor, session):
            raise TrainingError("closed_officer_only")
        if method == "import":
            reason = reason or "import"
        if not reason:
            raise TrainingError("change_reason_required")
    att = existing if existing is not _NOT_LOOKED_UP else db.session.scalars(
        select(Attendance).where(Attendance.session_id == session.id,
                                 Attendance.user_id == user_id)).first()
    before = {"status": att.status, "method": att.method} if att else None
    if att is not None and att.status == status:
        return att
    if att is None:
        att = Attendance(session_id=session.id, user_id=user_id)
        db.session.add(att)
    att.status = status
    att.method = method
    att.marked_by_id = actor.id if actor is not None else None
    att.marked_at = utcnow()
    db.session.flush()
    after = {"status": status, "method": method, "user_id": user_id, "session_id": session.id}
    if closed:
        after["reason"] = reason
    audit.record("attendance.mark", "attendance", att.id,
                 actor_id=actor.id if actor is not None else None,
                 commune_id=session.commune_id, before=before, after=after)
    if closed:
        events.closed_attendance_changed.send(
            None, attendance_id=att.id, before=before["status"] if before else None,
            after=status, reason=reason, actor_id=actor.id if actor is not None else None)
    if status in COUNTING_STATUSES:
        attendance_recorded.send(None, attendance_id=att.id,
                                 actor_id=actor.id if actor is not None else None)
    return att


def mark_all_present(actor, session: TrainingSession, team_ids: set[int] | None = None,
                     now: datetime | None = None) -> int:
    """Mark every unmarked person of the roster the actor may mark as present (refused with
    ``not_open`` before the check-in window opens, ``attendance_closed`` once closed).

    What it changed is kept as an :class:`AttendanceBatch` (see
    :func:`lms.training.closing.undo_batch`); returns how many people were marked.
    """
    batch = mark_all_present_batch(actor, session, team_ids, now)
    return len(batch.items) if batch is not None else 0


def mark_all_present_batch(actor, session: TrainingSession, team_ids: set[int] | None = None,
                           now: datetime | None = None) -> AttendanceBatch | None:
    """:func:`mark_all_present`, returning the batch (None when nobody was marked)."""
    if session.cancelled_at is not None:
        raise TrainingError("cancelled")
    if session.attendance_closed_at is not None:
        raise TrainingError("attendance_closed")
    if not is_open_for_marks(session, now):
        raise TrainingError("not_open", opens=checkin_window(session)[0])
    rows = [row for row in roster(session, now=local_start(session), team_ids=team_ids)
            if row.status is None]
    allowed = markable_ids(actor, session, [row.user_id for row in rows])
    items = []
    for row in rows:
        if row.user_id in allowed:
            set_status(actor, session, row.user_id, "present", check_permission=False, now=now)
            items.append({"user_id": row.user_id, "before": None, "before_method": None,
                          "after": "present"})
    if not items:
        return None
    batch = AttendanceBatch(session_id=session.id, actor_id=actor.id if actor else None,
                            items=items)
    db.session.add(batch)
    db.session.flush()
    return batch


def has_active_membership(user_id: int, day: date) -> bool:
    """Whether the person is in any team on ``day``."""
    return bool(db.session.scalar(select(exists().where(
        Membership.user_id == user_id, active_on(day)))))


def session_history(user_id: int, year: int) -> list[tuple[TrainingSession, Attendance]]:
    """A person's attendances at sessions of a year, newest first."""
    return list(db.session.execute(
        select(TrainingSession, Attendance)
        .join(Attendance, and_(Attendance.session_id == TrainingSession.id,
                               Attendance.user_id == user_id))
        .where(TrainingSession.date >= date(year, 1, 1), TrainingSession.date <= date(year, 12, 31))
        .order_by(TrainingSession.date.desc())
    ).tuples())


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime (for SQLite values read back naive)."""
    return as_utc(value)
