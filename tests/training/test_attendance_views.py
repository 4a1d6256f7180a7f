"""Sessions and attendance screens, import, reminders, the rule screen."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.extensions import db
from lms.timeutil import local_today
from lms.training.models import Attendance, ComplianceRule, TrainingSession


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    t1, t2 = make.team(c, "Tổ 1"), make.team(c, "Tổ 2")
    officer = make.officer(c)
    leader = make.member_of(t1, "Tổ Trưởng Một", role="leader")
    m1 = make.member_of(t1, "Thành Viên Một")
    m2 = make.member_of(t2, "Thành Viên Hai")
    # Today, all day: the attendance is open (it closes 2 hours after the end).
    s = h.session(c, local_today(), [t1, t2],
                  start_time=time(0, 0), end_time=time(23, 59))
    db.session.commit()
    return dict(c=c, t1=t1, t2=t2, officer=officer, leader=leader, m1=m1, m2=m2, s=s)


def test_officer_creates_session_inviting_all_teams_and_other_commune(w, make, client, auth):
    other = make.commune(code="TQ")
    make.team(other, "Bản 1")
    db.session.commit()
    auth.login_as(w["officer"])
    resp = client.post("/training/sessions/new", data={
        "title": "Lớp Zalo", "date": "15/12/2026", "start_time": "08:00", "end_time": "10:00",
        "mode": "in_person", "place": "Nhà văn hóa", "extra_communes": "tq",
        "late_grace_minutes": "15"})
    assert resp.status_code == 302
    s = db.session.scalars(select(TrainingSession).where(TrainingSession.title == "Lớp Zalo")).one()
    assert len(s.teams) == 3
    bad = client.post("/training/sessions/new", data={
        "title": "X", "date": "15/12/2026", "mode": "in_person", "extra_communes": "ZZ"})
    assert bad.status_code == 200


def test_mark_one_tap_audited(w, client, auth):
    auth.login_as(w["officer"])
    page = client.get(f"/training/sessions/{w['s'].id}/attendance")
    html = page.get_data(as_text=True)
    assert f'id="mark-{w["m1"].id}-present"' in html and "Thành Viên Hai" in html
    resp = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m1'].id}",
                       data={"status": "late"})
    assert resp.status_code == 302
    resp = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m1'].id}",
                       data={"status": "present"}, headers={"Accept": "application/json"})
    assert resp.get_json()["ok"] is True
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.before and e.before["status"], e.after["status"]) for e in events] == [
        (None, "late"), ("late", "present")]
    assert events[0].actor_id == w["officer"].id
    bad = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m1'].id}",
                      data={"status": "maybe"})
    assert bad.status_code == 400  # a forged status: nothing changes
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 2


def test_past_session_unmarked_shows_absent_and_closes_by_itself(w, h, client, auth):
    past = h.session(w["c"], date(2026, 3, 10), [w["t1"], w["t2"]])
    db.session.commit()
    auth.login_as(w["officer"])
    html = client.get(f"/training/sessions/{past.id}/attendance").get_data(as_text=True)
    assert 'data-status="absent"' in html and 'id="attendance-closed"' in html
    assert db.session.get(TrainingSession, past.id).attendance_closed_at is not None


def test_leader_marks_own_team_only(w, client, auth):
    auth.login_as(w["leader"])
    page = client.get(f"/training/sessions/{w['s'].id}/attendance").get_data(as_text=True)
    assert "Thành Viên Một" in page and "Thành Viên Hai" not in page
    ok = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m1'].id}",
                     data={"status": "present"})
    assert ok.status_code == 302
    att = db.session.scalars(select(Attendance)).one()
    assert att.method == "on_behalf" and att.marked_by_id == w["leader"].id
    denied = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m2'].id}",
                         data={"status": "present"})
    assert denied.status_code == 404


def test_all_present(w, client, auth):
    auth.login_as(w["officer"])
    client.post(f"/training/sessions/{w['s'].id}/attendance/all-present")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 3


def test_member_cannot_mark_or_see_other_commune_session(w, make, h, client, auth):
    other = make.commune(code="TQ")
    foreign = h.session(other, date(2026, 3, 1), [make.team(other)])
    db.session.commit()
    auth.login_as(w["m1"])
    assert client.get(f"/training/sessions/{w['s'].id}/attendance").status_code == 404
    assert client.get(f"/training/sessions/{foreign.id}").status_code == 404
    assert client.get(f"/training/sessions/{w['s'].id}").status_code == 200


def test_cancel_needs_reason(w, client, auth):
    auth.login_as(w["officer"])
    client.post(f"/training/sessions/{w['s'].id}/cancel", data={"reason": ""})
    assert db.session.get(TrainingSession, w["s"].id).cancelled_at is None
    client.post(f"/training/sessions/{w['s'].id}/cancel", data={"reason": "Mưa bão"})
    db.session.expire_all()
    assert db.session.get(TrainingSession, w["s"].id).cancel_reason == "Mưa bão"


def test_dashboard_sort_and_reminders(w, h, client, auth):
    h.attend(w["s"], w["m1"])
    db.session.commit()
    auth.login_as(w["officer"])
    html = client.get("/compliance?year=2026&sort=share").get_data(as_text=True)
    assert html.index(f'id="team-{w["t2"].id}"') < html.index(f'id="team-{w["t1"].id}"')
    html = client.get("/compliance?year=2026&sort=-share").get_data(as_text=True)
    assert html.index(f'id="team-{w["t1"].id}"') < html.index(f'id="team-{w["t2"].id}"')
    rem = client.get(f"/compliance/reminders?team={w['t2'].id}&year=2026").get_data(as_text=True)
    assert "Thành Viên Hai" in rem and "zalo-text" in rem
    csv_body = client.get("/compliance/reminders.csv?year=2026").get_data(as_text=True)
    assert csv_body.lstrip("\ufeff").startswith("phone,name,message")
    assert "Tổ Trưởng Một" in csv_body


def test_leader_sees_own_team_only(w, client, auth):
    auth.login_as(w["leader"])
    resp = client.get("/compliance?year=2026")
    assert resp.status_code == 302 and f"/compliance/teams/{w['t1'].id}" in resp.headers["Location"]
    assert client.get(f"/compliance/teams/{w['t2'].id}").status_code == 404


def test_rule_screen(w, client, auth):
    auth.login_as(w["officer"])
    client.post("/compliance/rule?year=2026", data={
        "required_count": "2", "online_path_counts": "y", "path_slug": "",
        "deadline": "30/06/2026", "grace_days": "30"})
    rule = db.session.scalars(select(ComplianceRule)).one()
    assert (rule.required_count, rule.online_path_counts, rule.path_slug, rule.deadline,
            rule.grace_days) == (2, True, "ky-nang-so-co-ban", date(2026, 6, 30), 30)


def test_member_home_shows_status(w, h, client, auth):
    from lms.timeutil import local_today

    auth.login_as(w["m1"])
    year = local_today().year
    html = client.get("/").get_data(as_text=True)
    assert 'id="training-missing"' in html
    s = h.session(w["c"], date(year, 1, 2), [w["t1"]])
    h.attend(s, w["m1"])
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'id="training-compliant"' in html
    assert time  # noqa


def test_pages_render(w, client, auth):
    auth.login_as(w["officer"])
    for url in ("/", "/training/sessions", "/training/sessions/new",
                f"/training/sessions/{w['s'].id}", f"/training/sessions/{w['s'].id}/edit",
                f"/training/sessions/{w['s'].id}/cancel", "/compliance/rule?year=2026",
                "/training/import", "/compliance?year=2026", "/compliance/reminders?year=2026",
                f"/training/sessions/{w['s'].id}/qr"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert "<script>" not in resp.get_data(as_text=True)
