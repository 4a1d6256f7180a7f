"""Every change to an official figure is traced: session create/edit/cancel and rule changes
are in the audit log (before → after, on the commune's audit page, translated)."""

from datetime import date

import pytest
from sqlalchemy import select

from lms.audit import AuditEvent
from lms.extensions import db
from lms.training import compliance
from lms.training.models import ComplianceRule, TrainingSession


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    t1, t2 = make.team(c, "Tổ Một"), make.team(c, "Tổ Hai")
    officer = make.officer(c, full_name="Lê Thị Thu Hà")
    officer.locale = "en"
    people = [make.member_of(t1, f"Thành Viên {i}") for i in range(3)]
    s = h.session(c, date(2026, 3, 10), [t1, t2], title="Lớp kỹ năng số", place="Nhà văn hóa")
    for person in people:
        h.attend(s, person)
    db.session.commit()
    return dict(c=c, t1=t1, t2=t2, officer=officer, people=people, s=s)


def _form(**changes):
    data = {"title": "Lớp kỹ năng số", "date": "10/03/2026", "start_time": "08:00",
            "end_time": "11:00", "mode": "in_person", "place": "Nhà văn hóa",
            "late_grace_minutes": "15", "teams": []}
    data.update(changes)
    return data


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


def _compliant(c):
    return compliance.commune_report(c, 2026, date(2026, 11, 24)).compliant


def test_date_change_that_moves_the_figure_is_on_the_audit_page(w, client, auth):
    assert _compliant(w["c"]) == 3
    auth.login_as(w["officer"])
    sid = w["s"].id
    resp = client.post(f"/training/sessions/{sid}/edit", data=_form(
        date="10/03/2025", teams=[w["t1"].id]))
    assert resp.status_code == 302
    db.session.expire_all()
    assert _compliant(w["c"]) == 0  # the figure moved …
    event = _events("session.update")[-1]  # … and the change is traced
    assert event.commune_id == w["c"].id and event.actor_id == w["officer"].id
    assert event.object_type == "training_session" and event.object_id == sid
    assert event.before == {"date": "2026-03-10", "team_ids": sorted([w["t1"].id, w["t2"].id])}
    assert event.after == {"date": "2025-03-10", "team_ids": [w["t1"].id]}
    html = client.get("/audit").get_data(as_text=True)
    assert 'data-action="session.update"' in html
    assert "Training session changed" in html
    assert "<dt>Date</dt><dd>10/03/2026 → 10/03/2025</dd>" in html
    assert "Invited teams" in html and "Tổ Hai, Tổ Một → Tổ Một" in html
    assert "Lớp kỹ năng số" in html and "Lê Thị Thu Hà" in html
    assert "<dt>Training session</dt><dd>Lớp kỹ năng số</dd>" in html  # a name, not an id
    assert f"#{w['t1'].id}" not in html


def test_every_session_field_is_traced_and_an_unchanged_save_is_not(w, client, auth):
    auth.login_as(w["officer"])
    sid = w["s"].id
    client.post(f"/training/sessions/{sid}/edit", data=_form())
    assert _events("session.update") == []
    client.post(f"/training/sessions/{sid}/edit", data=_form(
        title="Lớp VNeID", start_time="14:00", end_time="16:00", mode="online", place="",
        meeting_link="https://meet.example/x", issues_certificates="y", capacity="40"))
    event = _events("session.update")[-1]
    assert event.before == {"title": "Lớp kỹ năng số", "start_time": "08:00",
                            "end_time": "11:00", "mode": "in_person", "place": "Nhà văn hóa",
                            "meeting_link": None, "capacity": None,
                            "issues_certificates": False}
    assert event.after["mode"] == "online" and event.after["start_time"] == "14:00"
    html = client.get("/audit").get_data(as_text=True)
    assert "In person → Online" in html and "08:00 → 14:00" in html
    assert "Issues attendance certificates</dt><dd>No → Yes" in html


def test_create_and_cancel_are_traced(w, client, auth):
    auth.login_as(w["officer"])
    resp = client.post("/training/sessions/new", data=_form(title="Lớp mới", date="15/12/2026"))
    assert resp.status_code == 302
    new = db.session.scalars(select(TrainingSession).where(TrainingSession.title == "Lớp mới")).one()
    created = _events("session.create")[-1]
    assert created.object_id == new.id and created.commune_id == w["c"].id
    assert created.before is None and created.after["date"] == "2026-12-15"
    assert sorted(created.after["team_ids"]) == sorted([w["t1"].id, w["t2"].id])
    client.post(f"/training/sessions/{w['s'].id}/cancel", data={"reason": "Mưa bão"})
    cancelled = _events("session.cancel")[-1]
    assert cancelled.commune_id == w["c"].id and cancelled.after == {"reason": "Mưa bão"}
    html = client.get("/audit").get_data(as_text=True)
    assert "Training session created" in html and "15/12/2026" in html
    assert "Session cancelled" in html and "Mưa bão" in html


def test_rule_change_that_moves_the_figure_is_on_the_audit_page(w, client, auth):
    auth.login_as(w["officer"])
    rule = {"required_count": "3", "path_slug": "", "deadline": "", "grace_days": "60"}
    client.post("/compliance/rule?year=2026", data=rule)
    assert _compliant(w["c"]) == 0
    created = _events("rule.create")[-1]
    obj = db.session.scalars(select(ComplianceRule)).one()
    assert created.object_type == "compliance_rule" and created.object_id == obj.id
    assert created.commune_id == w["c"].id
    assert created.before == {"year": 2026, "required_count": 1}
    assert created.after == {"year": 2026, "required_count": 3}
    client.post("/compliance/rule?year=2026", data=rule)  # nothing changed: nothing recorded
    assert _events("rule.update") == []
    client.post("/compliance/rule?year=2026", data={
        **rule, "online_path_counts": "y", "deadline": "30/06/2026", "grace_days": "30"})
    changed = _events("rule.update")[-1]
    assert changed.before == {"year": 2026, "online_path_counts": False, "deadline": None,
                              "grace_days": 60}
    assert changed.after == {"year": 2026, "online_path_counts": True,
                             "deadline": "2026-06-30", "grace_days": 30}
    html = client.get("/audit").get_data(as_text=True)
    assert "Training rule set" in html and "Training rule changed" in html
    assert "<dt>Year</dt><dd>2026</dd>" in html
    assert "<dt>Trainings required in the year</dt><dd>1 → 3</dd>" in html
    assert "<dt>Grace period for new members (days)</dt><dd>60 → 30</dd>" in html
    assert "— → 30/06/2026" in html and "No → Yes" in html
    html = client.get("/audit?group=attendance").get_data(as_text=True)
    assert 'data-action="rule.update"' in html


def test_another_communes_officer_does_not_see_the_events(w, make, client, auth):
    other = make.officer(make.commune(code="TQ"))
    db.session.commit()
    auth.login_as(w["officer"])
    client.post(f"/training/sessions/{w['s'].id}/edit", data=_form(date="11/03/2026"))
    auth.logout()
    auth.login_as(other)
    assert 'data-action="session.update"' not in client.get("/audit").get_data(as_text=True)


def test_imported_sessions_are_traced(w, runner, tmp_path):
    path = tmp_path / "lich-su.csv"
    phone = "0" + w["people"][0].phone[3:]
    path.write_text("Ngày,Tên lớp,Hình thức,Số điện thoại,Họ và tên,Trạng thái\n"
                    f"05/05/2025,Lớp cũ,Trực tiếp,{phone},Thành Viên 0,Có mặt\n", encoding="utf-8")
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 0, result.output
    event = _events("session.create")[-1]
    assert event.commune_id == w["c"].id
    assert event.after["imported"] is True and event.after["date"] == "2025-05-05"
