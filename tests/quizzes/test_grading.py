"""Grading of every question type, as content/README.md says."""

import random

import pytest

from lms.quizzes import grading
from tests.quizzes.conftest import QUIZ

Q = {q["id"]: q for q in QUIZ["questions"]}


def data(key, **changes):
    out = dict(Q[key])
    out.update(changes)
    if out["type"] in ("single", "scenario"):
        out.setdefault("multiple", False)
    if out["type"] == "multiple":
        out["multiple"] = True
    return out


@pytest.mark.parametrize("answer, points", [("b", 1), ("a", 0), (None, 0), (["b"], 0)])
def test_single(answer, points):
    assert grading.grade_question(data("q-single"), answer) == points


@pytest.mark.parametrize("answer, points", [
    (["a", "b"], 1.0), (["a"], 0.5), (["a", "c"], 0.0), (["a", "b", "c"], 0.5),
    (["c", "d"], 0.0), ([], 0.0),
])
def test_multiple_partial_credit(answer, points):
    assert grading.grade_question(data("q-multi"), answer) == pytest.approx(points)


@pytest.mark.parametrize("answer, points", [(["a", "b"], 1), (["a"], 0), (["a", "b", "c"], 0)])
def test_multiple_all_or_nothing(answer, points):
    assert grading.grade_question(data("q-multi", scoring="all_or_nothing"), answer) == points


@pytest.mark.parametrize("answer, points", [("false", 1), ("true", 0), (None, 0)])
def test_true_false(answer, points):
    assert grading.grade_question(data("q-tf"), answer) == points


@pytest.mark.parametrize("answer, points", [
    (["s1", "s2", "s3", "s4"], 1.0), (["s2", "s1", "s3", "s4"], 0.5),
    (["s4", "s3", "s2", "s1"], 0.0), (["s1", "s3", "s2", "s4"], 0.5),
])
def test_ordering_share_in_place(answer, points):
    assert grading.grade_question(data("q-order"), answer) == pytest.approx(points)


@pytest.mark.parametrize("answer, points", [
    ({"p1": "p1", "p2": "p2", "p3": "p3"}, 1.0), ({"p1": "p1", "p2": "p3", "p3": "p2"}, 1 / 3),
    ({"p1": "p1"}, 1 / 3), ({}, 0.0),
])
def test_matching_share_matched(answer, points):
    assert grading.grade_question(data("q-match"), answer) == pytest.approx(points)


def test_scenario_single_and_multiple():
    assert grading.grade_question(data("q-scen"), "b") == 1
    multi = data("q-scen", multiple=True, scoring="partial",
                 options=[{"id": "a", "correct": True}, {"id": "b", "correct": True},
                          {"id": "c", "correct": False}])
    assert grading.grade_question(multi, ["a"]) == 0.5
    assert grading.grade_question(multi, ["a", "b"]) == 1


class _Q:
    def __init__(self, qid, spec, position):
        self.id, self.data, self.position = qid, spec, position


def test_grade_total_and_pass_mark():
    questions = [_Q(i + 1, data(k), i) for i, k in enumerate(["q-single", "q-multi", "q-tf", "q-order"])]
    layout = grading.draw_layout(questions, {"draw": 4}, random.Random(1))
    datas = {q.id: q.data for q in questions}
    answers = {"1": "b", "2": ["a"], "3": "false", "4": ["s1", "s2", "s4", "s3"]}
    score, passed, results = grading.grade(layout, datas, answers, 70)
    assert results == {"1": 1.0, "2": 0.5, "3": 1.0, "4": 0.5}
    assert score == 75.0 and passed
    assert grading.grade(layout, datas, answers, 80)[1] is False


def test_layout_draws_and_shuffles_with_opaque_tokens():
    questions = [_Q(i + 1, data(k), i) for i, k in enumerate(Q)]
    layout = grading.draw_layout(questions, {"draw": 4}, random.Random(7))
    assert len(layout) == 4 and len({e["question_id"] for e in layout}) == 4
    tokens = [t for e in layout for t in e["tokens"] + e.get("left_tokens", [])]
    assert len(tokens) == len(set(tokens))
    for entry in layout:
        assert not set(entry["tokens"]) & set(entry["order"])
        if datas_type(questions, entry) == "ordering":
            assert entry["order"] != ["s1", "s2", "s3", "s4"]


def datas_type(questions, entry):
    return next(q.data["type"] for q in questions if q.id == entry["question_id"])
