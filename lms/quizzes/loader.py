"""Validate ``quiz.yaml`` files and load them as immutable quiz versions.

``validate_quiz`` reports every problem with its file and line (from YAML node marks) and
returns normalised data; ``sync_quiz`` stores that data, creating a new ``QuizVersion`` only
when the content hash changed, so attempts stay pinned to the version they were drawn from.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml
from sqlalchemy import func, select

from lms.content_errors import ContentError
from lms.extensions import db
from lms.quizzes.models import (
    DEFAULT_ATTEMPTS_PER_DAY,
    QUESTION_TYPES,
    SHOW_CORRECT,
    Question,
    Quiz,
    QuizVersion,
)
from lms.quizzes.yaml_lines import LineDict as _LineDict
from lms.quizzes.yaml_lines import Loader as _Loader

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SCORING = ("all_or_nothing", "partial")
LANGS = ("vi", "en")

TOP_KEYS = {
    "pass_mark", "draw", "shuffle_questions", "shuffle_options", "time_limit_minutes",
    "max_attempts", "attempts_per_day", "show_correct", "questions",
}
COMMON_KEYS = {"id", "type", "prompt", "explanation"}
TYPE_KEYS = {
    "single": {"options"},
    "multiple": {"options", "scoring"},
    "true_false": {"answer", "feedback"},
    "ordering": {"steps"},
    "matching": {"pairs"},
    "scenario": {"scenario", "image", "multiple", "options", "scoring"},
}


class _Checker:
    """Collects errors for one file."""

    def __init__(self, path: Path, errors: list[ContentError]):
        self.path = path
        self.errors = errors
        self.count = 0

    def error(self, line: int | None, message: str, hint: str = "") -> None:
        self.count += 1
        self.errors.append(ContentError(self.path, line, message, hint))

    @staticmethod
    def line_of(obj, key=None, default=None):
        if isinstance(obj, _LineDict):
            if key is not None and key in obj.key_lines:
                return obj.key_lines[key]
            return obj.line
        return getattr(obj, "line", default)

    def text(self, parent: dict, key: str, where: str, required: bool = True) -> dict | None:
        """A ``{vi, en}`` text: both languages, non-empty strings."""
        line = self.line_of(parent, key)
        value = parent.get(key)
        if value is None:
            if required:
                self.error(line, f"{where}: missing `{key}`",
                           f'add `{key}: {{vi: "...", en: "..."}}`')
            return None
        if not isinstance(value, dict):
            self.error(line, f"{where}: `{key}` must have a `vi` and an `en` text",
                       f'write `{key}: {{vi: "...", en: "..."}}`')
            return None
        out = {}
        for lang in LANGS:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.error(self.line_of(value, lang, line),
                           f"{where}: `{key}` has no {lang} text",
                           f"add a non-empty `{lang}:` value (every text exists in vi and en)")
            else:
                out[lang] = text.strip()
        extra = set(value) - set(LANGS)
        if extra:
            self.error(self.line_of(value, sorted(map(str, extra))[0], line),
                       f"{where}: `{key}` has unknown language(s) {sorted(map(str, extra))}",
                       "use only `vi` and `en`")
        return out if len(out) == 2 else None

    def ident(self, item: dict, where: str, seen: set, what: str = "id") -> str | None:
        value = item.get("id")
        line = self.line_of(item, "id")
        if value is None:
            self.error(line, f"{where}: missing `id`", f"add a stable `id:` to this {what}")
            return None
        if not isinstance(value, str) or not ID_RE.match(value):
            self.error(line, f"{where}: id {value!r} is not valid",
                       "use lowercase letters, digits, hyphens or underscores, "
                       "in quotes if YAML reads it as a number or yes/no")
            return None
        if value in seen:
            self.error(line, f"{where}: duplicate id {value!r}", "give every item its own id")
            return None
        seen.add(value)
        return value


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_quiz(path: Path, module_slug: str, errors: list[ContentError]) -> dict | None:
    """Parse and check ``path`` (a module's quiz.yaml); append problems to ``errors``.

    Returns the normalised quiz (``{"settings", "questions", "hash", "module_slug"}``) or
    ``None`` when anything is wrong.
    """
    path = Path(path)
    check = _Checker(path, errors)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except OSError as exc:
        check.error(None, f"cannot read the quiz file ({exc.strerror})", "check the file exists")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        check.error(mark.line + 1 if mark else None, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    "check indentation, colons and quotes around this line")
        return None
    if not isinstance(raw, dict):
        check.error(1, "the quiz file must be a mapping of settings and `questions`",
                    "start from the example in content/README.md")
        return None

    for key in sorted(set(raw) - TOP_KEYS, key=str):
        check.error(check.line_of(raw, key), f"unknown setting `{key}`",
                    f"use only: {', '.join(sorted(TOP_KEYS))}")

    settings = _settings(raw, check)
    questions = []
    items = raw.get("questions")
    if not isinstance(items, list) or not items:
        check.error(check.line_of(raw, "questions"), "the quiz has no `questions` list",
                    "add `questions:` with at least one question")
        items = []
    seen: set = set()
    for number, item in enumerate(items, 1):
        question = _question(item, number, seen, check, path, module_slug)
        if question is not None:
            questions.append(question)
    draw = settings.get("draw")
    if _whole(draw) and items and draw > len(items):
        check.error(check.line_of(raw, "draw"),
                    f"`draw` is {draw} but the pool has only {len(items)} questions",
                    "lower `draw` or add questions")
    if check.count:
        return None
    if settings.get("draw") is None:
        settings["draw"] = len(questions)
    data = {"module_slug": module_slug, "settings": settings, "questions": questions}
    data["hash"] = content_hash(data)
    return data


def _settings(raw: dict, check: _Checker) -> dict:
    def line(key):
        return check.line_of(raw, key)

    out = {}
    pass_mark = raw.get("pass_mark", 70)
    if not _whole(pass_mark) or not 1 <= pass_mark <= 100:
        check.error(line("pass_mark"), "`pass_mark` must be a whole percentage from 1 to 100",
                    "write e.g. `pass_mark: 70`")
    out["pass_mark"] = pass_mark
    draw = raw.get("draw")
    if draw is not None and (not _whole(draw) or draw < 1):
        check.error(line("draw"), "`draw` must be a whole number of at least 1",
                    "write e.g. `draw: 10`, or leave it out to use the whole pool")
    out["draw"] = draw
    for key in ("shuffle_questions", "shuffle_options"):
        value = raw.get(key, True)
        if not isinstance(value, bool):
            check.error(line(key), f"`{key}` must be true or false", f"write `{key}: true`")
        out[key] = value
    limit = raw.get("time_limit_minutes")
    if limit is not None and (not _whole(limit) or not 1 <= limit <= 600):
        check.error(line("time_limit_minutes"),
                    "`time_limit_minutes` must be a whole number of minutes (1–600) or null",
                    "write e.g. `time_limit_minutes: 20`, or `null` for no limit")
    out["time_limit_minutes"] = limit
    max_attempts = raw.get("max_attempts")
    if max_attempts is not None and (not _whole(max_attempts) or max_attempts < 1):
        check.error(line("max_attempts"), "`max_attempts` must be a whole number or null",
                    "write e.g. `max_attempts: 3`, or `null` for unlimited")
    out["max_attempts"] = max_attempts
    per_day = raw.get("attempts_per_day", DEFAULT_ATTEMPTS_PER_DAY)
    if per_day is not None and (not _whole(per_day) or per_day < 1):
        check.error(line("attempts_per_day"), "`attempts_per_day` must be a whole number or null",
                    f"write e.g. `attempts_per_day: {DEFAULT_ATTEMPTS_PER_DAY}` (the default), "
                    "or `null` for no daily limit")
    out["attempts_per_day"] = per_day
    show = raw.get("show_correct", SHOW_CORRECT[0])
    if show == "after_submit":
        check.error(line("show_correct"),
                    "`show_correct: after_submit` is no longer allowed: a few blank attempts "
                    "would reveal every right answer",
                    "use `after_pass_or_last` (the default), `after_pass` or `never`")
    elif show not in SHOW_CORRECT:
        check.error(line("show_correct"), f"`show_correct` {show!r} is not known",
                    f"use one of: {', '.join(SHOW_CORRECT)}")
    out["show_correct"] = show
    return out


def _question(item, number: int, seen: set, check: _Checker, path: Path, module_slug: str):
    where = f"question {number}"
    if not isinstance(item, dict):
        check.error(check.line_of(item), f"{where} must be a mapping",
                    "start each question with `- id: ...` and `type: ...`")
        return None
    before = check.count
    qid = check.ident(item, where, seen, "question")
    if qid:
        where = f"question {qid}"
    qtype = item.get("type")
    if qtype not in QUESTION_TYPES:
        check.error(check.line_of(item, "type"), f"{where}: unknown type {qtype!r}",
                    f"use one of: {', '.join(QUESTION_TYPES)}")
        return None
    allowed = COMMON_KEYS | TYPE_KEYS[qtype]
    for key in sorted(set(item) - allowed, key=str):
        check.error(check.line_of(item, key), f"{where}: `{key}` is not used by {qtype} questions",
                    f"remove it, or use only: {', '.join(sorted(allowed))}")
    out = {"id": qid, "type": qtype, "prompt": check.text(item, "prompt", where),
           "explanation": check.text(item, "explanation", where)}
    if qtype == "scenario":
        out["scenario"] = check.text(item, "scenario", where)
        out["multiple"] = item.get("multiple", False)
        if not isinstance(out["multiple"], bool):
            check.error(check.line_of(item, "multiple"), f"{where}: `multiple` must be true or false",
                        "write `multiple: false` for one answer, `true` for several")
        image = item.get("image")
        if image is not None:
            out["image"] = _image(image, item, where, check, path)
    if qtype in ("single", "multiple", "scenario"):
        multi = qtype == "multiple" or (qtype == "scenario" and out.get("multiple") is True)
        out["multiple"] = multi
        scoring = item.get("scoring", "all_or_nothing")
        if scoring not in SCORING:
            check.error(check.line_of(item, "scoring"), f"{where}: `scoring` {scoring!r} is not known",
                        "use `partial` or `all_or_nothing`")
        if not multi and "scoring" in item:
            check.error(check.line_of(item, "scoring"),
                        f"{where}: `scoring` only applies to several-answer questions",
                        "remove `scoring`, or make the question `multiple`")
        out["scoring"] = scoring if multi else "all_or_nothing"
        out["options"] = _options(item, where, multi, check)
    elif qtype == "true_false":
        answer = item.get("answer")
        if not isinstance(answer, bool):
            check.error(check.line_of(item, "answer"), f"{where}: `answer` must be true or false",
                        "write `answer: true` or `answer: false` (no quotes)")
        out["answer"] = answer
        feedback = item.get("feedback")
        out["feedback"] = {}
        if feedback is not None:
            if not isinstance(feedback, dict):
                check.error(check.line_of(item, "feedback"),
                            f"{where}: `feedback` must have `true:` and `false:` texts",
                            "see the true_false example in content/README.md")
            else:
                for key in ("true", "false"):
                    if key in feedback:
                        out["feedback"][key] = check.text(feedback, key, f"{where} feedback")
    elif qtype == "ordering":
        out["steps"] = _items(item, "steps", where, check, minimum=3, fields=("text",))
    elif qtype == "matching":
        pairs = _items(item, "pairs", where, check, minimum=3, fields=("left", "right"))
        for side in ("left", "right"):
            for lang in LANGS:
                texts = [p[side][lang].casefold() for p in pairs if p.get(side)]
                if len(set(texts)) != len(texts):
                    check.error(check.line_of(item, "pairs"),
                                f"{where}: two pairs have the same {side} text ({lang})",
                                f"make every {side}-hand text unique so each has one match")
        out["pairs"] = pairs
    if check.count != before:
        return None
    return out


def _image(image, item: dict, where: str, check: _Checker, path: Path) -> str | None:
    line = check.line_of(item, "image")
    if not isinstance(image, str) or not re.match(r"^images/[A-Za-z0-9._-]+\.(svg|webp|png|jpg)$",
                                                  image):
        check.error(line, f"{where}: image {image!r} is not a file in images/",
                    "write `image: images/name.svg` (svg or webp)")
        return None
    if not (path.parent / image).is_file():
        check.error(line, f"{where}: image file {image} does not exist",
                    f"add {image} to the module folder or fix the name")
    return image


def _options(item: dict, where: str, multi: bool, check: _Checker) -> list:
    options = item.get("options")
    if not isinstance(options, list) or len(options) < 2:
        check.error(check.line_of(item, "options"), f"{where}: needs at least two `options`",
                    "list the options under `options:`, each with `id` and `text`")
        return []
    seen: set = set()
    out = []
    for n, option in enumerate(options, 1):
        owhere = f"{where} option {n}"
        if not isinstance(option, dict):
            check.error(check.line_of(options), f"{owhere} must be a mapping",
                        "write `- id: a` then `text: {vi: ..., en: ...}`")
            continue
        for key in sorted(set(option) - {"id", "text", "correct", "feedback"}, key=str):
            check.error(check.line_of(option, key), f"{owhere}: unknown key `{key}`",
                        "use only id, text, correct, feedback")
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            check.error(check.line_of(option, "correct"), f"{owhere}: `correct` must be true or false",
                        "write `correct: true` on right options and leave it out on the others")
        out.append({
            "id": check.ident(option, owhere, seen, "option"),
            "text": check.text(option, "text", owhere),
            "correct": correct is True,
            "feedback": check.text(option, "feedback", owhere, required=False),
        })
    n_correct = sum(o["correct"] for o in out)
    if multi and n_correct < 2:
        check.error(check.line_of(item, "options"),
                    f"{where}: a several-answer question needs at least two correct options "
                    f"(found {n_correct})",
                    "mark two or more options `correct: true`, or make it a single-answer question")
    if not multi and n_correct != 1:
        check.error(check.line_of(item, "options"),
                    f"{where}: a single-answer question needs exactly one correct option "
                    f"(found {n_correct})",
                    "mark exactly one option `correct: true`")
    return out


def _items(item: dict, key: str, where: str, check: _Checker, minimum: int, fields) -> list:
    values = item.get(key)
    if not isinstance(values, list) or len(values) < minimum:
        check.error(check.line_of(item, key), f"{where}: needs at least {minimum} `{key}`",
                    f"list {minimum} or more under `{key}:`, each with an `id`")
        return []
    seen: set = set()
    out = []
    for n, value in enumerate(values, 1):
        iwhere = f"{where} {key[:-1]} {n}"
        if not isinstance(value, dict):
            check.error(check.line_of(values), f"{iwhere} must be a mapping",
                        "write `- id: ...` and its texts")
            continue
        for extra in sorted(set(value) - {"id", *fields}, key=str):
            check.error(check.line_of(value, extra), f"{iwhere}: unknown key `{extra}`",
                        f"use only id, {', '.join(fields)}")
        entry = {"id": check.ident(value, iwhere, seen, key[:-1])}
        for field in fields:
            entry[field] = check.text(value, field, iwhere)
        out.append(entry)
    return out


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def content_hash(data: dict) -> str:
    """A stable hash of the normalised quiz (settings and questions)."""
    canonical = json.dumps(
        {"settings": data["settings"], "questions": data["questions"]},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sync_quiz(module, data: dict) -> None:
    """Store the validated quiz of ``module``: create the ``Quiz`` if missing and a new
    ``QuizVersion`` (with its questions) only when the content hash changed; old versions are
    never modified. Flushes; the caller commits."""
    quiz = db.session.scalars(select(Quiz).where(Quiz.module_id == module.id)).first()
    if quiz is None:
        quiz = Quiz(module_id=module.id)
        db.session.add(quiz)
        db.session.flush()
    digest = data.get("hash") or content_hash(data)
    current = db.session.get(QuizVersion, quiz.current_version_id) if quiz.current_version_id else None
    if current is not None and current.content_hash == digest:
        return
    number = (db.session.scalar(
        select(func.max(QuizVersion.number)).where(QuizVersion.quiz_id == quiz.id)
    ) or 0) + 1
    version = QuizVersion(quiz_id=quiz.id, number=number, content_hash=digest,
                          settings=_plain(data["settings"]))
    for position, question in enumerate(data["questions"]):
        version.questions.append(Question(key=question["id"], type=question["type"],
                                          position=position, data=_plain(question)))
    db.session.add(version)
    db.session.flush()
    quiz.current_version = version  # the relationship, so that it is current (not only the id)
    db.session.flush()
