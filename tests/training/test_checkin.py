"""QR self check-in: rotating signed codes, refusals, late, on behalf, the web flow."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.extensions import db
from lms.signals import attendance_recorded
from lms.training import checkin
from lms.training.models import Attendance
from lms.training.services import TrainingError

DAY = date(2026, 11, 24)


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT")
    team = make.team(c, "Tổ 1")
    s = h.session(c, DAY, [team], start_time=time(8, 0), end_time=time(11, 0),
                  late_grace_minutes=15)
    member = make.member_of(team, "Nguyễn Thị Mai")
    return {"c": c, "team": team, "s": s, "member": member}


def count():
    return db.session.scalar(select(func.count()).select_from(Attendance))


def test_valid_code_records_present(w, h):
    now = h.vn(2026, 11, 24, 8, 5)
    token = checkin.make_token(w["s"].id, now)
    att, created = checkin.check_in(w["member"], token, now)
    assert created and att.status == "present" and att.method == "qr"
    again, created = checkin.check_in(w["member"], token, now)
    assert not created and again.id == att.id and count() == 1


def test_late_after_grace(w, h):
    now = h.vn(2026, 11, 24, 8, 16)
    att, _ = checkin.check_in(w["member"], checkin.make_token(w["s"].id, now), now)
    assert att.status == "late"


def test_previous_slot_accepted_older_refused(w, h):
    now = h.vn(2026, 11, 24, 8, 5)
    old = checkin.make_token(w["s"].id, now - timedelta(seconds=checkin.SLOT_SECONDS))
    checkin.validate(old, now)
    older = checkin.make_token(w["s"].id, now - timedelta(seconds=2 * checkin.SLOT_SECONDS))
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], older, now)
    assert exc.value.code == "expired" and count() == 0


def test_tampered_code_refused(w, h):
    now = h.vn(2026, 11, 24, 8, 5)
    sid, slot, sig = checkin.make_token(w["s"].id, now).split(".")
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], f"{int(sid) + 1}.{slot}.{sig}", now)
    assert exc.value.code == "bad_code" and count() == 0


def test_code_of_another_session_refused(w, h, make):
    now = h.vn(2026, 11, 24, 8, 5)
    other = h.session(w["c"], DAY, [w["team"]], title="Lớp khác")
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], checkin.make_token(other.id, now), now,
                         expected_session_id=w["s"].id)
    assert exc.value.code == "other_session" and count() == 0


def test_before_window_and_after_end_refused(w, h):
    early = h.vn(2026, 11, 24, 7, 29)
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], checkin.make_token(w["s"].id, early), early)
    assert exc.value.code == "too_early"
    opens = h.vn(2026, 11, 24, 7, 30)
    checkin.validate(checkin.make_token(w["s"].id, opens), opens)
    late = h.vn(2026, 11, 24, 11, 1)
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], checkin.make_token(w["s"].id, late), late)
    assert exc.value.code == "closed" and count() == 0


def test_cancelled_session_refused(w, h):
    from lms.training.services import cancel_session

    cancel_session(w["member"], w["s"], "Mưa bão")
    now = h.vn(2026, 11, 24, 8, 5)
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(w["member"], checkin.make_token(w["s"].id, now), now)
    assert exc.value.code == "cancelled" and count() == 0


def test_person_without_membership_refused_neighbour_accepted(w, h, make):
    now = h.vn(2026, 11, 24, 8, 5)
    token = checkin.make_token(w["s"].id, now)
    nobody = make.user(full_name="Không Thuộc Tổ")
    with pytest.raises(TrainingError) as exc:
        checkin.check_in(nobody, token, now)
    assert exc.value.code == "no_membership" and count() == 0
    neighbour = make.member_of(make.team(make.commune(code="TQ")), "Hàng Xóm")
    att, created = checkin.check_in(neighbour, token, now)
    assert created and att.status == "present"


def test_on_behalf_by_leader_audited_and_signalled(w, h, make):
    leader = make.member_of(w["team"], "Tổ Trưởng", role="leader")
    received = []

    def listener(sender, **kw):
        received.append(kw)

    attendance_recorded.connect(listener)
    try:
        now = h.vn(2026, 11, 24, 8, 5)
        att, created = checkin.check_in_on_behalf(leader, w["member"], w["s"], now)
    finally:
        attendance_recorded.disconnect(listener)
    assert att.method == "on_behalf" and att.marked_by_id == leader.id
    assert received == [{"attendance_id": att.id, "actor_id": leader.id}]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.mark")).one()
    assert event.before is None and event.after["status"] == "present"


def test_expired_code_web_message(w, h, make, client, auth, clock):
    now = h.vn(2026, 11, 24, 8, 5)
    token = checkin.make_token(w["s"].id, now - timedelta(minutes=5))
    db.session.commit()
    clock(now)
    auth.login_as(w["member"])
    resp = client.get(f"/checkin/{token}")
    assert resp.status_code == 400
    assert 'id="checkin-error"' in resp.get_data(as_text=True)
    assert count() == 0


def test_ics_file(w, h, client, auth):
    db.session.commit()
    auth.login_as(w["member"])
    resp = client.get(f"/training/sessions/{w['s'].id}.ics")
    body = resp.get_data(as_text=True)
    assert resp.mimetype == "text/calendar"
    assert "DTSTART:20261124T010000Z" in body and "DTEND:20261124T040000Z" in body
    assert f"UID:training-session-{w['s'].id}@localhost" in body
    assert "\r\n" in body


def test_ics_escaping():
    from lms.training.checkin import _fold, _ics_escape

    assert _ics_escape("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    folded = _fold("SUMMARY:" + "Tập huấn " * 20)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_ics_has_two_alarms_and_google_link(w):
    from lms.training.checkin import google_calendar_url, session_ics

    body = session_ics(w["s"], "localhost")
    assert body.count("BEGIN:VALARM") == 2
    assert "TRIGGER:-P1D" in body and "TRIGGER:-PT1H" in body
    url = google_calendar_url(w["s"])
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "dates=20261124T010000Z%2F20261124T040000Z" in url
