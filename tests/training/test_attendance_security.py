"""Holes in attendance and compliance, each reproduced as the attack and shown to fail."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import event, func, select

from lms.audit import AuditEvent
from lms.extensions import db
from lms.normalize import display_phone
from lms.timeutil import local_today
from lms.training import checkin
from lms.training import services as svc
from lms.training.models import Attendance


def _count(model=Attendance):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def w(make, h):
    """Commune DT (organiser: teams t1, t2, a team not invited) and commune TQ (invited)."""
    dt = make.commune(code="DT", name="Phường Duy Tiên")
    tq = make.commune(code="TQ", name="Xã Tam Quang")
    t1, t2, t3 = make.team(dt, "Tổ Một"), make.team(dt, "Tổ Hai"), make.team(dt, "Tổ Ba")
    tq1 = make.team(tq, "Bản Nà Sài")
    officer = make.officer(dt, full_name="Cán Bộ Duy Tiên")
    tq_officer = make.officer(tq, full_name="Cán Bộ Tam Quang")
    leader = make.member_of(t1, "Tổ Trưởng Một", role="leader")
    m1 = make.member_of(t1, "Nguyễn Thị Mai")
    m2 = make.member_of(t2, "Trần Văn Dũng")
    m3 = make.member_of(t3, "Phạm Văn Ba")  # his team is not invited
    neighbour = make.member_of(tq1, "Lò Thị Ban")
    leaver = make.member_of(t1, "Đỗ Văn Rời", joined_on=date(2025, 1, 1),
                            left_on=date(2026, 2, 1))
    stranger = make.member_of(make.team(make.commune(code="XA")), "Người Xã Khác")
    # Today, all day: the attendance is open (it closes 2 hours after the end).
    s = h.session(dt, local_today(), [t1, t2, tq1],
                  start_time=time(0, 0), end_time=time(23, 59))
    db.session.commit()
    return dict(dt=dt, tq=tq, t1=t1, t2=t2, t3=t3, tq1=tq1, officer=officer,
                tq_officer=tq_officer, leader=leader, m1=m1, m2=m2, m3=m3,
                neighbour=neighbour, leaver=leaver, stranger=stranger, s=s)


def _roster_names(client, session_id, q):
    html = client.get(f"/training/sessions/{session_id}/attendance",
                      query_string={"q": q}).get_data(as_text=True)
    return html


# --- phone oracle through the roster filter ------------------------------------------------


def test_invited_communes_officer_cannot_recover_phones_through_the_filter(w, client, auth):
    auth.login_as(w["tq_officer"])
    sid = w["s"].id
    digits = display_phone(w["m1"].phone).replace(" ", "")
    # The attack: grow the number digit by digit while "Nguyễn Thị Mai" stays on the list.
    for length in range(3, len(digits) + 1):
        assert "Nguyễn Thị Mai" not in _roster_names(client, sid, digits[:length])
    # Names of the organiser's people are not searchable either; only their own commune's.
    html = _roster_names(client, sid, "")
    assert "Lò Thị Ban" in html and "Nguyễn Thị Mai" not in html and "Trần Văn Dũng" not in html
    assert "Nguyễn Thị Mai" not in _roster_names(client, sid, "nguyen thi mai")
    # Digits of people whose phone they may see still work.
    own = display_phone(w["neighbour"].phone).replace(" ", "")
    assert "Lò Thị Ban" in _roster_names(client, sid, own[-6:])


def test_organisers_officer_matches_only_phones_they_may_see(w, client, auth):
    auth.login_as(w["officer"])
    sid = w["s"].id
    assert "Nguyễn Thị Mai" in _roster_names(client, sid, w["m1"].phone[-6:])
    # The neighbour from the invited commune is on the roster, found by name, not by phone.
    assert "Lò Thị Ban" in _roster_names(client, sid, "lo thi ban")
    assert "Lò Thị Ban" not in _roster_names(client, sid, w["neighbour"].phone[-7:])


def test_leader_matches_only_phones_of_their_team(w, client, auth):
    auth.login_as(w["leader"])
    assert "Nguyễn Thị Mai" in _roster_names(client, w["s"].id, w["m1"].phone[-5:])
    assert "Trần Văn Dũng" not in _roster_names(client, w["s"].id, w["m2"].phone[-5:])


def test_phone_visible_ids_agrees_with_can_see_phone(w, make, app):
    from lms.auth.permissions import can_see_phone

    admin = make.admin()
    db.session.commit()
    actors = [admin, w["officer"], w["tq_officer"], w["leader"], w["m1"], w["leaver"]]
    people = [w[k] for k in ("leader", "m1", "m2", "m3", "neighbour", "leaver", "stranger",
                             "officer", "tq_officer")]
    for actor in actors:
        with app.test_request_context():
            expected = {p.id for p in people if can_see_phone(actor, p)}
            assert svc.phone_visible_ids(actor, [p.id for p in people]) == expected, actor


# --- nobody marks themself -----------------------------------------------------------------


def test_leader_cannot_mark_themself_present(w, client, auth):
    auth.login_as(w["leader"])
    sid = w["s"].id
    page = client.get(f"/training/sessions/{sid}/attendance").get_data(as_text=True)
    assert f'id="mark-{w["leader"].id}-present"' not in page
    resp = client.post(f"/training/sessions/{sid}/attendance/{w['leader'].id}",
                       data={"status": "present"}, headers={"Accept": "application/json"})
    assert resp.status_code == 400 and resp.get_json()["ok"] is False
    client.post(f"/training/sessions/{sid}/attendance/{w['leader'].id}", data={"status": "late"})
    client.post(f"/training/sessions/{sid}/attendance/all-present")
    marked = set(db.session.scalars(select(Attendance.user_id)))
    assert w["leader"].id not in marked and marked == {w["m1"].id}
    with pytest.raises(svc.TrainingError) as exc:
        svc.set_status(w["leader"], w["s"], w["leader"].id, "present", method="on_behalf")
    assert exc.value.code == "own_attendance"


def test_own_attendance_only_by_check_in(w, h, make):
    day = date(2026, 11, 24)
    s = h.session(w["dt"], day, [w["t1"]], start_time=time(8, 0), end_time=time(11, 0))
    now = h.vn(2026, 11, 24, 8, 5)
    with pytest.raises(svc.TrainingError):
        svc.set_status(w["officer"], s, w["officer"].id, "excused")
    att, created = checkin.check_in(w["leader"], checkin.make_token(s.id, now), now)
    assert created and att.status == "present" and att.method == "qr"


# --- present and late only once check-in opens -----------------------------------------------


@pytest.fixture
def upcoming(w, h):
    day = local_today() + timedelta(days=3)
    s = h.session(w["dt"], day, [w["t1"], w["t2"]], start_time=time(8, 0), end_time=time(11, 0))
    w["officer"].locale = "en"
    db.session.commit()
    return s


def test_present_ahead_of_the_session_is_refused_excused_is_recorded(w, upcoming, client, auth):
    auth.login_as(w["officer"])
    url = f"/training/sessions/{upcoming.id}/attendance/{w['m1'].id}"
    for status in ("present", "late", "absent"):
        resp = client.post(url, data={"status": status}, follow_redirects=True)
        assert "30 minutes before the start" in resp.get_data(as_text=True)
        json = client.post(url, data={"status": status}, headers={"Accept": "application/json"})
        assert json.status_code == 400 and "30 minutes before" in json.get_json()["message"]
    resp = client.post(f"/training/sessions/{upcoming.id}/attendance/all-present",
                       follow_redirects=True)
    assert "30 minutes before the start" in resp.get_data(as_text=True)
    assert _count() == 0 and _count(AuditEvent) == 0
    client.post(url, data={"status": "excused"})
    assert db.session.scalars(select(Attendance.status)).all() == ["excused"]
    page = client.get(f"/training/sessions/{upcoming.id}/attendance").get_data(as_text=True)
    assert f'id="mark-{w["m2"].id}-excused"' in page
    assert f'id="mark-{w["m2"].id}-present"' not in page and 'id="all-present"' not in page


def test_window_opens_30_minutes_before_the_start(w, h):
    s = h.session(w["dt"], date(2026, 11, 24), [w["t1"]], start_time=time(8, 0))
    with pytest.raises(svc.TrainingError) as exc:
        svc.set_status(w["officer"], s, w["m1"].id, "present", now=h.vn(2026, 11, 24, 7, 29))
    assert exc.value.code == "not_open" and _count() == 0
    assert svc.CHECKIN_BEFORE == timedelta(minutes=30)
    att = svc.set_status(w["officer"], s, w["m1"].id, "late", now=h.vn(2026, 11, 24, 7, 30))
    assert att.status == "late"


# --- only invited people, each by those in charge of them ------------------------------------


@pytest.mark.parametrize("who", ["stranger", "m3", "leaver"])
def test_officer_marks_only_people_invited_to_the_session(w, client, auth, who):
    auth.login_as(w["officer"])
    resp = client.post(f"/training/sessions/{w['s'].id}/attendance/{w[who].id}",
                       data={"status": "present"})
    assert resp.status_code == 404
    assert _count() == 0 and _count(AuditEvent) == 0


def test_invited_communes_officer_marks_only_their_people(w, client, auth):
    auth.login_as(w["tq_officer"])
    sid = w["s"].id
    assert client.post(f"/training/sessions/{sid}/attendance/{w['m1'].id}",
                       data={"status": "present"}).status_code == 404
    assert client.post(f"/training/sessions/{sid}/attendance/{w['neighbour'].id}",
                       data={"status": "present"}).status_code == 302
    assert db.session.scalars(select(Attendance.user_id)).all() == [w["neighbour"].id]


def test_marking_everyone_marks_only_invited_people(w, h, client, auth):
    h.attend(w["s"], w["stranger"], "excused")  # a row for someone not invited stays as it is
    db.session.commit()
    auth.login_as(w["officer"])
    client.post(f"/training/sessions/{w['s'].id}/attendance/all-present")
    rows = dict(db.session.execute(select(Attendance.user_id, Attendance.status)).all())
    assert rows == {w["leader"].id: "present", w["m1"].id: "present", w["m2"].id: "present",
                    w["neighbour"].id: "present", w["stranger"].id: "excused"}


# --- bad ids and forged values ---------------------------------------------------------------


@pytest.mark.parametrize("user_id", ["999999", "2147483648", "99999999999999999999"])
def test_unknown_user_id_is_a_404(w, client, auth, user_id):
    auth.login_as(w["officer"])
    resp = client.post(f"/training/sessions/{w['s'].id}/attendance/{user_id}",
                       data={"status": "present"})
    assert resp.status_code == 404
    assert _count() == 0 and _count(AuditEvent) == 0


def test_non_integer_or_forged_values(w, client, auth):
    auth.login_as(w["officer"])
    sid = w["s"].id
    assert client.post(f"/training/sessions/{sid}/attendance/abc",
                       data={"status": "present"}).status_code == 404
    assert client.post(f"/training/sessions/99999999999/attendance/{w['m1'].id}",
                       data={"status": "present"}).status_code == 404
    for forged in ("", "maybe", "present' OR 1=1", "PRESENT"):
        resp = client.post(f"/training/sessions/{sid}/attendance/{w['m1'].id}",
                           data={"status": forged})
        assert resp.status_code == 400
    assert client.post(f"/training/sessions/{sid}/attendance/{w['m1'].id}").status_code == 400
    assert _count() == 0 and _count(AuditEvent) == 0


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_mark_without_csrf_token_is_a_400(w, client, auth):
    auth.login_as(w["officer"])
    resp = client.post(f"/training/sessions/{w['s'].id}/attendance/{w['m1'].id}",
                       data={"status": "present"})
    assert resp.status_code == 400 and _count() == 0


# --- phones on the compliance and reminder pages ---------------------------------------------


def test_leader_does_not_see_phones_of_people_who_left(w, client, auth):
    auth.login_as(w["leader"])
    leaver, m1 = w["leaver"], w["m1"]
    t1 = w["t1"].id
    query = {"year": 2026, "as_of": "31/01/2026"}
    html = client.get(f"/compliance/teams/{t1}", query_string=query).get_data(as_text=True)
    assert "Đỗ Văn Rời" in html  # still listed (was in the team on the as-of date) …
    assert display_phone(leaver.phone) not in html and leaver.phone not in html  # … no phone
    assert display_phone(m1.phone) in html
    html = client.get("/compliance/reminders", query_string={**query, "team": t1}).get_data(
        as_text=True)
    assert "Đỗ Văn Rời" in html and display_phone(leaver.phone) not in html
    assert display_phone(m1.phone) in html
    body = client.get("/compliance/reminders.csv", query_string={**query, "team": t1}).get_data(
        as_text=True)
    local = display_phone(leaver.phone).replace(" ", "")
    assert local not in body and leaver.phone not in body
    assert display_phone(m1.phone).replace(" ", "") in body


def test_officer_still_sees_the_phones(w, client, auth):
    auth.login_as(w["officer"])
    query = {"year": 2026, "as_of": "31/01/2026"}
    html = client.get("/compliance", query_string=query).get_data(as_text=True)
    assert display_phone(w["leaver"].phone) in html
    body = client.get("/compliance/report.json", query_string=query).get_json()
    phones = {p["phone"] for t in body["teams"] for p in t["missing"]}
    assert w["leaver"].phone in phones


def test_team_page_query_count_does_not_grow_with_the_team(make, h, client, auth):
    def build(code, size):
        c = make.commune(code=code)
        team = make.team(c, f"Tổ {code}")
        leader = make.member_of(team, f"Tổ Trưởng {code}", role="leader")
        for i in range(size):
            make.member_of(team, f"Người {code} {i}")
            make.member_of(team, f"Người Rời {code} {i}", left_on=date(2026, 2, 1))
        return team, leader

    small, large = build("S", 2), build("L", 12)
    db.session.commit()
    counts = []
    for team, leader in (small, large):
        auth.login_as(leader)
        seen: list[str] = []

        def listener(*args, seen=seen):
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            resp = client.get(f"/compliance/teams/{team.id}?year=2026&as_of=31/01/2026")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert resp.status_code == 200
        counts.append(len(seen))
        auth.logout()
    assert counts[0] == counts[1]
