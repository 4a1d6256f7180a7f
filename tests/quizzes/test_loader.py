"""quiz.yaml validation (with line numbers), sync and version pinning, shipped pools."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.loader import validate_quiz
from lms.quizzes.models import Question, QuizVersion
from tests.quizzes.conftest import write_quiz

CONTENT = Path(__file__).resolve().parents[2] / "content"


def check(tmp_path, data):
    errors = []
    result = validate_quiz(write_quiz(tmp_path, data), "vneid", errors)
    return result, [str(e) for e in errors]


def test_valid_quiz_is_normalised(tmp_path, quiz_data):
    result, errors = check(tmp_path, quiz_data)
    assert errors == []
    assert result["settings"]["draw"] == 6
    assert result["settings"]["show_correct"] == "after_pass_or_last"
    types = {q["id"]: q for q in result["questions"]}
    assert types["q-scen"]["multiple"] is False and types["q-multi"]["scoring"] == "partial"
    assert types["q-tf"]["feedback"]["false"]["vi"] == "Đúng rồi"
    assert len(result["hash"]) == 64


def test_attempt_limits_default_to_three_a_day_and_can_be_set(tmp_path, quiz_data):
    quiz_data.pop("show_correct")
    result, errors = check(tmp_path, quiz_data)
    assert errors == [] and result["settings"]["attempts_per_day"] == 3
    assert result["settings"]["show_correct"] == "after_pass_or_last"
    quiz_data.update(attempts_per_day=None, show_correct="after_pass")
    result, errors = check(tmp_path, quiz_data)
    assert errors == [] and result["settings"]["attempts_per_day"] is None
    quiz_data.update(attempts_per_day=5)
    result, _errors = check(tmp_path, quiz_data)
    assert result["settings"]["attempts_per_day"] == 5


def test_error_reports_file_line_and_fix(tmp_path):
    text = """pass_mark: 70
draw: 1
questions:
  - id: q1
    type: single
    prompt: {vi: "Câu hỏi"}
    options:
      - id: a
        text: {vi: "A", en: "A"}
        correct: true
      - id: b
        text: {vi: "B", en: "B"}
    explanation: {vi: "x", en: "x"}
"""
    tmp_path.mkdir(exist_ok=True)
    path = tmp_path / "quiz.yaml"
    path.write_text(text, encoding="utf-8")
    errors = []
    assert validate_quiz(path, "vneid", errors) is None
    assert len(errors) == 1
    assert errors[0].line == 6 and errors[0].path == path
    assert "no en text" in errors[0].message and errors[0].hint


@pytest.mark.parametrize("change, message", [
    (lambda d: d["questions"][1].update(id="q-single"), "duplicate id 'q-single'"),
    (lambda d: d.update(draw=7), "`draw` is 7 but the pool has only 6"),
    (lambda d: d["questions"][0]["options"][0].update(correct=True), "exactly one correct"),
    (lambda d: [o.pop("correct", None) for o in d["questions"][1]["options"][1:]],
     "at least two correct"),
    (lambda d: d["questions"][2].update(answer="no"), "`answer` must be true or false"),
    (lambda d: d["questions"][3].update(steps=d["questions"][3]["steps"][:2]), "at least 3 `steps`"),
    (lambda d: d["questions"][4]["pairs"][1].update(right=d["questions"][4]["pairs"][0]["right"]),
     "same right text"),
    (lambda d: d["questions"][4].update(pairs=d["questions"][4]["pairs"][:2]), "at least 3 `pairs`"),
    (lambda d: d["questions"][5].update(image="images/missing.svg"), "does not exist"),
    (lambda d: d["questions"][0].update(type="essay"), "unknown type 'essay'"),
    (lambda d: d["questions"][0]["prompt"].pop("vi"), "no vi text"),
    (lambda d: d.update(show_correct="sometimes"), "`show_correct` 'sometimes'"),
    (lambda d: d.update(max_attempts=0), "`max_attempts` must be"),
    (lambda d: d.update(attempts_per_day=0), "`attempts_per_day` must be"),
    (lambda d: d.update(attempts_per_day="3"), "`attempts_per_day` must be"),
    (lambda d: d.update(show_correct="after_submit"), "would reveal every right answer"),
    (lambda d: d["questions"][0].update(id="Câu 1"), "is not valid"),
    (lambda d: d.update(shuffle="yes"), "unknown setting `shuffle`"),
])
def test_invalid_quiz_is_rejected(tmp_path, quiz_data, change, message):
    change(quiz_data)
    result, errors = check(tmp_path, quiz_data)
    assert result is None
    assert any(message in e for e in errors), errors
    assert all(":" in e and " — " in e for e in errors)


def test_scenario_image_must_exist(tmp_path, quiz_data):
    quiz_data["questions"][5]["image"] = "images/tin-nhan.svg"
    (tmp_path / "images").mkdir(parents=True)
    (tmp_path / "images" / "tin-nhan.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    result, errors = check(tmp_path, quiz_data)
    assert errors == [] and result["questions"][5]["image"] == "images/tin-nhan.svg"


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("pass_mark: 70\nquestions:\n  - id: [unclosed\n", encoding="utf-8")
    errors = []
    assert validate_quiz(path, "vneid", errors) is None
    assert errors[0].line is not None


def test_sync_creates_versions_only_when_content_changes(load_quiz, quiz_data, member):
    quiz = load_quiz(quiz_data)
    first = quiz.current_version
    assert first.number == 1 and len(first.questions) == 6
    assert load_quiz(quiz_data).current_version_id == first.id  # same file: nothing new
    assert db.session.scalar(select(func.count(QuizVersion.id))) == 1

    attempt = services.start_attempt(member.id, quiz)
    old_data = {q.key: dict(q.data) for q in first.questions}
    quiz_data["questions"][0]["prompt"]["vi"] = "Câu hỏi đã sửa"
    quiz = load_quiz(quiz_data)
    second = quiz.current_version
    assert second.number == 2 and second.id != first.id
    # The old version and the attempt drawn from it are untouched.
    db.session.expire_all()
    assert {q.key: q.data for q in db.session.get(QuizVersion, first.id).questions} == old_data
    assert db.session.get(type(attempt), attempt.id).version_id == first.id
    resumed = services.start_attempt(member.id, quiz)
    assert resumed.id == attempt.id and resumed.version_id == first.id
    services.submit_attempt(attempt.id, member.id)
    fresh = services.start_attempt(member.id, quiz)
    assert fresh.version_id == second.id
    ids = {e["question_id"] for e in fresh.layout}
    assert set(db.session.scalars(select(Question.version_id).where(Question.id.in_(ids)))) == {
        second.id}


QUIZ_FILES = sorted(CONTENT.glob("*/quiz.yaml"))


@pytest.mark.skipif(not QUIZ_FILES, reason="no quiz files in content/ yet")
@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.parent.name)
def test_shipped_quiz_pools(path):
    """Every shipped module: valid, ≥ 12 questions, ≥ 3 types, ≥ 3 scenarios, vi and en."""
    errors = []
    data = validate_quiz(path, path.parent.name.split("-", 1)[-1], errors)
    assert data is not None, "\n".join(str(e) for e in errors)
    questions = data["questions"]
    assert len(questions) >= 12
    assert len({q["type"] for q in questions}) >= 3
    assert sum(q["type"] == "scenario" for q in questions) >= 3
    assert data["settings"]["draw"] <= len(questions)
    for q in questions:  # validation already requires both; check nothing slipped through
        assert q["prompt"]["vi"] and q["prompt"]["en"]
