"""A member passes a quiz, downloads the certificate and opens its verification link."""

from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.courses.loader import sync_content
from lms.extensions import db
from tests.e2e.conftest import check_a11y, login
from tests.e2e.test_quiz import FIXTURES, _read_every_lesson
from tests.factories import PASSWORD


def test_member_passes_downloads_and_verifies(page, server_url, make):
    sync_content(FIXTURES)
    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    member = make.member_of(make.team(commune), full_name="Nguyễn Thị Mai")
    make.commit()
    _read_every_lesson(member.id)
    login(page, server_url, member.phone, PASSWORD)

    page.goto(f"{server_url}/modules/otp-an-toan/quiz")
    page.click("#quiz-start")
    questions = page.locator("fieldset.question")
    questions.nth(0).get_by_label("Chỉ mình tôi").check()
    page.click("#quiz-next")
    questions.nth(1).get_by_label("Sai").check()
    page.click("#quiz-next")
    questions.nth(2).get_by_label("Không trả lời, gọi tổng đài chính thức của ngân hàng").check()
    page.click("#quiz-next")
    page.click("#quiz-submit")
    page.wait_for_selector("#quiz-passed")

    page.goto(f"{server_url}/certificates/mine")
    check_a11y(page)
    db.session.remove()
    cert = db.session.scalars(select(Certificate)).one()
    assert cert.holder_name == "Nguyễn Thị Mai" and cert.status == "valid"

    link = page.locator(f"#cert-download-{cert.id}")
    response = page.request.get(server_url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    assert page.locator(f"#cert-share-{cert.id}").input_value().endswith(f"/verify/{cert.code}")

    # The card is compact: the English PDF and the verification link are under "More".
    assert not page.locator(f"#cert-verify-{cert.id}").is_visible()
    page.locator(f"#cert-{cert.id} details.more summary").click()
    page.click(f"#cert-verify-{cert.id}")
    page.wait_for_selector("#verify-status")
    assert page.locator("#verify-status").get_attribute("data-status") == "valid"
    assert page.locator("#verify-holder").inner_text() == "Nguyễn Thị Mai"
    assert member.phone[3:] not in page.content()
    check_a11y(page)
