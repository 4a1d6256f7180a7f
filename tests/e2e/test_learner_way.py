"""The learner's way on a cheap phone (issue 14): a member reads the last lesson, follows the
button to the quiz, answers one question per screen, loses and regains the connection (the
status recovers without a reload), submits, sees that the certificate was issued and is
offered to share it. At 360×740 and at 320 px."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from lms.courses.loader import sync_content
from tests.e2e.conftest import check_a11y, login
from tests.e2e.test_quiz import FIXTURES
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PENDING = Path("/work/i18n-pending/learner.json")
# Plural messages of the pending file (keyed by the singular there).
PLURALS = {"Your team: %(names)s": "Your teams: %(names)s",
           "%(num)s team invited": "%(num)s teams invited"}

MATCHING = {
    "id": "otp-04", "type": "matching",
    "prompt": {"vi": "Nối mỗi việc với cách làm an toàn.", "en": "Match each task with the safe way."},
    "pairs": [
        {"id": "p1", "left": {"vi": "Mật khẩu ứng dụng ngân hàng", "en": "Banking app password"},
         "right": {"vi": "Dùng để đăng nhập; 8–20 ký tự, có chữ hoa, chữ thường và số",
                   "en": "Used to log in; 8–20 characters with capitals, small letters and digits"}},
        {"id": "p2", "left": {"vi": "Mã OTP", "en": "OTP code"},
         "right": {"vi": "Chỉ nhập vào ứng dụng, không đọc cho ai", "en": "Only typed into the app, never read out"}},
        {"id": "p3", "left": {"vi": "Cuộc gọi lạ xưng là công an", "en": "A stranger calling as the police"},
         "right": {"vi": "Cúp máy, gọi lại số chính thức", "en": "Hang up and call the official number"}},
    ],
    "explanation": {"vi": "Mỗi việc một cách làm an toàn.", "en": "One safe way for each."},
}


def _content(tmp_path: Path) -> Path:
    """The browser-test module with a matching question added (4 questions)."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES, target)
    quiz_path = target / "01-otp" / "quiz.yaml"
    quiz = yaml.safe_load(quiz_path.read_text(encoding="utf-8"))
    quiz["questions"].append(MATCHING)
    quiz["draw"] = 4
    quiz["time_limit_minutes"] = 20
    quiz_path.write_text(yaml.safe_dump(quiz, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def pending_vi(app, tmp_path):
    """Serve Vietnamese pages with the translations still waiting in /work/i18n-pending (if
    that file exists), so that the screenshots show what members will read."""
    from lms.extensions import babel

    babel.domain_instance.cache.clear()  # one cache for every app of the test run
    _catalogue_with_pending(app, tmp_path)
    yield
    babel.domain_instance.cache.clear()  # later tests load the shipped catalogue again


def _catalogue_with_pending(app, tmp_path: Path) -> None:
    if not PENDING.exists():
        return
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", target)
    po = target / "vi" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for msgid, msgstr in json.loads(PENDING.read_text(encoding="utf-8")).items():
        key = (msgid, PLURALS[msgid]) if msgid in PLURALS else msgid
        found = catalog.get(key)
        if found is None or not found.string or not any(found.string):
            catalog.add(key, (msgstr, msgstr) if msgid in PLURALS else msgstr)
    with (po.with_suffix(".mo")).open("wb") as handle:
        write_mo(handle, catalog)
    app.extensions["babel"].translation_directories = [str(target)]


def _vi(english: str, vietnamese: str) -> re.Pattern:
    """The Vietnamese text, or the English msgid while its translation is still pending."""
    return re.compile(f"{re.escape(vietnamese)}|{re.escape(english)}")


@pytest.mark.parametrize("width", [360, 320])
def test_last_lesson_to_shared_certificate(width, pending_vi, page, context, server_url, make,
                                           tmp_path):
    sync_content(_content(tmp_path))
    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    member = make.member_of(make.team(commune, name="Tổ dân phố số 3"), full_name="Trần Văn Bốn")
    make.commit()
    page.set_viewport_size({"width": width, "height": 740})
    shot = f"/tmp/learner-{width}"
    login(page, server_url, member.phone, PASSWORD)

    # The one lesson is also the last: its end has one big button to the quiz.
    page.goto(f"{server_url}/learn/otp-an-toan/otp")
    done = page.locator("#lesson-done")
    expect(done).to_have_text(_vi("Finished reading — take the quiz", "Đã đọc xong — Làm bài kiểm tra"))
    expect(page.locator("[data-reader]")).to_be_visible()  # text size (listening needs a voice)
    page.click("button[data-size='1']")
    expect(page.locator("#lesson-text")).to_have_attribute("data-text-size", "1")
    page.screenshot(path=f"{shot}-lesson.png", full_page=True)
    check_a11y(page)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(done).to_be_visible()  # reaching the end does not hide it
    done.click()
    page.wait_for_url("**/modules/otp-an-toan/quiz")
    expect(page.locator("#quiz-time-rule")).to_be_visible()
    page.screenshot(path=f"{shot}-intro.png", full_page=True)
    page.click("#quiz-start")
    page.wait_for_selector("#quiz-form")

    # One question per screen.
    questions = page.locator("fieldset.question")
    expect(questions).to_have_count(4)
    expect(questions.nth(0)).to_be_visible()
    expect(questions.nth(1)).to_be_hidden()
    expect(page.locator("#quiz-submit")).to_be_hidden()
    expect(page.locator("#quiz-save")).to_be_hidden()  # saved as you go: no save button
    expect(questions.nth(0).locator("legend")).to_have_text(_vi("Question 1/4", "Câu 1/4"))
    questions.nth(0).get_by_label("Chỉ mình tôi").check()
    status = page.locator("#quiz-save-state")
    expect(status).to_have_text(_vi("Saved", "Đã lưu"))
    expect(status).to_be_in_viewport()  # at the bottom of the screen
    chosen = questions.nth(0).locator("label.choice").first
    assert chosen.evaluate("el => getComputedStyle(el).borderTopWidth") == "3px"
    page.screenshot(path=f"{shot}-question.png")
    check_a11y(page)
    page.click("#quiz-next")
    expect(questions.nth(1)).to_be_visible()
    expect(questions.nth(0)).to_be_hidden()
    # The phone's Back button shows the previous question and stays in the quiz.
    page.go_back()
    expect(questions.nth(0)).to_be_visible()
    assert "/quiz/attempts/" in page.url
    page.click("#quiz-next")
    expect(questions.nth(1)).to_be_visible()

    # The connection drops while answering, and comes back: the status recovers by itself.
    context.set_offline(True)
    questions.nth(1).get_by_label("Sai").check()
    expect(status).to_have_attribute("data-state", "offline")
    page.screenshot(path=f"{shot}-offline.png")
    context.set_offline(False)
    expect(status).to_have_attribute("data-state", "saved", timeout=12_000)
    expect(status).to_have_text(_vi("Connection is back. Saved.", "Đã có mạng trở lại. Đã lưu."))
    page.click("#quiz-next")
    questions.nth(2).get_by_label("Không trả lời, gọi tổng đài chính thức của ngân hàng").check()
    page.click("#quiz-next")

    # Matching: one group of radio buttons per item, every text whole.
    matching = questions.nth(3)
    groups = matching.locator("fieldset.match")
    expect(groups).to_have_count(3)
    for left, right in (("Mật khẩu ứng dụng ngân hàng", "Dùng để đăng nhập; 8–20 ký tự, có chữ hoa, chữ thường và số"),
                        ("Mã OTP", "Chỉ nhập vào ứng dụng, không đọc cho ai"),
                        ("Cuộc gọi lạ xưng là công an", "Cúp máy, gọi lại số chính thức")):
        group = matching.locator("fieldset.match", has=page.locator("legend", has_text=left))
        option = group.get_by_label(right)
        option.check()
        box = option.locator("xpath=..")
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth + 1")  # not cut
    page.screenshot(path=f"{shot}-matching.png", full_page=True)
    check_a11y(page)

    # The overview before submitting.
    page.click("#quiz-next")
    overview = page.locator("#quiz-overview")
    expect(overview).to_be_visible()
    expect(overview.locator(".overview-item")).to_have_count(4)
    expect(overview.locator(".overview-item[data-answered='1']")).to_have_count(4)
    page.screenshot(path=f"{shot}-overview.png", full_page=True)
    check_a11y(page)
    page.click("#quiz-submit")
    page.wait_for_selector("#quiz-result", timeout=15_000)

    issued = page.locator("#cert-issued")
    expect(issued).to_contain_text(_vi("Your certificate has been issued", "Giấy chứng nhận đã được cấp"))
    expect(page.locator("#cert-see")).to_be_visible()
    share = issued.locator("button[data-share]")
    expect(share).to_be_visible()
    assert "/verify/" in share.get_attribute("data-share")
    page.screenshot(path=f"{shot}-result.png")
    check_a11y(page)

    page.click("#cert-see")
    page.wait_for_url("**/certificates/mine*")
    expect(page.locator("li.cert-item button[data-share]")).to_be_visible()
    page.screenshot(path=f"{shot}-certificates.png", full_page=True)
    check_a11y(page)


FAKE_VOICE = """(() => {
  const spoken = [];
  const fake = {
    speaking: false, paused: false,
    getVoices: () => [{ lang: "vi-VN", name: "Giọng thử", localService: true }],
    speak: (u) => { spoken.push(u.text); fake.speaking = true; },
    cancel: () => { fake.speaking = false; },
    pause: () => { fake.paused = true; }, resume: () => { fake.paused = false; },
    addEventListener: () => {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: fake, configurable: true });
  window.__spoken = spoken;
})();"""


def test_listen_and_text_size_on_a_lesson(pending_vi, page, context, server_url, make, tmp_path):
    sync_content(_content(tmp_path))
    member = make.member_of(make.team(), full_name="Lê Thị Tám")
    make.commit()
    login(page, server_url, member.phone, PASSWORD)
    url = f"{server_url}/learn/otp-an-toan/otp"
    page.goto(url)
    # Chromium here has no Vietnamese voice: no "Listen" button, the text size still works.
    expect(page.locator("[data-listen]")).to_be_hidden()
    page.click("button[data-size='1']")
    page.click("button[data-size='1']")
    page.reload()
    expect(page.locator("#lesson-text")).to_have_attribute("data-text-size", "2")  # remembered
    page.click("button[data-size='-1']")
    expect(page.locator("#lesson-text")).to_have_attribute("data-text-size", "1")
    # With a Vietnamese voice: listen, pause, continue, stop.
    context.add_init_script(FAKE_VOICE)
    page.goto(url)
    listen = page.locator("[data-listen]")
    expect(listen).to_be_visible()
    expect(listen).to_have_text(_vi("Listen", "Nghe bài"))
    listen.click()
    expect(listen).to_have_attribute("aria-pressed", "true")
    expect(listen).to_have_text(_vi("Pause", "Tạm dừng"))
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == "Mã OTP là gì" and any("ngân hàng gửi cho bạn" in t for t in spoken)
    listen.click()
    expect(listen).to_have_text(_vi("Continue listening", "Nghe tiếp"))
    assert page.evaluate("window.speechSynthesis.paused") is True
    listen.click()
    expect(listen).to_have_text(_vi("Pause", "Tạm dừng"))
    page.click("[data-stop]")
    expect(page.locator("[data-stop]")).to_be_hidden()
    expect(listen).to_have_text(_vi("Listen", "Nghe bài"))
    page.screenshot(path="/tmp/learner-360-listen.png")
    check_a11y(page)
