"""The annual compliance check, computed with set-based SQL (see docs/compliance.md).

For commune C, year Y and an as-of date D:

- **in scope**: people with a membership in a team of C active on D;
- **trainings**: attendances with status present or late at non-cancelled sessions (of any
  commune) dated from 1/1/Y to min(D, 31/12/Y), plus one if the rule counts the online learning
  path and the person completed every module of it during Y, by the rule's deadline (if set and
  earlier than D) else by D (dates of completion in Vietnam time);
- **compliant**: trainings ≥ the rule's required count;
- **new**: not compliant, and the person's earliest membership among those in C's teams active
  on D started in the last ``grace_days`` days of Y (31/12 is the last day; a person who joined
  after 31/12/Y is new too). New people are shown apart, never as missing;
- **missing**: everyone else in scope.

Each in-scope person has exactly one status (compliant, new or missing) per commune; a person in
two teams of C counts once for the commune and once in each team's row. The number of queries
per report is constant: it does not grow with the number of members, teams or communes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, and_, case, cast, distinct, func, literal, or_, select, true, union_all

from lms.auth.models import User
from lms.courses.models import LearningPath, Module, ModuleCompletion
from lms.extensions import db
from lms.org.models import Commune, Membership, Team
from lms.training.models import COUNTING_STATUSES, Attendance, ComplianceRule, TrainingSession

DEFAULT_PATH_SLUG = "ky-nang-so-co-ban"
DEFAULT_REQUIRED = 1
DEFAULT_GRACE_DAYS = 60


class ComplianceError(ValueError):
    """A report that cannot be computed (``code``: ``unknown_commune`` or ``bad_year``)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class Person:
    """A person listed in a report (missing or new)."""

    user_id: int
    name: str
    phone: str
    trainings: int = 0
    joined_on: date | None = None


@dataclass
class TeamRow:
    """One team's figures; ``missing`` and ``new`` list the people concerned."""

    team_id: int
    team: str
    in_scope: int = 0
    compliant: int = 0
    new: int = 0
    missing: list[Person] = field(default_factory=list)
    new_people: list[Person] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """Compliant people among those who must comply (in scope minus new); None if none."""
        return share(self.compliant, self.in_scope, self.new)


@dataclass
class Report:
    """The annual check of one commune."""

    commune: Commune
    year: int
    as_of: date
    rule: dict
    in_scope: int = 0
    compliant: int = 0
    new: int = 0
    teams: list[TeamRow] = field(default_factory=list)

    @property
    def share(self) -> float | None:
        """Compliant share of the commune (in scope minus new as denominator)."""
        return share(self.compliant, self.in_scope, self.new)

    @property
    def missing_count(self) -> int:
        """People in scope who are neither compliant nor new."""
        return self.in_scope - self.compliant - self.new

    def as_dict(self) -> dict:
        """The JSON form of docs/compliance.md."""
        return {
            "commune": self.commune.code,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "in_scope": self.in_scope,
            "compliant": self.compliant,
            "new": self.new,
            "teams": [
                {
                    "team": row.team,
                    "in_scope": row.in_scope,
                    "compliant": row.compliant,
                    "new": row.new,
                    "missing": [{"name": p.name, "phone": p.phone} for p in row.missing],
                }
                for row in self.teams
            ],
        }


def share(compliant: int, in_scope: int, new: int) -> float | None:
    """``compliant / (in_scope - new)``, or None when nobody has to comply yet."""
    due = in_scope - new
    return compliant / due if due > 0 else None


def default_as_of(year: int, today: date | None = None) -> date:
    """Today for the current (or a future) year, 31/12 for past years."""
    if today is None:
        from lms.timeutil import local_today

        today = local_today()
    return date(year, 12, 31) if year < today.year else today


def effective_rule(commune_id: int, year: int) -> dict:
    """The rule of a commune for a year, with the defaults filled in when none is saved."""
    rule = db.session.scalars(
        select(ComplianceRule).where(
            ComplianceRule.commune_id == commune_id, ComplianceRule.year == year
        )
    ).first()
    return rule_dict(rule)


def rule_dict(rule: ComplianceRule | None) -> dict:
    """A rule as a plain dict (defaults for a missing rule)."""
    if rule is None:
        return {
            "required_count": DEFAULT_REQUIRED,
            "online_path_counts": False,
            "path_slug": DEFAULT_PATH_SLUG,
            "deadline": None,
            "grace_days": DEFAULT_GRACE_DAYS,
            "saved": False,
        }
    return {
        "required_count": rule.required_count if rule.required_count is not None else 1,
        "online_path_counts": bool(rule.online_path_counts),
        "path_slug": rule.path_slug or DEFAULT_PATH_SLUG,
        "deadline": rule.deadline,
        "grace_days": rule.grace_days if rule.grace_days is not None else DEFAULT_GRACE_DAYS,
        "saved": True,
    }


# --- SQL building blocks --------------------------------------------------------------------


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _local_date(column, dialect: str):
    """The Vietnam-time calendar date of a UTC timestamp column."""
    if dialect == "sqlite":
        return func.date(column, "+7 hours")
    return cast(func.timezone("Asia/Ho_Chi_Minh", column), Date)


def _days_until(end: date, column, dialect: str):
    """Whole days from ``column`` (a date) to ``end``."""
    if dialect == "sqlite":
        return func.julianday(literal(end.isoformat())) - func.julianday(column)
    return cast(literal(end.isoformat()), Date) - column


def learning_paths() -> tuple:
    """Every learning path as ``((slug, (module slug, …)), …)`` (hashable: it is part of the
    key of statements built once)."""
    return tuple((slug, tuple(module_slugs or ())) for slug, module_slugs in db.session.execute(
        select(LearningPath.slug, LearningPath.module_slugs).order_by(LearningPath.slug)))


def _path_modules(paths) -> object | None:
    """A derived table ``(path_slug, module_slug, n)`` of every learning path, or None."""
    selects = []
    for slug, module_slugs in paths:
        slugs = sorted(set(module_slugs or []))
        for module_slug in slugs:
            selects.append(
                select(
                    literal(slug).label("path_slug"),
                    literal(module_slug).label("module_slug"),
                    literal(len(slugs)).label("n"),
                )
            )
    if not selects:
        return None
    return union_all(*selects).subquery("pm") if len(selects) > 1 else selects[0].subquery("pm")


def status_tables(
    year: int,
    as_of: date,
    *,
    commune_id: int | None = None,
    province_id: int | None = None,
    user_id=None,
    paths=None,
    dialect: str | None = None,
):
    """The two derived tables every report is built from.

    Returns ``(scope, ps)``: ``scope`` has one row per membership active on ``as_of``
    (commune_id, user_id, team_id, joined_on); ``ps`` one row per person and commune
    (commune_id, user_id, first_joined, trainings, required, status) where status is
    ``compliant``, ``new`` or ``missing``. Runs one query (the learning paths), unless
    ``paths`` (``learning_paths()``) and ``dialect`` are given. ``user_id`` may be a bound
    parameter, for a statement built once and run for many people.
    """
    dialect = dialect or _dialect()
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    window_end = min(as_of, year_end)

    scope_q = (
        select(Team.commune_id, Membership.user_id, Membership.team_id, Membership.joined_on)
        .join(Team, Team.id == Membership.team_id)
        .where(
            Membership.joined_on <= as_of,
            or_(Membership.left_on.is_(None), Membership.left_on > as_of),
        )
    )
    if commune_id is not None:
        scope_q = scope_q.where(Team.commune_id == commune_id)
    if province_id is not None:
        scope_q = scope_q.join(Commune, Commune.id == Team.commune_id).where(
            Commune.province_id == province_id
        )
    if user_id is not None:
        scope_q = scope_q.where(Membership.user_id == user_id)
    scope = scope_q.subquery("scope")
    scoped_users = select(scope.c.user_id)
    limited = commune_id is not None or user_id is not None

    person = (
        select(
            scope.c.commune_id,
            scope.c.user_id,
            func.min(scope.c.joined_on).label("first_joined"),
        )
        .group_by(scope.c.commune_id, scope.c.user_id)
        .subquery("person")
    )

    att_q = (
        select(Attendance.user_id, func.count().label("n"))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(
            Attendance.status.in_(COUNTING_STATUSES),
            TrainingSession.cancelled_at.is_(None),
            TrainingSession.date >= year_start,
            TrainingSession.date <= window_end,
        )
        .group_by(Attendance.user_id)
    )
    if limited or province_id is not None:
        att_q = att_q.where(Attendance.user_id.in_(scoped_users))
    att = att_q.subquery("att")

    rule = select(ComplianceRule).where(ComplianceRule.year == year).subquery("rule")
    required = func.coalesce(rule.c.required_count, DEFAULT_REQUIRED)
    grace = func.coalesce(rule.c.grace_days, DEFAULT_GRACE_DAYS)

    pm = _path_modules(learning_paths() if paths is None else paths)
    path_bonus = literal(0)
    stmt_from = (
        select(person)
        .outerjoin(att, att.c.user_id == person.c.user_id)
        .outerjoin(rule, rule.c.commune_id == person.c.commune_id)
    )
    if pm is not None:
        done_on = func.max(_local_date(ModuleCompletion.completed_at, dialect))
        done_q = (
            select(ModuleCompletion.user_id, pm.c.path_slug, done_on.label("done_on"))
            .join(Module, Module.id == ModuleCompletion.module_id)
            .join(pm, pm.c.module_slug == Module.slug)
            .group_by(ModuleCompletion.user_id, pm.c.path_slug)
            .having(func.count(distinct(Module.id)) == func.max(pm.c.n))
        )
        if limited or province_id is not None:
            done_q = done_q.where(ModuleCompletion.user_id.in_(scoped_users))
        done = done_q.subquery("path_done")
        cutoff = case(
            (and_(rule.c.deadline.is_not(None), rule.c.deadline < as_of), rule.c.deadline),
            else_=literal(as_of, Date),
        )
        stmt_from = stmt_from.outerjoin(
            done,
            and_(
                done.c.user_id == person.c.user_id,
                done.c.path_slug == func.coalesce(rule.c.path_slug, DEFAULT_PATH_SLUG),
                rule.c.online_path_counts == true(),
                done.c.done_on >= literal(year_start, Date),
                done.c.done_on <= cutoff,
            ),
        )
        path_bonus = case((done.c.user_id.is_not(None), 1), else_=0)

    trainings = func.coalesce(att.c.n, 0) + path_bonus
    status = case(
        (trainings >= required, "compliant"),
        (_days_until(year_end, person.c.first_joined, dialect) < grace, "new"),
        else_="missing",
    )
    ps = stmt_from.with_only_columns(
        person.c.commune_id,
        person.c.user_id,
        person.c.first_joined,
        trainings.label("trainings"),
        required.label("required"),
        status.label("status"),
    ).subquery("ps")
    return scope, ps


def status_counts(ps_status):
    """Aggregate columns in_scope, compliant and new over a status column (for GROUP BY)."""
    return (
        func.count().label("in_scope"),
        func.coalesce(func.sum(case((ps_status == "compliant", 1), else_=0)), 0).label(
            "compliant"
        ),
        func.coalesce(func.sum(case((ps_status == "new", 1), else_=0)), 0).label("new"),
    )


# --- reports ------------------------------------------------------------------------------


def commune_by_code(code: str) -> Commune:
    """The commune with this code (case-insensitive) or :class:`ComplianceError`."""
    commune = db.session.scalars(
        select(Commune).where(func.upper(Commune.code) == (code or "").strip().upper())
    ).first()
    if commune is None:
        raise ComplianceError("unknown_commune")
    return commune


def commune_report(commune: Commune, year: int, as_of: date | None = None) -> Report:
    """The annual check of one commune: totals, one row per team, missing and new people.

    Six queries whatever the size of the commune (rule, paths, totals, teams, people).
    """
    if not 2000 <= year <= 2100:
        raise ComplianceError("bad_year")
    as_of = as_of or default_as_of(year)
    report = Report(commune=commune, year=year, as_of=as_of, rule=effective_rule(commune.id, year))
    scope, ps = status_tables(year, as_of, commune_id=commune.id)

    totals = db.session.execute(select(*status_counts(ps.c.status))).one()
    report.in_scope, report.compliant, report.new = (int(v or 0) for v in totals)

    pairs = select(scope.c.user_id, scope.c.team_id).distinct().subquery("pairs")
    team_rows = db.session.execute(
        select(Team.id, Team.name, *status_counts(ps.c.status))
        .select_from(Team)
        .join(pairs, pairs.c.team_id == Team.id)
        .join(ps, ps.c.user_id == pairs.c.user_id)
        .where(Team.commune_id == commune.id)
        .group_by(Team.id, Team.name)
    ).all()
    by_id = {row.id: row for row in team_rows}
    all_teams = db.session.execute(
        select(Team.id, Team.name)
        .where(Team.commune_id == commune.id)
        .order_by(Team.is_commune_level.desc(), Team.name)
    ).all()
    rows = {}
    for team_id, name in all_teams:
        found = by_id.get(team_id)
        rows[team_id] = TeamRow(
            team_id=team_id,
            team=name,
            in_scope=int(found.in_scope) if found else 0,
            compliant=int(found.compliant) if found else 0,
            new=int(found.new) if found else 0,
        )
    people = db.session.execute(
        select(
            pairs.c.team_id,
            User.id,
            User.full_name,
            User.phone,
            ps.c.trainings,
            ps.c.first_joined,
            ps.c.status,
        )
        .select_from(pairs)
        .join(ps, ps.c.user_id == pairs.c.user_id)
        .join(User, User.id == pairs.c.user_id)
        .where(ps.c.status.in_(("missing", "new")))
        .order_by(User.name_folded, User.id)
    ).all()
    for team_id, uid, name, phone, trainings, first_joined, status in people:
        person = Person(uid, name, phone, int(trainings or 0), _as_date(first_joined))
        row = rows.get(team_id)
        if row is not None:
            (row.missing if status == "missing" else row.new_people).append(person)
    report.teams = list(rows.values())
    return report


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
