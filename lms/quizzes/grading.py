"""Pure quiz logic: drawing a layout, reading answers from a form, grading, the review.

Answers are stored in terms of the ids of quiz.yaml (option, step and pair ids); the page only
ever shows per-attempt opaque tokens, so nothing on it tells which choice is right.

Stored answer shapes (``AttemptAnswer.value``, read as ``{str(question_id): value}``):
- single / scenario: ``"<option id>"``; multiple / multiple scenario: ``["<option id>", ...]``
- true_false: ``"true"`` or ``"false"``
- ordering: ``["<step id>", ...]`` in the learner's order
- matching: ``{"<left pair id>": "<right pair id>"}``
"""

from __future__ import annotations

import random


def _token(rng: random.Random, used: set) -> str:
    while True:
        token = f"{rng.getrandbits(40):010x}"
        if token not in used:
            used.add(token)
            return token


def items_of(data: dict) -> list[str]:
    """The ids of a question's choosable items (options, steps or pairs)."""
    if data["type"] == "true_false":
        return ["true", "false"]
    if data["type"] == "ordering":
        return [s["id"] for s in data["steps"]]
    if data["type"] == "matching":
        return [p["id"] for p in data["pairs"]]
    return [o["id"] for o in data["options"]]


def draw_layout(questions: list, settings: dict, rng: random.Random) -> list[dict]:
    """Pick ``draw`` questions and their display order; give every item a token.

    ``questions`` are ``Question`` rows (``id``, ``data``). Each entry:
    ``{"question_id", "type", "multiple", "order": [item ids shown], "tokens": [token per shown
    item]}`` and, for matching, ``"left"``/``"left_tokens"`` (left items in display order).
    Attempts started before ``type`` and ``multiple`` were recorded lack them: see
    :func:`shape`.
    """
    pool = list(questions)
    draw = min(settings.get("draw") or len(pool), len(pool))
    chosen = rng.sample(pool, draw) if draw < len(pool) else pool
    if settings.get("shuffle_questions", True):
        chosen = list(chosen)
        rng.shuffle(chosen)
    else:
        chosen = sorted(chosen, key=lambda q: q.position)
    used: set = set()
    layout = []
    for question in chosen:
        order = items_of(question.data)
        if question.data["type"] != "true_false" and settings.get("shuffle_options", True):
            order = list(order)
            rng.shuffle(order)
            if question.data["type"] == "ordering" and len(order) > 1:
                correct = items_of(question.data)
                while order == correct:  # never show the steps already in order
                    rng.shuffle(order)
        # The type travels with the layout so that reading a saved answer needs no question
        # row (the autosave of every answer is the busiest request of a training morning).
        entry = {"question_id": question.id, "type": question.data["type"],
                 "multiple": bool(question.data.get("multiple")), "order": order,
                 "tokens": [_token(rng, used) for _ in order]}
        if question.data["type"] == "matching":
            entry["left"] = items_of(question.data)
            entry["left_tokens"] = [_token(rng, used) for _ in entry["left"]]
        layout.append(entry)
    return layout


def field_name(entry: dict, suffix: str | None = None) -> str:
    """The form field name of a question (``q<id>``) or of one of its items."""
    base = f"q{entry['question_id']}"
    return f"{base}-{suffix}" if suffix else base


def shape(entry: dict, datas: dict[int, dict]) -> tuple[str, bool] | None:
    """``(type, multiple)`` of a layout entry, from the entry itself or, for attempts started
    before the layout recorded them, from the question's spec in ``datas``."""
    if "type" in entry:
        return entry["type"], entry.get("multiple", False)
    data = datas.get(entry["question_id"])
    if data is None:
        return None
    return data["type"], bool(data.get("multiple"))


def questions_in_form(form) -> set[int]:
    """The ids of the questions a form carries a field for (``q<id>`` or ``q<id>-<item>``) or
    lists in ``seen``: the only ones :func:`parse_answers` may need the specs of."""
    ids = {int(value) for value in form.getlist("seen") if value.isdigit()}
    for key in form.keys():
        if key.startswith("q"):
            number = key[1:].split("-", 1)[0]
            if number.isdigit():
                ids.add(int(number))
    return ids


def parse_answers(layout: list[dict], datas: dict[int, dict], form) -> dict[str, object]:
    """Read the answers present in ``form`` (a MultiDict) into stored shapes.

    Only the questions listed in the form's ``seen`` values (or having a field) are returned,
    so that saving one question never wipes the others.
    """
    seen = set(form.getlist("seen"))
    answers: dict[str, object] = {}
    for entry in layout:
        qid = entry["question_id"]
        kind = shape(entry, datas)
        if kind is None:
            continue
        qtype, multiple = kind
        name = field_name(entry)
        by_token = dict(zip(entry["tokens"], entry["order"], strict=False))
        present = str(qid) in seen
        if qtype == "true_false":
            value = form.get(name)
            if value in ("true", "false"):
                answers[str(qid)] = value
        elif qtype in ("single", "multiple", "scenario"):
            if multiple:
                values = [by_token[t] for t in form.getlist(name) if t in by_token]
                if values or present or name in form:
                    answers[str(qid)] = [i for i in entry["order"] if i in values]
            else:
                value = by_token.get(form.get(name, ""))
                if value:
                    answers[str(qid)] = value
        elif qtype == "ordering":
            positions = []
            for index, (token, step) in enumerate(zip(entry["tokens"], entry["order"],
                                                      strict=False)):
                raw = form.get(field_name(entry, token))
                try:
                    pos = int(raw)
                except (TypeError, ValueError):
                    pos = None
                if pos is not None and 1 <= pos <= len(entry["order"]):
                    positions.append((pos, index, step))
            if len(positions) == len(entry["order"]):
                answers[str(qid)] = [step for _pos, _i, step in sorted(positions)]
        elif qtype == "matching":
            pairs = {}
            for token, left in zip(entry["left_tokens"], entry["left"], strict=False):
                right = by_token.get(form.get(field_name(entry, token), ""))
                if right:
                    pairs[left] = right
            if pairs or present:
                answers[str(qid)] = pairs
    return answers


def grade_question(data: dict, answer) -> float:
    """Points (0–1) earned by ``answer`` on a question, as content/README.md says."""
    qtype = data["type"]
    if answer is None:
        return 0.0
    if qtype == "true_false":
        return 1.0 if answer == ("true" if data["answer"] else "false") else 0.0
    if qtype in ("single", "multiple", "scenario"):
        correct = {o["id"] for o in data["options"] if o.get("correct")}
        if not data.get("multiple"):
            return 1.0 if isinstance(answer, str) and answer in correct else 0.0
        chosen = set(answer) if isinstance(answer, list) else set()
        if data.get("scoring") == "partial":
            right = len(chosen & correct)
            wrong = len(chosen - correct)
            return max(0.0, (right - wrong) / len(correct))
        return 1.0 if chosen == correct else 0.0
    if qtype == "ordering":
        steps = items_of(data)
        if not isinstance(answer, list):
            return 0.0
        return sum(1 for a, b in zip(answer, steps, strict=False) if a == b) / len(steps)
    if qtype == "matching":
        if not isinstance(answer, dict):
            return 0.0
        pairs = items_of(data)
        return sum(1 for p in pairs if answer.get(p) == p) / len(pairs)
    return 0.0


def grade(layout: list[dict], datas: dict[int, dict], answers: dict, pass_mark: int):
    """Grade an attempt: ``(score percent, passed, {question id: points})``."""
    results = {}
    for entry in layout:
        qid = entry["question_id"]
        results[str(qid)] = round(grade_question(datas[qid], answers.get(str(qid))), 4)
    total = len(layout)
    score = round(100 * sum(results.values()) / total, 2) if total else 0.0
    return score, score + 1e-9 >= pass_mark, results


def is_answered(data: dict, answer) -> bool:
    """Whether a stored answer counts as answered (for the progress count)."""
    if answer is None:
        return False
    if data["type"] == "matching":
        return bool(answer) and len(answer) == len(data["pairs"])
    return answer != []
