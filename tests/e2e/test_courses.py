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


def _progress(user_id: int) -> set[str]:
    from lms.courses.models import Lesson

    db.session.remove()
    rows = db.session.execute(
        select(Lesson.slug).join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user_id))
    return {slug for (slug,) in rows}


def test_shared_phone_offline_reading_is_credited_to_the_reader_only(page, context, server_url,
                                                                     make):
    """Lan reads a lesson offline and logs out; Minh logs in on the same phone: the queue Lan
    left is never sent for Minh, and log-out sends Lan's queue for Lan, then forgets it."""
    sync_content(FIXTURES)
    team = make.team()
    lan = make.member_of(team, full_name="Hà Thị Lan")
    minh = make.member_of(team, full_name="Đỗ Văn Minh")
    make.commit()
    lan_id, lan_phone, minh_id, minh_phone = lan.id, lan.phone, minh.id, minh.phone
    login(page, server_url, lan_phone, PASSWORD)
    page.goto(f"{server_url}/learn/thu-nghiem/bat-dau")
    lan_marker = page.evaluate("document.documentElement.dataset.user")
    assert lan_marker and lan_phone.lstrip("+") not in lan_marker
    context.set_offline(True)
    # Submit the form itself: a click scrolls, and reaching the end marks it read too.
    page.evaluate("document.querySelector('form[data-mark-read]').requestSubmit()")
    page.wait_for_timeout(500)
    context.set_offline(False)
    queue = page.evaluate(f"localStorage.getItem('lms-read-queue:{lan_marker}')")
    assert queue == '["thu-nghiem/bat-dau"]'
    assert _progress(lan_id) == set()
    # Log-out from a page without courses.js: app.js sends Lan's queue, then clears it.
    page.goto(f"{server_url}/learn")
    with page.expect_navigation():
        page.click("form[data-logout] button")
    assert _progress(lan_id) == {"bat-dau"}
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('lms-read-queue'))") == []

    # Minh on the same phone; a queue Lan left (say her log-out never happened) and an old
    # queue without an owner are on it.
    login(page, server_url, minh_phone, PASSWORD)
    page.goto(f"{server_url}/learn/thu-nghiem/bat-dau")
    minh_marker = page.evaluate("document.documentElement.dataset.user")
    assert minh_marker and minh_marker != lan_marker
    page.evaluate(f"""() => {{
        localStorage.setItem('lms-read-queue:{lan_marker}', '["thu-nghiem/tiep-theo"]');
        localStorage.setItem('lms-read-queue', '["/learn/thu-nghiem/tiep-theo/read"]');
    }}""")
    page.reload()
    page.wait_for_timeout(800)
    assert _progress(minh_id) == set() and _progress(lan_id) == {"bat-dau"}
    assert page.evaluate("localStorage.getItem('lms-read-queue')") is None
    # Minh's own reading, queued offline, is sent for Minh when the phone is online again.
    context.set_offline(True)
    # Submit the form itself: a click scrolls, and reaching the end marks it read too.
    page.evaluate("document.querySelector('form[data-mark-read]').requestSubmit()")
    page.wait_for_timeout(500)
    context.set_offline(False)
    page.goto(f"{server_url}/learn/thu-nghiem")
    page.wait_for_timeout(800)
    assert _progress(minh_id) == {"bat-dau"}
    assert page.evaluate(f"localStorage.getItem('lms-read-queue:{minh_marker}')") is None
