"""A member takes a quiz on a phone, loses the connection mid-way and submits after it returns."""

from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from lms.courses.loader import sync_content
from lms.courses.models import ModuleCompletion
from lms.extensions import db
from lms.quizzes.models import Attempt
from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD

FIXTURES = Path(__file__).parent / "fixtures" / "content"


def _read_every_lesson(user_id: int) -> None:
    from lms.courses.models import Lesson
    from lms.courses.services import mark_lesson_read

    for lesson in db.session.scalars(select(Lesson)):
        mark_lesson_read(user_id, lesson.id)
    db.session.commit()


def take_quiz_with_a_connection_drop(page, context, server_url):
    """Answer Q1 online, Q2 and Q3 offline, submit offline, reconnect: the result appears."""
    page.goto(f"{server_url}/modules/otp-an-toan/quiz")
    check_a11y(page)
    page.click("#quiz-start")
    page.wait_for_selector("#quiz-form")
    check_a11y(page)
    questions = page.locator("fieldset.question")
    assert questions.count() == 3
    # The page holds no hint of the right answers.
    html = page.content()
    assert "correct" not in html.lower()

    # One question per screen: answer, then "next"; the overview holds the submit button.
    questions.nth(0).get_by_label("Chỉ mình tôi").check()
    expect(page.locator("#quiz-save-state")).to_contain_text("Đã lưu")
    context.set_offline(True)
    page.click("#quiz-next")
    questions.nth(1).get_by_label("Sai").check()
    page.click("#quiz-next")
    questions.nth(2).get_by_label("Không trả lời, gọi tổng đài chính thức của ngân hàng").check()
    page.click("#quiz-next")
    page.click("#quiz-submit")
    page.wait_for_timeout(800)
    assert "/result" not in page.url
    context.set_offline(False)
    page.wait_for_selector("#quiz-result", timeout=15_000)


def test_quiz_survives_a_connection_drop_and_shows_feedback(page, context, server_url, make):
    sync_content(FIXTURES)
    member = make.member_of(make.team(), full_name="Hoàng Thị Lan")
    make.commit()
    _read_every_lesson(member.id)
    login(page, server_url, member.phone, PASSWORD)

    take_quiz_with_a_connection_drop(page, context, server_url)
    assert "100" in page.locator("#quiz-score").inner_text()
    assert page.locator("#quiz-passed").is_visible()
    # Review: each answer's feedback and the explanation.
    assert page.get_by_text("Đúng: OTP là bí mật.").is_visible()
    assert page.get_by_text("Tin nhắn đòi OTP là lừa đảo.").is_visible()
    check_a11y(page)

    db.session.remove()
    attempts = db.session.scalars(select(Attempt)).all()
    assert len(attempts) == 1 and attempts[0].passed and attempts[0].submitted_at
    assert db.session.scalars(select(ModuleCompletion)).one().user_id == member.id
