"""The learner's way (issue 14): the end-of-lesson button and the module's one primary action."""

from __future__ import annotations

import re

import pytest

from lms.courses.models import Module
from lms.extensions import db
from tests.courses.conftest import module_of


@pytest.fixture
def learner(make, synced):
    team = make.team()
    person = make.member_of(team, full_name="Phạm Thị Hoa")
    person.locale = "en"
    make.commit()
    return person


def _primary(page: str) -> list[str]:
    """The primary buttons of the page's content (links or buttons with class btn, not secondary)."""
    main = page.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return re.findall(r'class="btn(?: btn-block)?"[^>]*>([^<]+)<', main)


def test_every_lesson_ends_with_a_server_rendered_primary_button(client, auth, learner):
    auth.login_as(learner)
    for module in db.session.query(Module).all():
        lessons = [x for x in module.lessons if not x.retired]
        for index, lesson in enumerate(lessons):
            for _visit in range(2):  # unread, then read: the button stays
                page = client.get(f"/learn/{module.slug}/{lesson.slug}").get_data(as_text=True)
                button = re.search(r'<button type="submit" class="btn btn-block" id="lesson-done">([^<]+)<',
                                   page)
                assert button, (module.slug, lesson.slug)
                label = button.group(1).strip()
                if index + 1 < len(lessons):
                    assert label == "Finished reading — next lesson"
                elif module.slug == "thu-nghiem":
                    assert label == "Finished reading — take the quiz"
                    assert 'data-next="/modules/thu-nghiem/quiz"' in page
                else:
                    assert label == "Finished reading — back to the module"
                client.post(f"/learn/{module.slug}/{lesson.slug}/read")


def test_last_lesson_leads_to_the_quiz(client, auth, learner):
    auth.login_as(learner)
    page = client.get("/learn/thu-nghiem/tiep-theo").get_data(as_text=True)
    assert 'data-next="/modules/thu-nghiem/quiz"' in page
    assert client.post("/learn/thu-nghiem/tiep-theo/read").headers["Location"] == "/modules/thu-nghiem/quiz"


def test_lesson_tools_are_hidden_without_javascript(client, auth, learner):
    auth.login_as(learner)
    page = client.get("/learn/thu-nghiem/bat-dau").get_data(as_text=True)
    assert re.search(r'<div class="reader-tools" data-reader hidden', page)
    assert "A−" in page and "A+" in page and "<script>" not in page


def test_module_page_has_exactly_one_primary_action(client, auth, learner, make):
    from lms.quizzes import services as quiz_services

    auth.login_as(learner)
    assert _primary(client.get("/learn/thu-nghiem").get_data(as_text=True)) == ["Start learning"]
    client.post("/learn/thu-nghiem/bat-dau/read")
    assert _primary(client.get("/learn/thu-nghiem").get_data(as_text=True)) == ["Continue learning"]
    client.post("/learn/thu-nghiem/tiep-theo/read")
    page = client.get("/learn/thu-nghiem").get_data(as_text=True)
    assert _primary(page) == ["Take the quiz"] and 'id="module-primary" href="/modules/thu-nghiem/quiz"' in page
    quiz = quiz_services.quiz_for_module(module_of("thu-nghiem").id)
    attempt = quiz_services.start_attempt(learner.id, quiz)
    assert _primary(client.get("/learn/thu-nghiem").get_data(as_text=True)) == ["Continue the quiz"]
    from werkzeug.datastructures import MultiDict

    quiz_services.submit_attempt(attempt.id, learner.id, MultiDict())
    assert _primary(client.get("/learn/thu-nghiem").get_data(as_text=True)) == ["Retake the quiz"]
    # A module without a quiz, read to the end: its certificate.
    client.post("/learn/khong-quiz/mot/read")
    page = client.get("/learn/khong-quiz").get_data(as_text=True)
    assert _primary(page) == ["See the certificate"] and "/certificates/mine#cert-" in page
