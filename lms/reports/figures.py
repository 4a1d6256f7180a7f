"""Periods and the figures of a periodic report, for one commune or every commune of a province.

Every figure is a GROUP BY commune query over the communes concerned, so a province's report
costs the same number of queries as a commune's.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, or_, select

from lms.certificates.models import Certificate
from lms.courses.models import ModuleCompletion
from lms.extensions import db
from lms.org.models import Membership, Team
from lms.quizzes.models import Attempt
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession
from lms.training.summaries import commune_summaries

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$")


class PeriodError(ValueError):
    """A period that is not ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``."""


@dataclass(frozen=True)
class Period:
    """A reporting period: ``kind`` month, quarter or year; ``key`` as stored (``2026-Q4``)."""

    key: str
    kind: str
    year: int
    number: int  # month 1–12, quarter 1–4, or 0 for the year
    start: date
    end: date

    @property
    def label_vi(self) -> str:
        """``tháng 11 năm 2026``, ``quý IV năm 2026``, ``năm 2026`` (documents are Vietnamese)."""
        if self.kind == "month":
            return f"tháng {self.number} năm {self.year}"
        if self.kind == "quarter":
            return f"quý {ROMAN[self.number]} năm {self.year}"
        return f"năm {self.year}"


def parse_period(text: str) -> Period:
    """``2026``, ``2026-Q4`` or ``2026-11`` as a :class:`Period`."""
    match = _PERIOD.match((text or "").strip().upper())
    if not match:
        raise PeriodError(text)
    year, part = int(match.group(1)), match.group(2)
    if not 2000 <= year <= 2100:
        raise PeriodError(text)
    if part is None:
        return Period(str(year), "year", year, 0, date(year, 1, 1), date(year, 12, 31))
    if part.startswith("Q"):
        q = int(part[1])
        first = 3 * q - 2
        end = date(year, first + 2, calendar.monthrange(year, first + 2)[1])
        return Period(f"{year}-Q{q}", "quarter", year, q, date(year, first, 1), end)
    month = int(part)
    end = date(year, month, calendar.monthrange(year, month)[1])
    return Period(f"{year}-{month:02d}", "month", year, month, date(year, month, 1), end)


def due_date(period: Period, month_day: int | None = None,
             quarter_day: int | None = None) -> date:
    """When the report is due: a month's by ``month_day`` (default 10) of the following month;
    a quarter's by ``quarter_day`` (default 20) of its last month; a year's by ``quarter_day``
    of December."""
    if period.kind == "month":
        nxt = period.end + timedelta(days=1)
        day = min(month_day or 10, calendar.monthrange(nxt.year, nxt.month)[1])
        return date(nxt.year, nxt.month, day)
    last = period.end
    return date(last.year, last.month, min(quarter_day or 20, last.day))


@dataclass
class Figures:
    """A commune's (or a province's, summed) figures for a period."""

    teams: int = 0
    members: int = 0  # active at the end of the period
    joined: int = 0
    left: int = 0
    sessions: int = 0
    sessions_in_person: int = 0
    sessions_online: int = 0  # online and hybrid
    participants: int = 0
    marked: int = 0  # attendance rows at the period's sessions
    attended: int = 0  # present or late among them
    trained: int = 0  # members who attended a session (of any commune) in the period
    modules_completed: int = 0
    quiz_attempts: int = 0
    quiz_passed: int = 0
    certificates: int = 0
    in_scope: int = 0  # annual check, so far this year
    compliant: int = 0
    new: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def attendance_rate(self) -> float | None:
        """Present or late among the attendances marked at the period's sessions."""
        return self.attended / self.marked if self.marked else None

    @property
    def pass_rate(self) -> float | None:
        """Passed quiz attempts among those submitted in the period."""
        return self.quiz_passed / self.quiz_attempts if self.quiz_attempts else None

    @property
    def share(self) -> float | None:
        """Compliant share of the annual check (in scope minus new as denominator)."""
        due = self.in_scope - self.new
        return self.compliant / due if due > 0 else None

    def add(self, other: Figures) -> None:
        """Add another commune's counts to these."""
        for name in self.__dataclass_fields__:
            if name != "extra":
                setattr(self, name, getattr(self, name) + getattr(other, name))


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period in UTC, from 00:00 Vietnam time on the first day to 00:00 after the last."""
    offset = timedelta(hours=7)
    start = datetime.combine(period.start, time(), UTC) - offset
    end = datetime.combine(period.end + timedelta(days=1), time(), UTC) - offset
    return start, end


def _grouped(stmt) -> dict[int, tuple]:
    return {row[0]: tuple(row[1:]) for row in db.session.execute(stmt)}


def period_figures(commune_ids, period: Period, as_of: date | None = None,
                   province_id: int | None = None) -> dict[int, Figures]:
    """Figures of each commune in ``commune_ids`` (a list or a select of ids) for ``period``.

    ``as_of`` (default: the period's end, or today if earlier) is the date of the annual check.
    A constant number of queries whatever the number of communes.
    """
    from lms.timeutil import local_today

    as_of = as_of or min(period.end, max(local_today(), period.start))
    ids = list(commune_ids) if isinstance(commune_ids, (list, tuple, set)) else list(
        db.session.scalars(commune_ids))
    out = {cid: Figures() for cid in ids}
    if not ids:
        return out
    start, end = period.start, period.end
    t_start, t_end = _utc_bounds(period)
    member_pairs = (
        select(Team.commune_id.label("commune_id"), Membership.user_id.label("user_id"))
        .join(Team, Team.id == Membership.team_id)
        .where(Team.commune_id.in_(ids), Membership.joined_on <= end,
               or_(Membership.left_on.is_(None), Membership.left_on > start))
        .distinct().subquery("mp")
    )

    def put(rows: dict, *names):
        for cid, values in rows.items():
            for name, value in zip(names, values, strict=True):
                setattr(out[cid], name, int(value or 0))

    put(_grouped(select(Team.commune_id, func.count()).where(Team.commune_id.in_(ids))
                 .group_by(Team.commune_id)), "teams")
    put(_grouped(
        select(Team.commune_id,
               func.count(distinct(case((and_(Membership.joined_on <= end, or_(
                   Membership.left_on.is_(None), Membership.left_on > end)),
                   Membership.user_id)))),
               func.sum(case((Membership.joined_on.between(start, end), 1), else_=0)),
               func.sum(case((Membership.left_on.between(start, end), 1), else_=0)))
        .join(Team, Team.id == Membership.team_id).where(Team.commune_id.in_(ids))
        .group_by(Team.commune_id)), "members", "joined", "left")
    held = and_(TrainingSession.commune_id.in_(ids), TrainingSession.cancelled_at.is_(None),
                TrainingSession.date.between(start, end))
    put(_grouped(
        select(TrainingSession.commune_id, func.count(),
               func.sum(case((TrainingSession.mode == "in_person", 1), else_=0)))
        .where(held).group_by(TrainingSession.commune_id)), "sessions", "sessions_in_person")
    for fig in out.values():
        fig.sessions_online = fig.sessions - fig.sessions_in_person
    counting = Attendance.status.in_(COUNTING_STATUSES)
    put(_grouped(
        select(TrainingSession.commune_id, func.count(),
               func.sum(case((counting, 1), else_=0)),
               func.count(distinct(case((counting, Attendance.user_id)))))
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(held).group_by(TrainingSession.commune_id)), "marked", "attended", "participants")
    put(_grouped(
        select(member_pairs.c.commune_id, func.count(distinct(member_pairs.c.user_id)))
        .join(Attendance, Attendance.user_id == member_pairs.c.user_id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(counting, TrainingSession.cancelled_at.is_(None),
               TrainingSession.date.between(start, end))
        .group_by(member_pairs.c.commune_id)), "trained")
    put(_grouped(
        select(member_pairs.c.commune_id, func.count())
        .join(ModuleCompletion, ModuleCompletion.user_id == member_pairs.c.user_id)
        .where(ModuleCompletion.completed_at >= t_start, ModuleCompletion.completed_at < t_end)
        .group_by(member_pairs.c.commune_id)), "modules_completed")
    put(_grouped(
        select(member_pairs.c.commune_id, func.count(),
               func.sum(case((Attempt.passed.is_(True), 1), else_=0)))
        .join(Attempt, Attempt.user_id == member_pairs.c.user_id)
        .where(Attempt.submitted_at >= t_start, Attempt.submitted_at < t_end)
        .group_by(member_pairs.c.commune_id)), "quiz_attempts", "quiz_passed")
    put(_grouped(
        select(Certificate.commune_id, func.count())
        .where(Certificate.commune_id.in_(ids), Certificate.issued_on.between(start, end))
        .group_by(Certificate.commune_id)), "certificates")
    wanted = set(ids)
    for row in commune_summaries(period.year, as_of, province_id=province_id):
        if row["commune_id"] in wanted:
            fig = out[row["commune_id"]]
            fig.in_scope, fig.compliant, fig.new = row["in_scope"], row["compliant"], row["new"]
    return out


def total(figures: dict[int, Figures]) -> Figures:
    """The sum of several communes' figures."""
    out = Figures()
    for fig in figures.values():
        out.add(fig)
    return out
