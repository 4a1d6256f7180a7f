"""The officer shows the rotating QR code, a member checks in from the code's link, the officer
sees them present and the compliance dashboard moves."""

from datetime import timedelta

from lms.timeutil import local_now
from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD


def test_qr_checkin_moves_the_dashboard(browser, server_url, make):
    from tests.e2e.conftest import VIEWPORT

    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    team = make.team(commune)
    officer = make.officer(commune)
    member = make.member_of(team, full_name="Đinh Thị Thu")
    make.member_of(team, full_name="Vũ Văn Nam")
    make.commit()

    officer_ctx = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
    member_ctx = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
    officer_page, member_page = officer_ctx.new_page(), member_ctx.new_page()
    try:
        login(officer_page, server_url, officer.phone, PASSWORD)
        officer_page.goto(f"{server_url}/compliance")
        assert officer_page.locator("#commune-share").inner_text().startswith("0")
        check_a11y(officer_page)

        # The officer creates today's session, starting in a few minutes.
        now = local_now()
        start = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))
        officer_page.goto(f"{server_url}/training/sessions/new")
        officer_page.fill("#title", "Tập huấn sử dụng VNeID mức độ 2")
        officer_page.fill("#date", now.strftime("%d/%m/%Y"))
        officer_page.fill("#start_time", start.strftime("%H:%M"))
        officer_page.fill("#end_time", "23:59")
        officer_page.fill("#place", "Hội trường UBND phường")
        check_a11y(officer_page)
        officer_page.locator("#session-form button[type=submit]").click()
        officer_page.wait_for_load_state()
        officer_page.wait_for_selector("#show-qr")
        session_url = officer_page.url
        officer_page.click("#show-qr")
        qr = officer_page.locator("#checkin-qr")
        assert qr.locator("svg").is_visible()
        check_a11y(officer_page)
        checkin_url = qr.get_attribute("data-checkin-url")

        # The member scans: the link asks for a log-in first, then comes back to the check-in.
        member_page.goto(checkin_url)
        assert "/login" in member_page.url
        member_page.fill("#phone", member.phone)
        member_page.fill("#password", PASSWORD)
        member_page.click("button[type=submit]")
        # The scan was kept through the log-in: straight to the result.
        member_page.wait_for_selector("#checkin-result")
        assert member_page.locator("#checkin-result").get_attribute("data-status") == "present"
        check_a11y(member_page)

        officer_page.goto(session_url + "/attendance")
        status = officer_page.locator(f"#p{member.id} [aria-pressed=true]")
        assert status.count() == 1
        check_a11y(officer_page)
        officer_page.goto(f"{server_url}/compliance")
        assert officer_page.locator("#commune-share").inner_text().startswith("50")
        assert officer_page.locator(f"li[data-missing='{member.id}']").count() == 0
    finally:
        officer_ctx.close()
        member_ctx.close()
