"""Fixtures of the certificates tests: two communes, a member, an officer, a module and an
issuing training session."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from lms.courses.models import Lesson, LessonProgress, Module
from lms.extensions import db
from lms.org.models import Team
from lms.training.models import TrainingSession


def make_module(slug: str = "lua-dao", title_vi: str = "Nhận diện lừa đảo trực tuyến",
                title_en: str = "Spotting online scams", minutes: int = 90) -> Module:
    """A module with one lesson and no quiz (completed by reading the lesson)."""
    module = Module(slug=slug, title_vi=title_vi, title_en=title_en, minutes=minutes)
    db.session.add(module)
    db.session.flush()
    db.session.add(Lesson(module_id=module.id, slug="bai-1", title_vi="Bài 1", title_en="Lesson 1"))
    db.session.flush()
    return module


def complete_module(user, module: Module):
    """Read every lesson and let the courses service record the completion (sends the signal)."""
    from sqlalchemy import select

    from lms.courses.services import check_module_completion

    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id)))
    for lesson in module.lessons:
        if lesson.id not in done:
            db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id))
    db.session.flush()
    completion = check_module_completion(user.id, module.id)
    db.session.commit()
    return completion


def make_session(commune, issues: bool = True, title: str = "Lớp tập huấn kỹ năng số 2026",
                 day: date = date(2026, 4, 10)) -> TrainingSession:
    """A training session of ``commune``."""
    session = TrainingSession(commune_id=commune.id, title=title, date=day,
                              start_time=time(8, 0), end_time=time(11, 0),
                              issues_certificates=issues)
    # Every team of the commune is invited (only invited people can be marked).
    session.teams = list(db.session.scalars(select(Team).where(Team.commune_id == commune.id)))
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def world(make):
    """Commune DT (member, officer, a second team) and commune TQ (member, officer)."""
    dt = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên",
                      signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", signer_name="Nguyễn Văn Hùng")
    tq = make.commune(code="TQ", name="Xã Tam Quang", place_name="Tam Quang")
    team = make.team(dt, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    team2 = make.team(dt, name="Tổ CNSCĐ tổ dân phố Bắc Sơn")
    team_tq = make.team(tq, name="Tổ CNSCĐ bản Nà Ớt")
    member = make.member_of(team, "Nguyễn Thị Mai")
    member.birth_year = 1996
    member2 = make.member_of(team2, "Trần Văn Bảo")
    member_tq = make.member_of(team_tq, "Lò Thị Ánh")
    module = make_module()
    world = {
        "dt": dt, "tq": tq, "team": team, "team2": team2, "team_tq": team_tq,
        "member": member, "member2": member2, "member_tq": member_tq, "module": module,
        "officer": make.officer(dt), "officer_tq": make.officer(tq, "Lường Văn Cán"),
        "no_team": make.user("Phạm Văn Lẻ"),
    }
    make.commit()
    return world
