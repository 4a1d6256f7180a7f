"""Members' data rights: the notice at first log-in, "my data" with every table's rows for
that person and none of anyone else's, erasure that keeps past figures, no citizen ID."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from lms.audit import AuditEvent
from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.courses.models import Lesson, LessonProgress, Module, ModuleCompletion
from lms.extensions import db
from lms.privacy import services as privacy
from lms.training.compliance import commune_report
from lms.training.models import Attendance, TrainingSession


@pytest.fixture
def two(make):
    """Two members of one team with a row in every personal table each."""
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    team = make.team(commune, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    officer = make.officer(commune)
    mai = make.member_of(team, "Nguyễn Thị Mai", joined_on=date(2024, 3, 1))
    dung = make.member_of(team, "Trần Văn Dũng", joined_on=date(2024, 3, 1))
    module = Module(slug="vneid", title_vi="VNeID", title_en="VNeID", position=1)
    db.session.add(module)
    db.session.flush()
    lesson = Lesson(module_id=module.id, slug="l1", position=1, title_vi="Bài 1",
                    title_en="Lesson 1", html_vi="x", html_en="x", minutes=5)
    session = TrainingSession(commune_id=commune.id, title="Lớp VNeID 2025",
                              date=date(2025, 5, 10))
    session.teams = [team]
    db.session.add_all([lesson, session])
    db.session.flush()
    for number, person in enumerate((mai, dung), start=1):
        db.session.add_all([
            Attendance(session_id=session.id, user_id=person.id, status="present"),
            LessonProgress(user_id=person.id, lesson_id=lesson.id,
                           read_at=datetime(2025, 5, 1, tzinfo=UTC)),
            ModuleCompletion(user_id=person.id, module_id=module.id,
                             completed_at=datetime(2025, 5, 2, tzinfo=UTC), score=90),
            Certificate(commune_id=commune.id, user_id=person.id, kind="session", year=2025,
                        number=number, serial=f"DT-2025-0000{number}", code=f"CODE{number}",
                        issued_on=date(2025, 5, 10), holder_name=person.full_name,
                        title_vi="Tập huấn", title_en="Training", session_id=session.id),
        ])
    make.commit()
    return {"commune": commune, "team": team, "officer": officer, "mai": mai, "dung": dung,
            "session": session}


def test_first_log_in_shows_the_notice_once(make, client, auth):
    person = make.user("Hà Thị Thu", privacy_version=None)
    make.commit()
    auth.login_as(person)
    response = client.get("/certificates/mine")
    assert "/privacy" in response.headers["Location"]
    assert "91/2025/QH15" in client.get("/privacy").get_data(as_text=True)
    back = client.post("/privacy?next=/certificates/mine")
    assert back.headers["Location"].endswith("/certificates/mine")
    assert client.get("/certificates/mine").status_code == 200
    db.session.refresh(person)
    assert person.privacy_version == privacy.PRIVACY_VERSION and person.privacy_ack_at
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "user.privacy_ack"))


def test_notice_waits_for_the_temporary_password(make, client, auth):
    person = make.user("Hà Thị Thu", privacy_version=None, must_change_password=True)
    make.commit()
    auth.login_as(person)
    assert client.get("/").headers["Location"].endswith("/password")
    client.post("/password", data={"new": "mot-cau-de-nho", "confirm": "mot-cau-de-nho"})
    assert "/privacy" in client.get("/").headers["Location"]


def test_my_data_holds_every_personal_table_and_nobody_else(two, client, auth):
    auth.login_as(two["mai"])
    data = json.loads(client.get("/privacy/my-data.json").get_data(as_text=True))
    assert [row["id"] for row in data["users"]] == [two["mai"].id]
    assert "password_hash" not in data["users"][0]
    for table in privacy.personal_tables():
        expected = {row.id for row in db.session.execute(
            select(table.c.id).where(table.c.user_id == two["mai"].id))} if "id" in table.c else None
        rows = data[table.name]
        assert all(row["user_id"] == two["mai"].id for row in rows), table.name
        if expected is not None:
            assert {row["id"] for row in rows} == expected, table.name
    for name in ("memberships", "attendances", "lesson_progress", "module_completions",
                 "certificates", "user_sessions"):
        assert data[name], name
    assert "Trần Văn Dũng" not in json.dumps(data, ensure_ascii=False)
    workbook = client.get("/privacy/my-data.xlsx")
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(workbook.data)).sheetnames
    assert "users" in sheets and "attendances" in sheets


def test_erasure_keeps_past_figures(two, client, auth, make):
    from lms.org.models import Membership

    # Mai left the team at the end of 2025 (only people who left can be erased).
    mine = db.session.scalar(select(Membership).where(Membership.user_id == two["mai"].id))
    mine.left_on = date(2025, 12, 31)
    make.commit()
    before = commune_report(two["commune"], 2025).as_dict()
    auth.login_as(two["officer"])
    page = client.get(f"/org/people/{two['mai'].id}").get_data(as_text=True)
    assert 'id="erase-person"' in page
    refused = client.post(f"/org/people/{two['mai'].id}/erase", data={"reason": ""})
    assert refused.status_code == 200 and 'id="erase-error"' in refused.get_data(as_text=True)
    done = client.post(f"/org/people/{two['mai'].id}/erase",
                       data={"reason": "Đơn đề nghị ngày 01/12/2026"})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, two["mai"].id)
    assert person.full_name == privacy.ERASED_NAME and not person.active
    assert "+84" not in person.phone and person.password_hash is None
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == person.id))
    assert cert.status == "revoked" and cert.holder_name == privacy.ERASED_NAME
    assert commune_report(two["commune"], 2025).as_dict() == before
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "user.erase"))
    # Nobody logs in as the erased person, and an active member cannot be erased.
    assert client.get(f"/org/people/{two['dung'].id}/erase").status_code == 404


def test_no_citizen_id_anywhere(two, client, auth):
    suspicious = re.compile(r"cccd|cmnd|citizen|national_id|id_number|can_cuoc|dinh_danh")
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            assert not suspicious.search(column.name.lower()), (table.name, column.name)
    twelve_digits = re.compile(r"(?<!\d)\d{12}(?!\d)")
    auth.login_as(two["mai"])
    exported = client.get("/privacy/my-data.json").get_data(as_text=True)
    auth.logout()
    auth.login_as(two["officer"])
    roster = client.get(f"/org/communes/{two['commune'].id}/roster.csv").get_data(as_text=True)
    for text in (exported, roster):
        assert not twelve_digits.search(text)
