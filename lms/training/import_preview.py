"""The training-history import preview (web page and ``lms attendance import``): one state,
problems grouped, the sessions that will be created or filled, and what was skipped."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.extensions import db
from lms.i18n import number
from lms.imports_preview import note_lines, summary
from lms.normalize import fold
from lms.org.models import Commune
from lms.training.importer import WARNINGS, check_rows
from lms.training.messages import STATUS_LABELS, group_text, problem_text


def _sessions(commune: Commune, rows: list[dict]) -> list[dict]:
    """The sessions the rows belong to, with their counts by status and whether they exist."""
    from sqlalchemy import select

    from lms.training.models import TrainingSession

    if not rows:
        return []
    days = [r["date"] for r in rows]
    existing = {(s.date, fold(s.title)) for s in db.session.scalars(select(TrainingSession).where(
        TrainingSession.commune_id == commune.id, TrainingSession.date >= min(days),
        TrainingSession.date <= max(days)))}
    groups: dict[tuple, dict] = {}
    for r in rows:
        key = (r["date"], fold(r["title"]))
        group = groups.setdefault(key, {"date": r["date"], "title": r["title"],
                                        "new": key not in existing, "rows": 0,
                                        "statuses": dict.fromkeys(STATUS_LABELS, 0)})
        group["rows"] += 1
        group["statuses"][r["status"]] += 1
    out = []
    for group in sorted(groups.values(), key=lambda g: (g["date"], fold(g["title"]))):
        group["status_text"] = ", ".join(f"{number(n)} {str(STATUS_LABELS[s]).lower()}"
                                         for s, n in group["statuses"].items() if n)
        out.append(group)
    return out


def build_preview(commune: Commune, raw: list[dict], meta: dict | None) -> dict:
    """``state`` (``errors`` or ``ready``), grouped ``error_lines`` and ``warnings``, the
    ``sessions`` to be created or filled, and the ``notes`` on what was skipped."""
    meta = meta or {}
    checked = check_rows(commune, raw)
    blocking = checked.blocking()
    warnings = [p for p in checked.problems if p["code"] in WARNINGS]
    notes = note_lines(meta)
    if meta.get("all_present"):
        notes.insert(0, _("The sheet has no status column: everyone listed is recorded as "
                          "present."))
    return {
        **summary(len(raw), len(checked.rows), blocking, warnings, problem_text, group_text),
        "notes": notes,
        "sessions": _sessions(commune, checked.rows),
    }
