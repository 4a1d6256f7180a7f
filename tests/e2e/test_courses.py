"""A member reads a module to its end on a phone, goes offline and re-reads its lessons."""

from sqlalchemy import select

from lms.courses.loader import sync_content
from lms.courses.models import LessonProgress
from lms.extensions import db
from tests.courses.conftest import FIXTURES
from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD


def test_member_reads_a_lesson_and_it_stays_readable_offline(page, context, server_url, make):
    sync_content(FIXTURES)
    team = make.team()
    member = make.member_of(team, full_name="Lò Thị Xuân")
    make.commit()
    login(page, server_url, member.phone, PASSWORD)
    page.goto(f"{server_url}/learn")
    check_a11y(page)
    page.goto(f"{server_url}/learn/thu-nghiem")
    check_a11y(page)
    page.goto(f"{server_url}/learn/thu-nghiem/bat-dau")
    assert page.get_by_role("heading", name="Bắt đầu").is_visible()
    check_a11y(page)
    page.evaluate("navigator.serviceWorker.ready")
    page.click("form[data-mark-read] button")
    page.wait_for_url("**/learn/thu-nghiem/tiep-theo")
    # The last lesson: reading it to the end finishes the module's reading.
    check_a11y(page)
    with page.expect_navigation():
        page.click("form[data-mark-read] button")
    db.session.remove()
    assert len(db.session.scalars(select(LessonProgress)).all()) == 2
    # Lessons opened while the service worker controlled the page are cached: re-read offline.
    page.goto(f"{server_url}/learn/thu-nghiem/tiep-theo")
    page.wait_for_timeout(500)
    context.set_offline(True)
    page.goto(f"{server_url}/learn/thu-nghiem/bat-dau")
    assert page.get_by_role("heading", name="Bắt đầu").is_visible()
    page.reload()
    assert page.get_by_role("heading", name="Bắt đầu").is_visible()
    page.goto(f"{server_url}/learn/thu-nghiem/tiep-theo")
    assert page.get_by_role("heading", name="Tiep theo vi").is_visible()
    # A lesson never opened shows the offline page instead of an error.
    page.goto(f"{server_url}/learn/khong-quiz/mot")
    assert page.get_by_role("heading", name="Bạn đang không có kết nối mạng").is_visible()
    context.set_offline(False)
