"""A scan is honoured through a slow first log-in (check-in tickets) and short codes follow
the QR code's rules."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.extensions import db
from lms.training import checkin, tickets
from lms.training.models import Attendance
from lms.training.services import TrainingError
from tests.factories import PASSWORD

DAY = date(2026, 11, 24)


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT")
    team = make.team(c, "Tổ CNSCĐ tổ dân phố Hòa Lạc")
    s = h.session(c, DAY, [team], title="Lớp tập huấn VNeID", start_time=time(8, 0),
                  end_time=time(11, 0), late_grace_minutes=15)
    other = h.session(c, DAY, [team], title="Lớp chữ ký số", start_time=time(8, 0),
                      end_time=time(11, 0))
    newcomer = make.member_of(team, "Lò Văn Pành")
    newcomer.must_change_password = True  # logs in with the slip's temporary password
    member = make.member_of(team, "Nguyễn Thị Mai")
    officer = make.officer(c)
    db.session.commit()
    return {"c": c, "s": s, "other": other, "newcomer": newcomer, "member": member,
            "officer": officer}


def attendances(person=None):
    stmt = select(Attendance)
    if person is not None:
        stmt = stmt.where(Attendance.user_id == person.id)
    return db.session.scalars(stmt).all()


def scan_path(session, now):
    return f"/checkin/{checkin.make_token(session.id, now)}"


def test_slow_first_log_in_keeps_the_scan_and_its_status(w, h, client, clock):
    scan = h.vn(2026, 11, 24, 8, 10)  # before the 15-minute late grace
    clock(scan)
    response = client.get(scan_path(w["s"], scan))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get("/login").get_data(as_text=True)
    assert "Lớp tập huấn VNeID" in page and 'id="login-notice"' in page
    # Ten minutes of typing: the code on the screen changed 13 times meanwhile.
    clock(scan + timedelta(minutes=6))
    response = client.post("/login", data={"phone": "0" + w["newcomer"].phone[3:],
                                           "password": PASSWORD})
    assert response.headers["Location"].endswith("/password")
    clock(scan + timedelta(minutes=10))
    response = client.post("/password", data={"new": "bac-pang-2026", "confirm": "bac-pang-2026"})
    assert response.headers["Location"].endswith("/checkin/complete")
    done = client.get("/checkin/complete")
    assert done.status_code == 200
    assert 'data-status="present"' in done.get_data(as_text=True)  # judged at 08:10
    (att,) = attendances(w["newcomer"])
    assert att.method == "qr" and att.session_id == w["s"].id
    # The ticket is used: a second visit records nothing more.
    assert client.get("/checkin/complete").status_code == 400
    assert len(attendances()) == 1


def test_late_is_judged_at_the_scan_not_after_the_password_change(w, h, client, clock):
    scan = h.vn(2026, 11, 24, 8, 20)
    clock(scan)
    client.get(scan_path(w["s"], scan))
    client.post("/login", data={"phone": w["member"].phone, "password": PASSWORD})
    clock(scan + timedelta(minutes=3))
    client.get("/checkin/complete")
    assert attendances(w["member"])[0].status == "late"


def test_ticket_cannot_move_to_another_account(w, h, client, clock):
    """A shared phone: one person scans and logs in, then hands the phone to another."""
    scan = h.vn(2026, 11, 24, 8, 5)
    clock(scan)
    client.get(scan_path(w["s"], scan))
    client.post("/login", data={"phone": w["member"].phone, "password": PASSWORD})
    with client.session_transaction() as sess:
        ticket_token = sess["checkin_ticket"]
    # The ticket now belongs to the first account; nobody else may use it.
    with pytest.raises(TrainingError) as exc:
        tickets.redeem(ticket_token, w["newcomer"], scan + timedelta(minutes=1))
    assert exc.value.code == "other_person"
    client.post("/logout")
    with client.session_transaction() as sess:
        sess["checkin_ticket"] = ticket_token  # even carried over by hand
    client.post("/login", data={"phone": w["officer"].phone, "password": PASSWORD})
    response = client.get("/checkin/complete")
    assert response.status_code == 400 and "tài khoản khác" in response.get_data(as_text=True)
    assert attendances() == []


def test_ticket_expires_and_closes_with_the_window(w, h, client, clock):
    scan = h.vn(2026, 11, 24, 8, 5)
    clock(scan)
    token = tickets.issue_ticket(w["s"], None, scan)
    db.session.commit()
    with pytest.raises(TrainingError) as exc:
        tickets.redeem(token, w["member"], scan + timedelta(minutes=tickets.TICKET_MINUTES + 1))
    assert exc.value.code == "ticket_expired"
    late_scan = h.vn(2026, 11, 24, 10, 55)
    token = tickets.issue_ticket(w["s"], None, late_scan)
    db.session.commit()
    with pytest.raises(TrainingError) as exc:
        tickets.redeem(token, w["member"], h.vn(2026, 11, 24, 11, 2))
    assert exc.value.code == "closed"
    assert attendances() == []


def test_ticket_serves_only_its_own_session(w, h):
    scan = h.vn(2026, 11, 24, 8, 5)
    token = tickets.issue_ticket(w["s"], None, scan)
    db.session.commit()
    _att, created, session = tickets.redeem(token, w["member"], scan)
    assert created and session.id == w["s"].id
    assert [a.session_id for a in attendances(w["member"])] == [w["s"].id]


def test_a_code_already_expired_at_the_scan_makes_no_ticket(w, h, client, clock):
    now = h.vn(2026, 11, 24, 8, 5)
    clock(now)
    old = checkin.make_token(w["s"].id, now - timedelta(minutes=3))
    response = client.get(f"/checkin/{old}")
    assert response.status_code == 400 and "hết hạn" in response.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "checkin_ticket" not in sess


def test_short_code_follows_the_qr_rules(w, h, client, auth, clock):
    now = h.vn(2026, 11, 24, 8, 5)
    clock(now)
    code = tickets.current_short_code(w["s"].id, now)
    assert len(code) == 6 and tickets.session_for_code(code.lower(), now).id == w["s"].id
    # The previous slot's code still works, an older one has expired.
    previous = tickets.short_code(w["s"].id, checkin.slot_of(now) - 1)
    assert tickets.session_for_code(previous, now).id == w["s"].id
    older = tickets.short_code(w["s"].id, checkin.slot_of(now) - 3)
    with pytest.raises(TrainingError) as exc:
        tickets.session_for_code(older, now)
    assert exc.value.code == "expired"
    with pytest.raises(TrainingError) as exc:
        tickets.session_for_code("ZZZZZZ", now)
    assert exc.value.code == "bad_code"
    # Outside the window: refused like a QR code.
    with pytest.raises(TrainingError) as exc:
        tickets.session_for_code(tickets.current_short_code(w["s"].id, h.vn(2026, 11, 24, 7, 0)),
                                 h.vn(2026, 11, 24, 7, 0))
    assert exc.value.code == "too_early"
    # Typed at /checkin by a logged-in member: confirm, then recorded.
    auth.login_as(w["member"])
    page = client.post("/checkin", data={"code": code[:3] + " " + code[3:]})
    assert page.status_code == 200 and 'id="checkin-confirm"' in page.get_data(as_text=True)
    done = client.post("/checkin/complete")
    assert 'data-status="present"' in done.get_data(as_text=True)
    wrong = client.post("/checkin", data={"code": "ABC"})
    assert wrong.status_code == 400 and 'id="checkin-error"' in wrong.get_data(as_text=True)


def test_cancelled_session_code_refused(w, h, clock, client):
    from lms.models_base import utcnow

    now = h.vn(2026, 11, 24, 8, 5)
    w["s"].cancelled_at = utcnow()
    db.session.commit()
    with pytest.raises(TrainingError) as exc:
        tickets.session_for_code(tickets.current_short_code(w["s"].id, now), now)
    assert exc.value.code == "cancelled"


def test_qr_screen_shows_short_code_and_live_count(w, h, client, auth, clock):
    now = h.vn(2026, 11, 24, 8, 5)
    clock(now)
    auth.login_as(w["officer"])
    page = client.get(f"/training/sessions/{w['s'].id}/qr?room=1").get_data(as_text=True)
    assert 'class="room"' in page and tickets.current_short_code(w["s"].id, now) in page
    data = client.get(f"/training/sessions/{w['s'].id}/qr.json").get_json()
    assert data["count"] == 0 and data["code"] == tickets.current_short_code(w["s"].id, now)
    checkin.record_checkin(w["member"], w["s"], now)
    db.session.commit()
    data = client.get(f"/training/sessions/{w['s'].id}/qr.json").get_json()
    assert data["count"] == 1 and data["names"] == ["Nguyễn Thị Mai"]
    assert db.session.scalar(select(func.count(User.id))) == 3


def test_home_page_offers_the_code_field_on_session_days(make, h, client, auth):
    from lms.timeutil import local_today

    c = make.commune()
    team = make.team(c)
    member = make.member_of(team, "Hà Thị Thu")
    make.commit()
    auth.login_as(member)
    assert 'id="home-checkin"' not in client.get("/").get_data(as_text=True)
    h.session(c, local_today(), [team])
    db.session.commit()
    assert 'id="home-checkin"' in client.get("/").get_data(as_text=True)
