"""The officer takes a 40-person attendance on a 360 px phone: marks a few (the totals move),
"everyone present" (asked first), undoes it, closes the attendance, and the certificates
appear."""

from datetime import time, timedelta

from playwright.sync_api import expect

from lms.extensions import db
from lms.timeutil import local_now
from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD


def _count(page, key: str) -> int:
    return int(page.locator(f"[data-count='{key}']").inner_text())


def test_attendance_sheet_at_360px(page, server_url, make):
    from lms.certificates.models import Certificate
    from lms.training.models import TrainingSession

    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    team = make.team(commune, "Tổ CNSCĐ tổ dân phố Hòa Lạc")
    officer = make.officer(commune)
    people = [make.member_of(team, f"Nguyễn Văn Thành Viên Số {i:02d}") for i in range(40)]
    now = local_now()
    start = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))
    session = TrainingSession(commune_id=commune.id, title="Tập huấn kỹ năng số cơ bản",
                              date=now.date(), start_time=start.time().replace(second=0,
                                                                               microsecond=0),
                              end_time=time(23, 59), issues_certificates=True)
    session.teams = [team]
    db.session.add(session)
    make.commit()

    login(page, server_url, officer.phone, PASSWORD)
    page.goto(f"{server_url}/training/sessions/{session.id}/attendance")
    assert _count(page, "none") == 40 and _count(page, "present") == 0
    # Each person: the whole name on one line, the four-state control under it at full width.
    row = page.locator(f"#p{people[0].id}")
    assert row.bounding_box()["height"] < 100, row.bounding_box()
    name = row.locator(".att-name")
    assert name.inner_text() == "Nguyễn Văn Thành Viên Số 00"
    assert name.evaluate("e => e.scrollWidth <= e.clientWidth && e.getClientRects().length == 1")
    seg = row.locator(".seg").bounding_box()
    assert seg["width"] > 300 and seg["y"] >= name.bounding_box()["y"] + 10, seg
    for button in row.locator(".seg .mark").all():  # no label cut off
        assert button.evaluate("e => e.scrollWidth <= e.clientWidth"), button.inner_text()
    check_a11y(page)
    page.screenshot(path="/tmp/attendance-360.png", full_page=False)

    page.click(f"#mark-{people[0].id}-present")
    expect(page.locator("[data-count='present']")).to_have_text("1")
    page.click(f"#mark-{people[1].id}-late")
    expect(page.locator("[data-count='late']")).to_have_text("1")
    page.click(f"#mark-{people[2].id}-excused")
    expect(page.locator("[data-count='excused']")).to_have_text("1")
    assert _count(page, "none") == 37
    assert page.locator(f"#mark-{people[1].id}-late").get_attribute("aria-pressed") == "true"
    page.screenshot(path="/tmp/attendance-360-marked.png", full_page=False)
    # The totals are still visible after scrolling (sticky).
    page.locator(f"#p{people[39].id}").scroll_into_view_if_needed()
    assert page.locator("#attendance-counts").is_visible()

    # "Everyone present" asks first (a dialog), then marks the 37 others.
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click("#all-present")
    page.wait_for_selector("#undo-all-present")
    assert messages and "37" in messages[0]
    assert _count(page, "present") == 38 and _count(page, "none") == 0

    # Undo: exactly the previous statuses come back.
    page.click("#undo-all-present")
    page.wait_for_load_state()
    assert (_count(page, "present"), _count(page, "late"), _count(page, "excused"),
            _count(page, "none")) == (1, 1, 1, 37)
    assert page.locator("#undo-all-present").count() == 0

    # Close the attendance (confirmation page), then the certificates are there.
    page.click("#close-attendance")
    page.wait_for_selector("#confirm-yes")
    check_a11y(page)
    page.click("#confirm-yes")
    page.wait_for_selector("#attendance-closed")
    page.screenshot(path="/tmp/attendance-360-closed.png", full_page=False)
    db.session.expire_all()
    holders = set(db.session.scalars(db.select(Certificate.user_id).where(
        Certificate.session_id == session.id)))
    assert holders == {people[0].id, people[1].id}
    page.goto(f"{server_url}/certificates/office?session={session.id}")
    html = page.content()
    assert people[0].full_name in html and people[1].full_name in html
    assert people[2].full_name not in html
