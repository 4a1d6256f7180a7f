"""Reminders name the next session that has not started; SMS in the singular, plain ≤ 160."""

import csv
import io
from datetime import date, time

import pytest

from lms.extensions import db
from lms.training import reminders
from lms.training import services as svc


@pytest.fixture
def w(make, h):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    t1, t2 = make.team(c, "Tổ CNSCĐ tổ dân phố Hòa Lạc"), make.team(c, "Tổ CNSCĐ tổ dân phố Bắc Sơn")
    officer = make.officer(c)
    khai = make.member_of(t1, "Bùi Văn Khải")
    khai.birth_year, khai.gender = 1960, "male"
    lan = make.member_of(t2, "Nguyễn Thị Lan")
    lan.birth_year, lan.gender = 1995, "female"
    # Running now (09:00 on 10/12): started 08:00; he was marked absent there.
    running = h.session(c, date(2026, 12, 10), [t1, t2], title="Lớp đang diễn ra",
                        start_time=time(8, 0), end_time=time(11, 0))
    h.attend(running, khai, "absent")
    cancelled = h.session(c, date(2026, 12, 11), [t1, t2], title="Lớp đã hủy")
    svc.cancel_session(officer, cancelled, "Trùng lịch")
    only_t2 = h.session(c, date(2026, 12, 12), [t2], title="Lớp riêng Bắc Sơn",
                        start_time=time(14, 0), end_time=time(16, 0))
    nxt = h.session(c, date(2026, 12, 15), [t1, t2],
                    title="Tập huấn sử dụng dịch vụ công trực tuyến mức độ toàn trình và thanh toán",
                    place="Nhà văn hóa tổ dân phố Hòa Lạc, đường Trần Hưng Đạo",
                    start_time=time(14, 0), end_time=time(16, 30))
    db.session.commit()
    return dict(c=c, t1=t1, t2=t2, officer=officer, khai=khai, lan=lan, running=running,
                cancelled=cancelled, only_t2=only_t2, next=nxt)


def test_next_session_skips_running_and_cancelled(w, h):
    now = h.vn(2026, 12, 10, 9, 0)
    assert reminders.next_session([w["t1"].id], now) == w["next"]
    assert reminders.next_session([w["t2"].id], now) == w["only_t2"]
    by_team = reminders.upcoming_by_team([w["t1"].id, w["t2"].id], now)
    assert by_team == {w["t1"].id: w["next"], w["t2"].id: w["only_t2"]}
    assert reminders.next_session([w["t1"].id], h.vn(2026, 12, 16, 0, 0)) is None


def test_sms_singular_and_plain_fits_one_sms(w):
    you = reminders.pronoun(1960, "male", 2026)
    assert you == "ông" and reminders.pronoun(1995, "female", 2026) == "chị"
    assert reminders.pronoun(None, None, 2026) == "anh/chị"
    text = reminders.sms_text(2026, "Bùi Văn Khải", you, w["next"])
    assert text.startswith("Kính gửi ông Bùi Văn Khải:") and "các anh/chị" not in text
    assert "Đề nghị ông sắp xếp tham gia." in text
    for session in (w["next"], w["only_t2"], None):
        for name in ("Bùi Văn Khải", "Nguyễn Thị Phương Thảo Nguyên"):
            short = reminders.sms_plain(2026, name, you, session)
            assert len(short) <= 160, short
            assert short.isascii(), short
    assert "15/12" in reminders.sms_plain(2026, "Bùi Văn Khải", you, w["next"])


def test_reminder_pages_and_csv(w, h, client, auth, clock):
    clock(h.vn(2026, 12, 10, 9, 0))
    auth.login_as(w["officer"])
    page = client.get("/compliance/reminders?year=2026").get_data(as_text=True)
    assert "Lớp đang diễn ra" not in page and "Lớp đã hủy" not in page
    assert 'id="reminder-team"' in page
    team_page = client.get(f"/compliance/reminders?year=2026&team={w['t1'].id}").get_data(
        as_text=True)
    assert "Bùi Văn Khải" in team_page and "Nguyễn Thị Lan" not in team_page.split(
        "zalo-text")[1].split("</textarea>")[0]
    body = client.get("/compliance/reminders.csv?year=2026").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    by_name = {r["name"]: r for r in rows}
    assert "Tập huấn sử dụng dịch vụ công" in by_name["Bùi Văn Khải"]["message"]
    assert "Lớp riêng Bắc Sơn" in by_name["Nguyễn Thị Lan"]["message"]
    for row in rows:
        assert int(row["plain_length"]) == len(row["message_plain"]) <= 160
