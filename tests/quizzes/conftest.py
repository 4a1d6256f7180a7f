"""Fixtures of the quizzes tests: a module with a quiz of every question type."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from lms.courses.models import Module
from lms.extensions import db
from lms.quizzes.loader import sync_quiz, validate_quiz
from lms.quizzes.models import Question, Quiz


def t(vi: str, en: str | None = None) -> dict:
    return {"vi": vi, "en": en or f"EN {vi}"}


def option(oid, text, correct=False):
    out = {"id": oid, "text": t(text), "feedback": t(f"Nhận xét {oid}")}
    if correct:
        out["correct"] = True
    return out


QUIZ = {
    "pass_mark": 70,
    "draw": 6,
    "shuffle_questions": True,
    "shuffle_options": True,
    "time_limit_minutes": 20,
    "max_attempts": None,
    "show_correct": "after_pass_or_last",
    "questions": [
        {"id": "q-single", "type": "single", "prompt": t("Chọn một"),
         "options": [option("a", "Sai một"), option("b", "Đúng", True), option("c", "Sai hai")],
         "explanation": t("Giải thích một")},
        {"id": "q-multi", "type": "multiple", "scoring": "partial", "prompt": t("Chọn nhiều"),
         "options": [option("a", "Đúng A", True), option("b", "Đúng B", True),
                     option("c", "Sai C"), option("d", "Sai D")],
         "explanation": t("Giải thích nhiều")},
        {"id": "q-tf", "type": "true_false", "prompt": t("Mệnh đề"), "answer": False,
         "feedback": {"true": t("Chưa đúng"), "false": t("Đúng rồi")},
         "explanation": t("Giải thích đúng sai")},
        {"id": "q-order", "type": "ordering", "prompt": t("Sắp xếp"),
         "steps": [{"id": f"s{i}", "text": t(f"Bước {i}")} for i in range(1, 5)],
         "explanation": t("Giải thích thứ tự")},
        {"id": "q-match", "type": "matching", "prompt": t("Nối"),
         "pairs": [{"id": f"p{i}", "left": t(f"Trái {i}"), "right": t(f"Phải {i}")}
                   for i in range(1, 4)],
         "explanation": t("Giải thích nối")},
        {"id": "q-scen", "type": "scenario", "scenario": t("Tin nhắn lạ\nBấm vào link"),
         "prompt": t("Bạn làm gì?"), "multiple": False,
         "options": [option("a", "Bấm link"), option("b", "Xóa tin nhắn", True)],
         "explanation": t("Giải thích tình huống")},
    ],
}


def write_quiz(folder: Path, data: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "quiz.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def quiz_data():
    """A fresh deep copy of the sample quiz spec."""
    return copy.deepcopy(QUIZ)


@pytest.fixture
def load_quiz(app, tmp_path):
    """``load_quiz(data, slug="vneid") -> Quiz``: validate, sync and commit a quiz file."""

    def load(data=None, slug="vneid"):
        module = db.session.scalars(select(Module).where(Module.slug == slug)).first()
        if module is None:
            module = Module(slug=slug, title_vi="Ứng dụng VNeID", title_en="The VNeID app",
                            position=1)
            db.session.add(module)
            db.session.flush()
        errors = []
        parsed = validate_quiz(write_quiz(tmp_path / slug, data or QUIZ), slug, errors)
        assert not errors, [str(e) for e in errors]
        sync_quiz(module, parsed)
        db.session.commit()
        return db.session.scalars(select(Quiz).where(Quiz.module_id == module.id)).one()

    return load


def keys_of(attempt) -> dict[str, int]:
    """``{question key: question id}`` for an attempt's drawn questions."""
    ids = [e["question_id"] for e in attempt.layout]
    return dict(db.session.execute(select(Question.key, Question.id).where(Question.id.in_(ids))).all())


def form_for(attempt, answers: dict) -> dict:
    """Form fields (as the page would send them) for answers given in quiz.yaml ids."""
    entries = {e["question_id"]: e for e in attempt.layout}
    keys = keys_of(attempt)
    form: dict[str, list[str]] = {"seen": []}
    for key, answer in answers.items():
        entry = entries[keys[key]]
        name = f"q{entry['question_id']}"
        form["seen"].append(str(entry["question_id"]))
        token = dict(zip(entry["order"], entry["tokens"], strict=False))
        if key == "q-tf":
            form[name] = [answer]
        elif key == "q-order":
            for position, step in enumerate(answer, 1):
                form[f"{name}-{token[step]}"] = [str(position)]
        elif key == "q-match":
            lefts = dict(zip(entry["left"], entry["left_tokens"], strict=False))
            for left, right in answer.items():
                form[f"{name}-{lefts[left]}"] = [token[right]]
        elif isinstance(answer, list):
            form[name] = [token[a] for a in answer]
        else:
            form[name] = [token[answer]]
    return form


ALL_RIGHT = {
    "q-single": "b", "q-multi": ["a", "b"], "q-tf": "false",
    "q-order": ["s1", "s2", "s3", "s4"], "q-match": {"p1": "p1", "p2": "p2", "p3": "p3"},
    "q-scen": "b",
}


@pytest.fixture
def member(make):
    """A member of a team (logged in by the tests that need it)."""
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    team = make.team(commune)
    person = make.member_of(team, full_name="Nguyễn Thị Mai")
    make.commit()
    return person


@pytest.fixture
def completions(monkeypatch):
    """Record calls to ``lms.courses.services.check_module_completion``."""
    import sys
    import types

    calls = []
    try:
        import lms.courses.services as courses_services
    except ImportError:
        courses_services = types.ModuleType("lms.courses.services")
        monkeypatch.setitem(sys.modules, "lms.courses.services", courses_services)
    monkeypatch.setattr(courses_services, "check_module_completion",
                        lambda user_id, module_id: calls.append((user_id, module_id)),
                        raising=False)
    return calls
