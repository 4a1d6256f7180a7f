"""Answers are rows: parallel saves keep every answer, a closed attempt takes no save.

These tests use real threads, each with its own app context (so its own session and database
connection), against the run's shared database: the SQLite file, or PostgreSQL when
``TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import threading

import pytest
from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.quizzes import grading, services
from lms.quizzes.models import Attempt
from tests.quizzes.conftest import option, t

THREADS = 10


def wide_quiz() -> dict:
    """Ten single-answer questions, all drawn, no time limit: ``q1`` … ``q10``, right = ``b``."""
    return {
        "pass_mark": 70, "shuffle_questions": True, "shuffle_options": True,
        "time_limit_minutes": None, "max_attempts": None, "attempts_per_day": None,
        "questions": [
            {"id": f"q{n}", "type": "single", "prompt": t(f"Câu {n}"),
             "options": [option("a", "Sai"), option("b", "Đúng", True), option("c", "Sai nữa")],
             "explanation": t(f"Giải thích {n}")}
            for n in range(1, THREADS + 1)
        ],
    }


def answer_form(attempt: Attempt, question_id: int, option_id: str) -> MultiDict:
    """The form the page sends when one question is answered."""
    entry = next(e for e in attempt.layout if e["question_id"] == question_id)
    token = dict(zip(entry["order"], entry["tokens"], strict=True))[option_id]
    return MultiDict([("seen", str(question_id)), (f"q{question_id}", token)])


def run_together(app, jobs) -> list:
    """Run callables at the same moment, each in its own thread and app context; returns
    what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results[index] = job()
            except Exception as exc:  # noqa: BLE001 - handed back to the test
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def saving(attempt_id: int, user_id: int, form: MultiDict):
    """A job that saves ``form`` (plain ids only: ORM objects stay in the test's thread)."""
    return lambda: services.save_answers(attempt_id, user_id, form)


def submitting(attempt_id: int, user_id: int):
    """A job that submits the attempt."""
    return lambda: services.submit_attempt(attempt_id, user_id).id


@pytest.fixture
def wide(load_quiz):
    return load_quiz(wide_quiz())


def test_parallel_saves_of_different_questions_keep_every_answer(app, wide, member):
    for _round in range(3):
        attempt = services.start_attempt(member.id, wide)
        qids = [e["question_id"] for e in attempt.layout]
        forms = {qid: answer_form(attempt, qid, "b") for qid in qids}
        db.session.commit()
        results = run_together(app, [saving(attempt.id, member.id, forms[q]) for q in qids])
        assert not [r for r in results if isinstance(r, Exception)], results
        db.session.expire_all()
        assert services.saved_answers(attempt.id) == {str(q): "b" for q in qids}
        done = services.submit_attempt(attempt.id, member.id)
        assert done.score == 100


def test_parallel_saves_through_the_web_all_answer_saved_and_are_kept(app, wide, member):
    from tests.factories import PASSWORD

    attempt = services.start_attempt(member.id, wide)
    qids = [e["question_id"] for e in attempt.layout]
    forms = {qid: answer_form(attempt, qid, "b") for qid in qids}
    clients = []
    for _ in qids:
        client = app.test_client()
        client.post("/login", data={"phone": member.phone, "password": PASSWORD})
        clients.append(client)
    url = f"/quiz/attempts/{attempt.id}/save"
    headers = {"Accept": "application/json", "X-Requested-With": "fetch"}
    results = run_together(app, [
        (lambda c=c, q=q: c.post(url, data=forms[q], headers=headers).get_json())
        for c, q in zip(clients, qids, strict=True)
    ])
    assert all(r["saved"] is True for r in results), results
    db.session.expire_all()
    assert len(services.saved_answers(attempt.id)) == THREADS


def test_a_save_to_a_submitted_attempt_is_refused_with_a_message(client, auth, wide, member):
    auth.login_as(member)
    attempt = services.start_attempt(member.id, wide)
    first = attempt.layout[0]["question_id"]
    services.save_answers(attempt.id, member.id, answer_form(attempt, first, "a"))
    services.submit_attempt(attempt.id, member.id)
    with pytest.raises(services.QuizError) as exc:
        services.save_answers(attempt.id, member.id, answer_form(attempt, first, "b"))
    assert exc.value.code == "submitted"
    response = client.post(f"/quiz/attempts/{attempt.id}/save",
                           data=answer_form(attempt, first, "b"),
                           headers={"Accept": "application/json"})
    body = response.get_json()
    assert response.status_code == 409 and body["saved"] is False
    assert body["error"] == "submitted" and "not saved" in body["message"] or (
        "không được lưu" in body["message"])
    assert body["result_url"].endswith(f"/quiz/attempts/{attempt.id}/result")
    assert services.saved_answers(attempt.id) == {str(first): "a"}


def test_a_save_that_read_the_attempt_open_writes_nothing_once_it_is_submitted(
        app, wide, member, monkeypatch):
    """The narrowest race: the save checked the attempt (open), then a submit in another
    request graded it, then the save writes. The conditional upsert must write nothing."""
    attempt = services.start_attempt(member.id, wide)
    first, second = (e["question_id"] for e in attempt.layout[:2])
    services.save_answers(attempt.id, member.id, answer_form(attempt, first, "b"))
    real_load = services._load
    calls = []

    def load_then_someone_submits(attempt_id, user_id):
        seen = real_load(attempt_id, user_id)
        calls.append(seen.submitted_at)
        if len(calls) == 1:  # the save under test; the submit below loads normally
            run_together(app, [submitting(attempt_id, user_id)])
        return seen

    monkeypatch.setattr(services, "_load", load_then_someone_submits)
    with pytest.raises(services.QuizError) as exc:
        services.save_answers(attempt.id, member.id, answer_form(attempt, second, "b"))
    assert exc.value.code == "submitted" and calls[0] is None  # the save had seen it open
    db.session.expire_all()
    graded = db.session.get(Attempt, attempt.id)
    assert graded.submitted_at is not None and graded.score == pytest.approx(10)
    assert services.saved_answers(attempt.id) == {str(first): "b"}


def test_saves_racing_a_submit_never_change_the_graded_attempt(app, wide, member):
    """Saves and a submit at the same moment: whatever was saved before the submit is graded,
    whatever came after is refused; the graded attempt always matches its answer rows."""
    for _round in range(4):
        attempt = services.start_attempt(member.id, wide)
        qids = [e["question_id"] for e in attempt.layout]
        forms = {qid: answer_form(attempt, qid, "b") for qid in qids}
        datas = services.question_data(attempt)
        db.session.commit()
        jobs = [saving(attempt.id, member.id, forms[q]) for q in qids[:-1]]
        jobs.insert(len(jobs) // 2, submitting(attempt.id, member.id))
        results = run_together(app, jobs)
        errors = [r for r in results if isinstance(r, Exception)]
        assert all(isinstance(e, services.QuizError) and e.code == "submitted" for e in errors), errors
        db.session.expire_all()
        graded = db.session.get(Attempt, attempt.id)
        rows = services.saved_answers(attempt.id)
        saved_ok = sum(1 for r in results if isinstance(r, int)) - 1  # the submit's id
        assert len(rows) == saved_ok  # every confirmed save is a row, no refused one is
        score, passed, per_question = grading.grade(attempt.layout, datas, rows, 70)
        assert (graded.score, graded.passed, graded.results) == (score, passed, per_question)
