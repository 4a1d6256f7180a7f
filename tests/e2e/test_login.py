"""Log in on a phone-sized screen, with accessibility checks."""

from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD


def test_member_logs_in_changes_temporary_password_and_switches_language(
    page, server_url, make
):
    make.user(full_name="Nguyễn Thị Mai", phone_number="+84912345678", must_change_password=True)
    make.commit()

    page.goto(f"{server_url}/login")
    assert page.locator("html").get_attribute("lang") == "vi"
    check_a11y(page)

    # Wrong password: a clear message, still on the log-in page.
    page.fill("#phone", "0912 345 678")
    page.fill("#password", "sai mật khẩu")
    page.click("button[type=submit]")
    assert page.get_by_text("Số điện thoại hoặc mật khẩu không đúng.").is_visible()
    check_a11y(page)

    login(page, server_url, "0912 345 678", PASSWORD)
    assert page.url.endswith("/password")
    check_a11y(page)
    # The temporary password was just typed: only the new one is asked, twice.
    assert page.locator("#current").count() == 0
    page.fill("#new", "mat-khau-moi-2026")
    page.fill("#confirm", "mat-khau-moi-2026")
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Mai").is_visible()
    check_a11y(page)

    page.click("button[lang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Hello, Nguyễn Thị Mai").is_visible()
    check_a11y(page)
