"""The quiz on a phone (issue 14): matching as radio groups, saving without JavaScript,
the intro's time rule, the review of only my mistakes."""

import re

import pytest
from sqlalchemy import select

from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.models import Attempt
from tests.quizzes.conftest import ALL_RIGHT, form_for, keys_of
from tests.quizzes.test_attempts import _flat, start


@pytest.fixture
def quiz(load_quiz, quiz_data):
    return load_quiz(quiz_data)


@pytest.fixture
def logged_in(auth, member):
    member.locale = "en"
    db.session.commit()
    auth.login_as(member)
    return member


def _matching_entry(attempt):
    keys = keys_of(attempt)
    return next(e for e in attempt.layout if e["question_id"] == keys["q-match"])


def test_matching_renders_as_radio_groups_with_the_full_text(client, quiz, logged_in):
    attempt = start(client)
    page = client.get(f"/quiz/attempts/{attempt.id}").get_data(as_text=True)
    entry = _matching_entry(attempt)
    block = page.split(f'id="question-{entry["question_id"]}"', 1)[1]
    block = re.split(r'<fieldset class="question"|</form>', block, maxsplit=1)[0]
    assert "<select" not in block
    assert block.count('<fieldset class="match"') == 3
    for left_token in entry["left_tokens"]:
        name = f'q{entry["question_id"]}-{left_token}'
        radios = re.findall(rf'<input type="radio" name="{name}" value="([0-9a-f]+)"', block)
        assert sorted(radios) == sorted(entry["tokens"])  # one radio per right-hand item
    for i in range(1, 4):
        assert f"<legend>EN Trái {i}</legend>" in block and f"<span>EN Phải {i}</span>" in block


def test_matching_grades_as_before(client, quiz, logged_in, completions):
    attempt = start(client)
    answers = dict(ALL_RIGHT, **{"q-match": {"p1": "p1", "p2": "p3", "p3": "p2"}})
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, answers)))
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    key = str(keys_of(done)["q-match"])
    assert done.results[key] == pytest.approx(1 / 3, abs=1e-3)
    assert done.score == pytest.approx(100 * (5 + 1 / 3) / 6, abs=0.01)


def test_save_without_javascript_keeps_the_answers_and_does_not_submit(client, quiz, logged_in):
    attempt = start(client)
    page = client.get(f"/quiz/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(rf'id="quiz-save"[^>]*formaction="/quiz/attempts/{attempt.id}/save"', page)
    assert "Save my answers" in page
    form = form_for(attempt, {"q-single": "b", "q-tf": "false", "q-match": {"p1": "p2"}})
    response = client.post(f"/quiz/attempts/{attempt.id}/save", data=_flat(form))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quiz/attempts/{attempt.id}")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).submitted_at is None
    keys = keys_of(attempt)
    saved = services.saved_answers(attempt.id)
    assert saved[str(keys["q-single"])] == "b" and saved[str(keys["q-tf"])] == "false"
    assert saved[str(keys["q-match"])] == {"p1": "p2"}
    again = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your answers are saved, not submitted yet." in again
    entry = _matching_entry(attempt)
    right = dict(zip(entry["order"], entry["tokens"], strict=True))["p2"]
    assert re.search(rf'name="q{entry["question_id"]}-{entry["left_tokens"][entry["left"].index("p1")]}" value="{right}" checked', again)


def test_save_without_javascript_after_submitting_shows_the_result(client, quiz, logged_in, completions):
    attempt = start(client)
    client.post(f"/quiz/attempts/{attempt.id}/submit", data={})
    response = client.post(f"/quiz/attempts/{attempt.id}/save", data={"seen": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")


def test_intro_says_the_time_runs_while_the_page_is_closed(client, quiz, logged_in):
    intro = client.get("/modules/vneid/quiz").get_data(as_text=True)
    assert "The time keeps running even while the page is closed." in intro
    assert "you can close the page and continue later" not in intro


def test_review_can_show_only_my_mistakes(client, quiz, logged_in, completions):
    attempt = start(client)
    answers = dict(ALL_RIGHT, **{"q-single": "a", "q-tf": "true"})
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, answers)))
    url = f"/quiz/attempts/{attempt.id}/result"
    full = client.get(url).get_data(as_text=True)
    assert full.count('class="question review"') == 6 and "Only my mistakes (2)" in full
    only = client.get(url + "?only=wrong").get_data(as_text=True)
    assert only.count('class="question review"') == 2
    keys = keys_of(attempt)
    assert f'id="review-{keys["q-single"]}"' in only and f'id="review-{keys["q-tf"]}"' in only
    assert f'id="review-{keys["q-order"]}"' not in only
    # The numbers stay those of the attempt ("Question 4/6"), not of the filtered list.
    assert "/6" in only and "/2<" not in only
    assert db.session.scalars(select(Attempt)).one().passed is False
