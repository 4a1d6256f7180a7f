"""Helpers for the training tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from lms.extensions import db
from lms.training.models import Attendance, ComplianceRule, TrainingSession


class Helpers:
    """Small builders for sessions, attendances and rules."""

    @staticmethod
    def session(commune, day: date, teams=None, title="Lớp tập huấn kỹ năng số", **kw):
        obj = TrainingSession(commune_id=commune.id, title=title, date=day,
                              start_time=kw.pop("start_time", time(8, 0)),
                              end_time=kw.pop("end_time", time(11, 0)), **kw)
        obj.teams = list(teams or [])
        db.session.add(obj)
        db.session.flush()
        return obj

    @staticmethod
    def attend(session, person, status="present"):
        obj = Attendance(session_id=session.id, user_id=person.id, status=status)
        db.session.add(obj)
        db.session.flush()
        return obj

    @staticmethod
    def rule(commune, year=2026, **kw):
        obj = ComplianceRule(commune_id=commune.id, year=year, **kw)
        db.session.add(obj)
        db.session.flush()
        return obj

    @staticmethod
    def vn(y, m, d, hh=0, mm=0, ss=0):
        """A Vietnam-time instant as an aware UTC datetime."""
        from lms.timeutil import LOCAL_TZ

        return datetime(y, m, d, hh, mm, ss, tzinfo=LOCAL_TZ).astimezone(UTC)


@pytest.fixture
def h(app):
    return Helpers


CLOCK_MODULES = ("lms.training.views_checkin", "lms.training.checkin", "lms.training.services",
                 "lms.training.closing", "lms.training.reminders",
                 "lms.training.tickets")


@pytest.fixture
def clock(monkeypatch):
    """``clock(instant)`` makes every check-in module see ``instant`` as now."""
    import importlib

    def set_now(instant):
        for name in CLOCK_MODULES:
            module = importlib.import_module(name)
            if hasattr(module, "utcnow"):
                monkeypatch.setattr(module, "utcnow", lambda instant=instant: instant)

    return set_now
