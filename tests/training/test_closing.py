"""Closing the attendance, the check-in window for marks, undo of "everyone present",
deleting a session created by mistake."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.extensions import db
from lms.training import closing
from lms.training import services as svc
from lms.training.models import Attendance, AttendanceBatch, TrainingSession


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    t1, t2 = make.team(c, "Tổ 1"), make.team(c, "Tổ 2")
    officer = make.officer(c)
    leader = make.member_of(t1, "Tổ Trưởng", role="leader")
    people = [make.member_of(t1, f"Người {i}") for i in range(4)]
    other = make.member_of(t2, "Người Tổ Hai")
    s = h.session(c, date(2026, 12, 10), [t1, t2], start_time=time(8, 0), end_time=time(10, 0))
    db.session.commit()
    return dict(c=c, t1=t1, officer=officer, leader=leader, people=people, other=other, s=s)


def _status(s, person):
    return db.session.scalar(select(Attendance.status).where(
        Attendance.session_id == s.id, Attendance.user_id == person.id))


@pytest.mark.parametrize("who", ["officer", "leader"])
def test_present_before_the_window_is_refused_excused_ahead_is_allowed(w, h, who):
    actor, person = w[who], w["people"][0]
    early = h.vn(2026, 12, 10, 7, 29)
    for status in ("present", "late", "absent"):
        with pytest.raises(svc.TrainingError) as err:
            svc.set_status(actor, w["s"], person.id, status, now=early)
        assert err.value.code == "not_open"
    with pytest.raises(svc.TrainingError):
        svc.mark_all_present(actor, w["s"], now=early)
    svc.set_status(actor, w["s"], person.id, "excused", now=h.vn(2026, 12, 1, 9, 0))
    assert _status(w["s"], person) == "excused"
    svc.set_status(actor, w["s"], w["people"][1].id, "present", now=h.vn(2026, 12, 10, 7, 30))
    assert _status(w["s"], w["people"][1]) == "present"


def test_undo_of_everyone_present_restores_exactly_the_previous_statuses(w, h):
    officer, (a, b, c, d) = w["officer"], w["people"]
    during = h.vn(2026, 12, 10, 8, 30)
    svc.set_status(officer, w["s"], a.id, "late", now=during)
    svc.set_status(officer, w["s"], b.id, "excused", now=during)
    batch = svc.mark_all_present_batch(officer, w["s"], now=during)
    db.session.commit()
    assert {i["user_id"] for i in batch.items} == {c.id, d.id, w["leader"].id, w["other"].id}
    assert _status(w["s"], c) == "present"
    # Someone changed after the batch keeps the newer status.
    svc.set_status(officer, w["s"], d.id, "absent", now=during)
    assert closing.undoable_batch(officer, w["s"]).id == batch.id
    assert closing.undo_batch(officer, batch) == 3
    db.session.commit()
    assert [_status(w["s"], p) for p in (a, b, c, d)] == ["late", "excused", None, "absent"]
    assert _status(w["s"], w["other"]) is None
    with pytest.raises(svc.TrainingError):
        closing.undo_batch(officer, batch)
    undone = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "attendance.undo")).all()
    assert len(undone) == 3 and all(e.after["batch_id"] == batch.id for e in undone)


def test_undo_through_the_pages(w, h, client, auth, clock):
    clock(h.vn(2026, 12, 10, 8, 30))
    auth.login_as(w["officer"])
    sid = w["s"].id
    confirm = client.get(f"/training/sessions/{sid}/attendance/all-present")
    assert confirm.status_code == 200 and 'id="confirm-yes"' in confirm.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    client.post(f"/training/sessions/{sid}/attendance/all-present")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 6
    page = client.get(f"/training/sessions/{sid}/attendance").get_data(as_text=True)
    batch = db.session.scalars(select(AttendanceBatch)).one()
    assert 'id="undo-all-present"' in page
    client.post(f"/training/sessions/{sid}/attendance/undo/{batch.id}")
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0


def test_closing_by_the_officer_then_changes_need_the_office_and_a_reason(w, h, client, auth,
                                                                           clock):
    clock(h.vn(2026, 12, 10, 9, 0))
    person = w["people"][0]
    svc.set_status(w["leader"], w["s"], person.id, "present", method="on_behalf",
                   now=h.vn(2026, 12, 10, 8, 5))
    db.session.commit()
    auth.login_as(w["leader"])
    assert client.get(f"/training/sessions/{w['s'].id}/attendance/close").status_code == 404
    auth.logout()
    auth.login_as(w["officer"])
    client.post(f"/training/sessions/{w['s'].id}/attendance/close")
    s = db.session.get(TrainingSession, w["s"].id)
    assert s.attendance_closed_by_id == w["officer"].id
    # The leader cannot change it any more; the officer only with a reason.
    with pytest.raises(svc.TrainingError) as err:
        svc.set_status(w["leader"], s, person.id, "absent")
    assert err.value.code == "closed_officer_only"
    resp = client.post(f"/training/sessions/{s.id}/attendance/{person.id}",
                       data={"status": "absent"})
    assert "/change" in resp.headers["Location"] and _status(s, person) == "present"
    client.post(f"/training/sessions/{s.id}/attendance/{person.id}",
                data={"status": "absent", "reason": "Không có mặt"})
    assert _status(s, person) == "absent"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.mark")
                               .order_by(AuditEvent.id.desc())).first()
    assert event.after["reason"] == "Không có mặt"
    # Check-in after closing is refused.
    with pytest.raises(svc.TrainingError) as err:
        svc.set_status(w["other"], s, w["other"].id, "present", method="qr",
                       check_permission=False)
    assert err.value.code == "attendance_closed"


def test_automatic_close_after_the_commune_grace(w, h, runner, clock):
    h.rule(w["c"], 2026, close_after_hours=3)
    db.session.commit()
    clock(h.vn(2026, 12, 10, 12, 59))
    assert closing.close_due_at(w["s"]).hour == 13
    assert closing.close_due(now=h.vn(2026, 12, 10, 12, 59)) == []
    # The cron command closes it a minute after: one line per session, the count on stderr.
    clock(h.vn(2026, 12, 10, 13, 1))
    result = runner.invoke(args=["attendance", "close-due"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{w['s'].id}\t2026-12-10\t")
    assert "Đã chốt điểm danh 1 lớp." in result.stderr
    db.session.expire_all()
    closed = db.session.get(TrainingSession, w["s"].id)
    assert closed.attendance_closed_at is not None and closed.attendance_closed_by_id is None


def test_delete_a_session_without_attendance(w, h, client, auth):
    auth.login_as(w["officer"])
    spare = h.session(w["c"], date(2026, 12, 20), [w["t1"]])
    db.session.commit()
    assert 'id="delete-session"' in client.get(f"/training/sessions/{spare.id}").get_data(
        as_text=True)
    client.post(f"/training/sessions/{spare.id}/delete")
    assert db.session.get(TrainingSession, spare.id) is None
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "session.delete")).one().before["date"] == "2026-12-20"
    h.attend(w["s"], w["people"][0], "excused")
    db.session.commit()
    client.post(f"/training/sessions/{w['s'].id}/delete")
    assert db.session.get(TrainingSession, w["s"].id) is not None


def test_cancelled_sessions_hidden_by_default(w, h, client, auth):
    gone = h.session(w["c"], date(2026, 12, 21), [w["t1"]], title="Lớp bị hủy")
    svc.cancel_session(w["officer"], gone, "Trùng lịch")
    db.session.commit()
    auth.login_as(w["officer"])
    assert "Lớp bị hủy" not in client.get("/training/sessions").get_data(as_text=True)
    assert "Lớp bị hủy" in client.get("/training/sessions?cancelled=1").get_data(as_text=True)
