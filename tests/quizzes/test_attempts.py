"""Attempts through the web: start, save, submit, review, integrity, time limit, tabs."""

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.models_base import utcnow
from lms.quizzes import services
from lms.quizzes.models import Attempt, Question
from tests.factories import PASSWORD
from tests.quizzes.conftest import ALL_RIGHT, form_for, keys_of


@pytest.fixture
def quiz(load_quiz, quiz_data):
    return load_quiz(quiz_data)


@pytest.fixture
def logged_in(auth, member):
    auth.login_as(member)
    return member


def start(client, slug="vneid"):
    response = client.post(f"/modules/{slug}/quiz", data={})
    assert response.status_code == 302, response.get_data(as_text=True)
    attempt_id = int(re.search(r"/quiz/attempts/(\d+)", response.headers["Location"]).group(1))
    return db.session.get(Attempt, attempt_id)


def count_attempts():
    return db.session.scalar(select(func.count(Attempt.id)))


def test_intro_then_start_creates_an_attempt_with_stored_layout(client, quiz, logged_in):
    intro = client.get("/modules/vneid/quiz").get_data(as_text=True)
    assert 'id="quiz-start"' in intro and "20" in intro
    attempt = start(client)
    assert attempt.user_id == logged_in.id and attempt.version_id == quiz.current_version_id
    assert len(attempt.layout) == 6 and attempt.deadline_at is not None
    page = client.get(f"/quiz/attempts/{attempt.id}").get_data(as_text=True)
    assert page.count('class="question"') == 6
    assert "Question 1/6" in page or "Câu 1/6" in page
    assert "quiz.js" in page


def test_second_tab_resumes_the_same_attempt(client, quiz, logged_in):
    first = start(client)
    second = start(client)
    assert first.id == second.id and count_attempts() == 1


def test_racing_start_returns_the_existing_attempt(app, quiz, member, monkeypatch):
    existing = services.start_attempt(member.id, quiz)
    real = services.open_attempt
    calls = []

    def blind(user_id, quiz_id):  # the racing request did not see the other's row yet
        calls.append(1)
        return None if len(calls) == 1 else real(user_id, quiz_id)

    monkeypatch.setattr(services, "open_attempt", blind)
    again = services.start_attempt(member.id, quiz)
    assert again.id == existing.id and count_attempts() == 1


def test_page_never_contains_correct_answers(client, quiz, logged_in):
    """Flip every correct answer in the stored data: the attempt page must not change."""
    attempt = start(client)
    url = f"/quiz/attempts/{attempt.id}"
    before = client.get(url).get_data(as_text=True)
    questions = db.session.scalars(
        select(Question).where(Question.version_id == attempt.version_id)).all()
    layout = [dict(e) for e in attempt.layout]
    for question in questions:
        data = dict(question.data)
        entry = next(e for e in layout if e["question_id"] == question.id)
        if data["type"] in ("single", "multiple", "scenario"):
            data["options"] = [dict(o, correct=not o["correct"]) for o in data["options"]]
        elif data["type"] == "true_false":
            data["answer"] = not data["answer"]
        elif data["type"] == "ordering":
            data["steps"] = list(reversed(data["steps"]))
        elif data["type"] == "matching":
            # Rotate which right text belongs to which left; move the tokens with the texts
            # so that the page shows the same texts with the same values.
            pairs = data["pairs"]
            rights = [p["right"] for p in pairs]
            rotated = rights[1:] + rights[:1]
            data["pairs"] = [dict(p, right=r) for p, r in zip(pairs, rotated, strict=True)]
            ids = [p["id"] for p in pairs]
            new_id_of_text = {ids[i]: ids[i - 1] for i in range(len(ids))}
            token_of = dict(zip(entry["order"], entry["tokens"], strict=True))
            entry["order"] = [new_id_of_text[i] for i in entry["order"]]
            entry["tokens"] = [token_of[i] for i in [o for o in token_of]]
        question.data = data
    attempt.layout = layout
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    # CSRF tokens carry a timestamp, so two requests a second apart differ: drop every token input.
    strip = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
    assert strip.sub("", before) == strip.sub("", after)
    for word in ("correct", "answer=", "data-answer"):
        assert word not in before.split("<main")[1].replace("quiz-", "")


def test_saves_merge_and_survive_a_reload(client, quiz, logged_in):
    attempt = start(client)
    url = f"/quiz/attempts/{attempt.id}/save"
    headers = {"Accept": "application/json", "X-Requested-With": "fetch"}
    one = client.post(url, data=_flat(form_for(attempt, {"q-single": "b"})), headers=headers)
    assert one.status_code == 200 and one.get_json()["saved"] is True
    two = client.post(url, data=_flat(form_for(attempt, {"q-multi": ["a", "c"]})), headers=headers)
    assert two.get_json()["answered"] == 2
    # The count is of questions, not of saves: saving again, alone or together, adds none.
    again = client.post(url, data=_flat(form_for(attempt, {"q-single": "c"})), headers=headers)
    assert again.get_json()["answered"] == 2
    both = client.post(url, data=_flat(form_for(attempt, {"q-single": "b", "q-multi": ["a", "c"]})),
                       headers=headers)
    assert both.get_json()["answered"] == 2
    saved = services.saved_answers(attempt.id)
    keys = keys_of(attempt)
    assert saved[str(keys["q-single"])] == "b" and sorted(saved[str(keys["q-multi"])]) == ["a", "c"]
    # Unticking every box of a several-answer question is saved as "no choice".
    client.post(url, data={"seen": str(keys["q-multi"])}, headers=headers)
    assert services.saved_answers(attempt.id)[str(keys["q-multi"])] == []
    # A reload shows the saved choice checked.
    page = client.get(f"/quiz/attempts/{attempt.id}").get_data(as_text=True)
    entry = next(e for e in attempt.layout if e["question_id"] == keys["q-single"])
    token = dict(zip(entry["order"], entry["tokens"], strict=True))["b"]
    assert re.search(rf'value="{token}"\s+checked', page)


def _flat(form):
    return MultiDict([(k, v) for k, values in form.items() for v in values])


def test_full_form_submit_without_javascript_grades_everything(client, quiz, logged_in,
                                                              completions):
    attempt = start(client)
    response = client.post(f"/quiz/attempts/{attempt.id}/submit",
                           data=_flat(form_for(attempt, ALL_RIGHT)))
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert done.score == 100 and done.passed and done.submitted_at is not None
    assert completions == [(logged_in.id, quiz.module_id)]
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100" in review and "Giải thích nối" in review


def test_partial_submission_and_review(client, quiz, logged_in, completions):
    attempt = start(client)
    answers = {"q-single": "a", "q-multi": ["a"], "q-tf": "false",
               "q-order": ["s2", "s1", "s3", "s4"], "q-match": {"p1": "p1", "p2": "p3", "p3": "p2"}}
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, answers)))
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    # (0 + 0.5 + 1 + 0.5 + 1/3 + 0) / 6
    assert done.score == pytest.approx(100 * (0 + 0.5 + 1 + 0.5 + 1 / 3) / 6, abs=0.01)
    assert not done.passed and completions == []
    review = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Nhận xét a" in review  # feedback of the chosen option
    assert "Giải thích một" in review  # explanation


def test_double_submit_is_idempotent(client, quiz, logged_in, completions):
    attempt = start(client)
    form = _flat(form_for(attempt, ALL_RIGHT))
    first = client.post(f"/quiz/attempts/{attempt.id}/submit", data=form)
    db.session.expire_all()
    submitted_at = db.session.get(Attempt, attempt.id).submitted_at
    wrong = _flat(form_for(attempt, {"q-single": "a"}))
    second = client.post(f"/quiz/attempts/{attempt.id}/submit", data=wrong)
    assert first.headers["Location"] == second.headers["Location"]
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert done.score == 100 and done.submitted_at == submitted_at
    assert count_attempts() == 1 and len(completions) == 1
    # The other tab saving after the submit gets a clear refusal pointing at the result.
    late = client.post(f"/quiz/attempts/{attempt.id}/save", data=wrong,
                       headers={"Accept": "application/json"})
    assert late.status_code == 409 and late.get_json()["result_url"].endswith("/result")
    # The other tab's attempt page shows the result.
    assert client.get(f"/quiz/attempts/{attempt.id}").headers["Location"].endswith("/result")


def test_back_button_start_form_does_not_open_a_new_attempt(client, quiz, logged_in):
    intro = client.get("/modules/vneid/quiz").get_data(as_text=True)
    seen = re.search(r'name="seen" value="(\d+)"', intro).group(1)
    attempt = start(client)
    client.post(f"/quiz/attempts/{attempt.id}/submit", data={})
    again = client.post("/modules/vneid/quiz", data={"seen": seen})
    assert again.headers["Location"].endswith("/modules/vneid/quiz")
    assert count_attempts() == 1


def test_time_limit_is_enforced_on_the_server(app, quiz, member):
    start_time = utcnow() - timedelta(minutes=30)
    attempt = services.start_attempt(member.id, quiz, now=start_time)
    assert attempt.deadline_at is not None
    on_time = start_time + timedelta(minutes=20, seconds=20)  # within the grace
    services.save_answers(attempt.id, member.id, _flat(form_for(attempt, {"q-single": "b"})),
                          now=on_time)
    late = start_time + timedelta(minutes=21)
    with pytest.raises(services.QuizError) as exc:
        services.save_answers(attempt.id, member.id, _flat(form_for(attempt, {"q-tf": "false"})),
                              now=late)
    assert exc.value.code == "expired"
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert graded.submitted_at is not None
    assert graded.score == pytest.approx(100 / 6, abs=0.01)  # only the answer saved in time
    # A submit arriving later cannot change it.
    services.submit_attempt(attempt.id, member.id, _flat(form_for(attempt, ALL_RIGHT)))
    assert db.session.get(Attempt, attempt.id).score == pytest.approx(100 / 6, abs=0.01)


def test_late_submit_is_graded_with_what_was_saved(app, quiz, member):
    start_time = utcnow() - timedelta(minutes=25)
    attempt = services.start_attempt(member.id, quiz, now=start_time)
    services.save_answers(attempt.id, member.id, _flat(form_for(attempt, {"q-single": "b"})),
                          now=start_time + timedelta(minutes=1))
    services.submit_attempt(attempt.id, member.id, _flat(form_for(attempt, ALL_RIGHT)))
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).score == pytest.approx(100 / 6, abs=0.01)


def test_expired_attempt_is_graded_when_opened(client, quiz, logged_in):
    attempt = start(client)
    attempt.deadline_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.get(f"/quiz/attempts/{attempt.id}")
    assert response.headers["Location"].endswith("/result")
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).submitted_at is not None
    fresh = start(client)  # the next start draws a new attempt
    assert fresh.id != attempt.id


def test_max_attempts(client, load_quiz, quiz_data, logged_in):
    quiz_data["max_attempts"] = 2
    load_quiz(quiz_data)
    for _ in range(2):
        attempt = start(client)
        client.post(f"/quiz/attempts/{attempt.id}/submit", data={})
    response = client.post("/modules/vneid/quiz", data={}, follow_redirects=True)
    assert count_attempts() == 2
    html = response.get_data(as_text=True)
    assert "quiz-start" not in html


def _shows_answers(html: str) -> bool:
    """Whether the review marks a right answer (the labels of result.html, in either language;
    the notes saying when answers are shown do not count)."""
    marks = ("Đáp án đúng:", "Thứ tự đúng:", '<span class="badge ok">Đáp án đúng</span>',
             "Right answer:", "Right order:", '<span class="badge ok">Right answer</span>')
    return any(mark in html for mark in marks)


@pytest.mark.parametrize("show, passed, visible", [
    ("after_pass_or_last", False, False), ("after_pass_or_last", True, True),
    ("never", True, False), ("after_pass", False, False), ("after_pass", True, True),
])
def test_review_reveals_answers_per_show_correct(client, load_quiz, quiz_data, logged_in,
                                                completions, show, passed, visible):
    quiz_data["show_correct"] = show
    load_quiz(quiz_data)
    attempt = start(client)
    answers = ALL_RIGHT if passed else {"q-single": "a"}
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, answers)))
    html = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
    assert _shows_answers(html) is visible
    assert ('id="quiz-answers-hidden"' in html) is not visible


def test_blank_attempts_do_not_reveal_the_answers(client, quiz, logged_in):
    """The farming attack: blank attempts one after another never show a right answer, and
    stop at the daily limit."""
    for _ in range(3):
        attempt = start(client)
        client.post(f"/quiz/attempts/{attempt.id}/submit", data={})
        html = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
        assert not _shows_answers(html)
    refused = client.post("/modules/vneid/quiz", data={})
    assert refused.headers["Location"].endswith("/modules/vneid/quiz") and count_attempts() == 3
    # Today's limit is not the last attempt: tomorrow's attempt could copy the answers.
    for attempt in db.session.scalars(select(Attempt)):
        html = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
        assert not _shows_answers(html)


def test_answers_are_shown_after_the_last_allowed_attempt(client, load_quiz, quiz_data,
                                                         logged_in):
    quiz_data.update(max_attempts=2)
    load_quiz(quiz_data)
    first = start(client)
    client.post(f"/quiz/attempts/{first.id}/submit", data={})
    assert not _shows_answers(client.get(f"/quiz/attempts/{first.id}/result").get_data(as_text=True))
    last = start(client)
    # While the last attempt is open, an earlier review still hides the answers.
    assert not _shows_answers(client.get(f"/quiz/attempts/{first.id}/result").get_data(as_text=True))
    client.post(f"/quiz/attempts/{last.id}/submit", data={})
    for attempt in (first, last):
        html = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
        assert _shows_answers(html)


def test_other_members_attempts_are_404(client, auth, quiz, member, make):
    attempt = services.start_attempt(member.id, quiz)
    other = make.user(full_name="Lê Văn Khác")
    make.commit()
    auth.login_as(other)
    for path in ("", "/result"):
        assert client.get(f"/quiz/attempts/{attempt.id}{path}").status_code == 404
    assert client.post(f"/quiz/attempts/{attempt.id}/submit").status_code == 404
    assert client.post(f"/quiz/attempts/{attempt.id}/save").status_code == 404


def test_unknown_module_is_404(client, logged_in):
    assert client.get("/modules/khong-co/quiz").status_code == 404


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_save_accepts_the_csrf_header(client, quiz, member):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"phone": member.phone, "password": PASSWORD, "csrf_token": token})
    # The test app context outlives requests: drop the token cached in ``g`` before login.
    g.pop("csrf_token", None)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/modules/vneid/quiz").get_data(as_text=True)).group(1)
    response = client.post("/modules/vneid/quiz", data={"csrf_token": token})
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    form = _flat(form_for(attempt, {"q-single": "b"}))
    assert client.post(f"/quiz/attempts/{attempt_id}/save", data=form).status_code == 400
    ok = client.post(f"/quiz/attempts/{attempt_id}/save", data=form,
                     headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert ok.status_code == 200


def test_home_shows_the_open_attempt(client, quiz, logged_in):
    attempt = start(client)
    client.post(f"/quiz/attempts/{attempt.id}/save",
                data=_flat(form_for(attempt, {"q-single": "b", "q-tf": "true"})),
                headers={"Accept": "application/json"})
    home = client.get("/").get_data(as_text=True)
    assert f"/quiz/attempts/{attempt.id}" in home
    assert "answered 2 of 6" in home or "đã trả lời 2/6" in home


def test_pages_render_in_english(client, quiz, member, auth, completions):
    member.locale = "en"
    db.session.commit()
    auth.login_as(member)
    attempt = start(client)
    page = client.get(f"/quiz/attempts/{attempt.id}").get_data(as_text=True)
    assert "Question 1/6" in page and "EN Chọn một" in page
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, ALL_RIGHT)))
    review = client.get(f"/quiz/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "EN Giải thích một" in review and "Right answer" in review


def test_passing_completes_the_module_through_courses(client, quiz, logged_in):
    from lms.courses.models import Lesson, LessonProgress, ModuleCompletion

    lesson = Lesson(module_id=quiz.module_id, slug="bai-1", title_vi="Bài 1", title_en="Lesson 1")
    db.session.add(lesson)
    db.session.flush()
    db.session.add(LessonProgress(user_id=logged_in.id, lesson_id=lesson.id))
    db.session.commit()
    failed = start(client)
    client.post(f"/quiz/attempts/{failed.id}/submit", data={})
    assert db.session.scalar(select(func.count(ModuleCompletion.id))) == 0
    attempt = start(client)
    client.post(f"/quiz/attempts/{attempt.id}/submit", data=_flat(form_for(attempt, ALL_RIGHT)))
    completion = db.session.scalars(select(ModuleCompletion)).one()
    assert completion.attempt_id == attempt.id and completion.score == 100


def test_saves_read_the_question_type_from_the_layout(app, quiz, member):
    """The busiest request of a training morning: a save reads the attempt and writes the
    answers, and needs no question row, because the layout carries each question's type."""
    from sqlalchemy import event

    attempt = services.start_attempt(member.id, quiz)
    assert all({"type", "multiple"} <= set(entry) for entry in attempt.layout)
    form = _flat(form_for(attempt, {"q-multi": ["a", "b"], "q-tf": "false"}))
    db.session.commit()
    statements: list[str] = []
    engine = db.engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        services.save_answers(attempt.id, member.id, form)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert not [s for s in statements if "FROM questions" in s]
    keys = keys_of(attempt)
    saved = services.saved_answers(attempt.id)
    assert set(saved) == {str(keys["q-multi"]), str(keys["q-tf"])}
    assert sorted(saved[str(keys["q-multi"])]) == ["a", "b"] and saved[str(keys["q-tf"])] == "false"


def test_attempts_started_before_the_layout_had_types_still_save_and_grade(app, quiz, member):
    """An attempt running during the upgrade has a layout without ``type``: its saves read
    the question rows, and every kind of answer is kept and graded as before."""
    attempt = services.start_attempt(member.id, quiz)
    attempt.layout = [{k: v for k, v in entry.items() if k not in ("type", "multiple")}
                      for entry in attempt.layout]
    db.session.commit()
    for key, answer in ALL_RIGHT.items():
        services.save_answers(attempt.id, member.id, _flat(form_for(attempt, {key: answer})))
    assert len(services.saved_answers(attempt.id)) == len(ALL_RIGHT)
    done = services.submit_attempt(attempt.id, member.id)
    assert done.score == 100 and done.passed
