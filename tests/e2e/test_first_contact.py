"""First contact at a training session: a member who has never logged in scans the projector's
QR code, logs in with the slip's temporary password, sets a new password and lands on "Đã điểm
danh"; the projector screen's count goes from 0 to 1."""

import re
from datetime import time, timedelta

from lms.auth.services import hash_password
from lms.extensions import db
from lms.timeutil import local_now
from lms.training.models import TrainingSession
from tests.e2e.conftest import VIEWPORT, check_a11y, login
from tests.factories import PASSWORD

TEMPORARY = "k7mq2xv9ht"


def test_first_time_member_checks_in_through_log_in(browser, server_url, make, app):
    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    team = make.team(commune, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    officer = make.officer(commune)
    newcomer = make.member_of(team, full_name="Lò Văn Pành")
    newcomer.password_hash = hash_password(TEMPORARY)
    newcomer.must_change_password = True
    now = local_now()
    start = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0, second=0))
    session = TrainingSession(commune_id=commune.id, title="Tập huấn VNeID mức độ 2",
                              date=now.date(), start_time=start.time().replace(microsecond=0),
                              end_time=time(23, 59), place="Hội trường UBND phường",
                              late_grace_minutes=30)
    session.teams = [team]
    db.session.add(session)
    make.commit()

    officer_ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    member_ctx = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True,
                                     locale="vi-VN")
    projector, phone = officer_ctx.new_page(), member_ctx.new_page()
    try:
        login(projector, server_url, officer.phone, PASSWORD)
        projector.goto(f"{server_url}/training/sessions/{session.id}/qr?room=1")
        assert projector.locator("#qr-count").inner_text().endswith(": 0")
        assert len(projector.locator("#short-code").inner_text()) == 6
        checkin_url = projector.locator("#checkin-qr").get_attribute("data-checkin-url")

        phone.goto(checkin_url)
        assert "/login" in phone.url
        assert "Tập huấn VNeID mức độ 2" in phone.locator("#login-notice").inner_text()
        check_a11y(phone)
        phone.fill("#phone", newcomer.phone.replace("+84", "0"))
        phone.fill("#password", TEMPORARY)
        phone.click("button[type=submit]")
        phone.wait_for_selector("#new")
        assert phone.locator("#current").count() == 0  # the temporary password is not asked again
        phone.locator("button[data-reveal=new]").click()
        assert phone.locator("#new").get_attribute("type") == "text"
        check_a11y(phone)
        phone.fill("#new", "bac-pang-hoa-lac")
        phone.fill("#confirm", "bac-pang-hoa-lac")
        phone.locator("form.stack button[type=submit]").click()
        phone.wait_for_selector("#checkin-result")
        assert "Đã điểm danh" in phone.locator("h1").inner_text()
        assert phone.locator("#checkin-result").get_attribute("data-status") == "present"
        check_a11y(phone)

        # The projector polls: the count moves without a reload.
        from playwright.sync_api import expect

        expect(projector.locator("#qr-count")).to_have_text(re.compile(r": 1\s*$"),
                                                            timeout=15_000)
        projector.screenshot(path="/tmp/qr-room.png")
        assert "Lò Văn Pành" in projector.locator("#qr-names").inner_text()
    finally:
        officer_ctx.close()
        member_ctx.close()
