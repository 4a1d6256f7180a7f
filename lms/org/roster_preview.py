"""The roster import preview, for the web page and ``lms members import``: in one state
(errors, with nothing to import, or ready), every line grouped and worded for the commune's
kind of unit, and the rows that confirming would write."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

from lms.i18n import number
from lms.imports_preview import note_lines, people_text, rows_label, summary
from lms.normalize import display_phone
from lms.org.messages import (
    ACTION_LABELS,
    COLUMN_LABELS,
    ROLE_LABELS,
    WARNING_LABELS,
    group_text,
    problem_text,
    unit_words,
)
from lms.org.models import Commune
from lms.org.roster import WARNING_CODES, Checked, check_rows
from lms.org.roster_db import plan_rows

ROWS_SHOWN = 300


def villages_line(commune: Commune, checked: Checked, problems: list[dict],
                  cli: bool = False) -> str:
    """One line for every row whose village does not exist yet, with the fix (the button on
    the web page, ``--create-villages`` for the CLI)."""
    words = unit_words(commune)
    names = checked.new_villages
    fix = (_("Add --create-villages to create them with the import.") if cli else
           _("The button below creates them with the import."))
    missing = ngettext(
        "%(rows)s: %(num)s %(kind)s is not in the %(unit)s yet: %(names)s.",
        "%(rows)s: %(num)s %(kind)s are not in the %(unit)s yet: %(names)s.",
        len(names), rows=rows_label(p["row"] for p in problems),
        kind=words["village" if len(names) == 1 else "villages"], unit=words["unit"],
        names=", ".join(names))
    return f"{missing} {fix}"


def _team_lines(plan: dict, minimum: int, maximum: int) -> list[str]:
    lines = []
    for team in plan["teams"]:
        for code in team["warnings"]:
            label = str(WARNING_LABELS[code])
            if code == "two_leaders":
                leaders = [r["full_name"] for r in plan["rows"]
                           if r["team"] == team["team"] and r["role"] == "leader"
                           and not r["left_on"]]
                label += f" ({people_text(leaders)})" if leaders else ""
            elif code == "too_small":
                label = ngettext("%(num)s member after the import, fewer than the minimum of "
                                 "%(limit)s", "%(num)s members after the import, fewer than "
                                 "the minimum of %(limit)s", team["members"], limit=minimum)
            elif code == "too_large":
                label = ngettext("%(num)s member after the import, more than the maximum of "
                                 "%(limit)s", "%(num)s members after the import, more than "
                                 "the maximum of %(limit)s", team["members"], limit=maximum)
            lines.append(f"{team['team']}: {label}")
    return lines


def counts_text(counts: dict) -> str:
    """``60 new people, 0 joining a team, 0 updated, 0 leaving, 0 unchanged.``"""
    return _("%(new)s new, %(joins)s joining a team, %(updated)s updated, %(leaving)s leaving, "
             "%(unchanged)s unchanged.", **{k: number(v) for k, v in counts.items()})


def stats_text(stats: dict) -> str:
    """What an import wrote, in words: ``Added 60 people, updated 0; …``."""
    parts = [
        ngettext("Added %(num)s person", "Added %(num)s people", stats.get("people_created", 0)),
        ngettext("updated %(num)s person", "updated %(num)s people",
                 stats.get("people_updated", 0)),
        ngettext("%(num)s new team membership", "%(num)s new team memberships",
                 stats.get("memberships_created", 0)),
        ngettext("%(num)s membership changed", "%(num)s memberships changed",
                 stats.get("memberships_updated", 0)),
        ngettext("%(num)s row unchanged", "%(num)s rows unchanged", stats.get("unchanged", 0)),
    ]
    if stats.get("villages_created"):
        parts.append(ngettext("created %(num)s village or residential group",
                              "created %(num)s villages or residential groups",
                              stats["villages_created"]))
    return "; ".join(parts) + "."


def build_preview(commune: Commune, raw: list[dict], meta: dict | None,
                  cli: bool = False) -> dict:
    """Everything the preview shows. ``state`` is ``errors`` (``error_lines``, no import
    possible) or ``ready``; ``villages`` is the line about villages to create (ready, with a
    button that creates them); ``warnings`` need a look but do not stop the import; ``notes``
    say what of the file was skipped; ``rows`` (at most :data:`ROWS_SHOWN`) are what will be
    written."""
    meta = meta or {}
    checked = check_rows(commune, raw)
    plan = plan_rows(commune, checked)
    village_problems = [p for p in checked.problems if p["code"] == "unknown_village"]
    warnings = [p for p in checked.problems if p["code"] in WARNING_CODES]
    blocking = [p for p in checked.problems
                if p["code"] not in WARNING_CODES and p["code"] != "unknown_village"]
    notes = note_lines(meta)
    if meta.get("position"):
        notes.append(_("The column “%(header)s” is read as %(what)s.",
                       header=meta.get("position_header", ""),
                       what=COLUMN_LABELS[meta["position"]]))
    rows = []
    for r in plan["rows"][:ROWS_SHOWN]:
        change = ", ".join(str(COLUMN_LABELS.get(f, f)) for f in r["changes"])
        rows.append(dict(r, phone_text=display_phone(r["phone"]),
                         joined=date.fromisoformat(r["joined_on"]),
                         left=date.fromisoformat(r["left_on"]) if r["left_on"] else None,
                         role_text=str(ROLE_LABELS.get(r["role"], r["role"])),
                         action_text=str(ACTION_LABELS[r["action"]]) + (
                             f": {change}" if r["action"] == "updated" and change else "")))
    preview = summary(len(raw), len(checked.rows), blocking, warnings, problem_text, group_text)
    preview["warnings"] += _team_lines(plan, commune.team_size_min, commune.team_size_max)
    return {
        **preview,
        "villages": villages_line(commune, checked, village_problems, cli) if village_problems
        else "",
        "new_villages": checked.new_villages,
        "notes": notes,
        "rows": rows,
        "more_rows": max(0, len(plan["rows"]) - ROWS_SHOWN),
        "teams": plan["teams"],
        "counts": plan["counts"],
        "counts_text": counts_text(plan["counts"]),
    }
