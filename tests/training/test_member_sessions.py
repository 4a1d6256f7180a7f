"""Sessions as a member sees them (issue 14): my status at past sessions, a session I checked
in to is no longer "upcoming", calendar choices with reminders, invited teams collapsed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from lms.extensions import db
from lms.timeutil import local_today


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    team = make.team(c, "Tổ dân phố số 1")
    member = make.member_of(team, "Nguyễn Thị Mai")
    member.locale = "en"
    make.commit()
    return {"c": c, "team": team, "member": member}


def _item(page: str, session_id: int) -> str:
    return page.split(f'id="session-{session_id}"', 1)[1].split("</li>", 1)[0]


def test_past_sessions_show_my_status(client, auth, w, h):
    today = local_today()
    sessions = {}
    for n, status in enumerate(("present", "late", "excused", "absent", None, "unclosed"), 1):
        s = h.session(w["c"], today - timedelta(days=n), [w["team"]], title=f"Lớp {n}")
        if status in ("present", "late", "excused", "absent"):
            h.attend(s, w["member"], status)
        if status != "unclosed":
            s.attendance_closed_at = datetime.now(UTC) - timedelta(hours=1)
        sessions[status] = s
    db.session.commit()
    auth.login_as(w["member"])
    page = client.get("/training/sessions").get_data(as_text=True)
    assert 'data-my-status="present"' in _item(page, sessions["present"].id)
    assert "You: Present" in _item(page, sessions["present"].id)
    assert "You: Late" in _item(page, sessions["late"].id)
    assert "You: Excused" in _item(page, sessions["excused"].id)
    assert "You: Absent" in _item(page, sessions["absent"].id)
    # Invited, nothing recorded, attendance closed: absent. Not closed yet: nothing said.
    assert 'data-my-status="absent"' in _item(page, sessions[None].id)
    assert "data-my-status" not in _item(page, sessions["unclosed"].id)
    detail = client.get(f"/training/sessions/{sessions['late'].id}").get_data(as_text=True)
    assert re.search(r'id="my-status">Late<', detail)


def test_a_session_i_checked_in_to_is_not_upcoming(client, auth, w, h):
    today = local_today()
    now_session = h.session(w["c"], today, [w["team"]], title="Lớp hôm nay",
                            start_time=time(0, 0), end_time=time(23, 59))
    later = h.session(w["c"], today + timedelta(days=7), [w["team"]], title="Lớp tuần sau")
    h.attend(now_session, w["member"], "present")
    db.session.commit()
    auth.login_as(w["member"])
    page = client.get("/training/sessions").get_data(as_text=True)
    upcoming = page.split("<h2>Upcoming</h2>", 1)[1].split("<h2>", 1)[0]
    assert f'id="session-{later.id}"' in upcoming and f'id="session-{now_session.id}"' not in upcoming
    checked = page.split('id="checked-in"', 1)[1].split("</ul>", 1)[0]
    assert f'id="session-{now_session.id}"' in checked and "Checked in" in checked
    detail = client.get(f"/training/sessions/{now_session.id}").get_data(as_text=True)
    assert 'id="checked-in-note"' in detail and "Checked in" in detail
    client.post("/privacy")
    home = client.get("/").get_data(as_text=True)
    section = home.split('id="training-status"', 1)[1].split("</section>", 1)[0]
    assert "Checked in" in section.split('id="home-checked-in"', 1)[1].split("</ul>", 1)[0]
    nxt = section.split("Your next sessions", 1)[1]
    assert "Lớp tuần sau" in nxt and "Lớp hôm nay" not in nxt


def test_add_to_calendar_offers_google_and_an_ics_with_two_alarms(client, auth, w, h):
    s = h.session(w["c"], local_today() + timedelta(days=3), [w["team"]], place="Nhà văn hóa")
    db.session.commit()
    auth.login_as(w["member"])
    page = client.get(f"/training/sessions/{s.id}").get_data(as_text=True)
    assert f'id="add-google-{s.id}" href="https://calendar.google.com/calendar/render?action=TEMPLATE' in page
    assert f'id="add-ics-{s.id}" href="/training/sessions/{s.id}.ics"' in page
    response = client.get(f"/training/sessions/{s.id}.ics")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert body.count("BEGIN:VALARM") == 2 and body.count("END:VALARM") == 2
    assert "TRIGGER:-P1D" in body and "TRIGGER:-PT1H" in body


def test_many_invited_teams_are_collapsed(client, auth, w, h, make):
    teams = [w["team"]] + [make.team(w["c"], f"Tổ dân phố số {n}") for n in range(2, 29)]
    s = h.session(w["c"], local_today() + timedelta(days=3), teams)
    few = h.session(w["c"], local_today() + timedelta(days=4), teams[:2])
    db.session.commit()
    auth.login_as(w["member"])
    page = client.get(f"/training/sessions/{s.id}").get_data(as_text=True)
    invited = page.split('id="invited-teams"', 1)[1].split("</dd>", 1)[0]
    assert "<details" in invited and "<summary>28 teams invited</summary>" in invited
    assert "Tổ dân phố số 27" in invited
    page = client.get(f"/training/sessions/{few.id}").get_data(as_text=True)
    assert "<details" not in page.split('id="invited-teams"', 1)[1].split("</dd>", 1)[0]
