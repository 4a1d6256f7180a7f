"""The compliance report as JSON, CSV, XLSX and PDF (see docs/compliance.md)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.i18n import current_locale, document_date, short_date
from lms.normalize import display_phone
from lms.timeutil import local_today
from lms.training.compliance import Report, default_as_of
from lms.training.report_people import people_rows

FORMATS = ("json", "csv", "xlsx", "pdf")
MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def filename(report: Report, fmt: str) -> str:
    """``bao-cao-tap-huan-DT-2026.xlsx`` (with ``-den-24-11`` for an earlier as-of date than
    the end of the year or today)."""
    name = f"bao-cao-tap-huan-{report.commune.code}-{report.year}"
    if report.as_of != default_as_of(report.year) and report.as_of < date(report.year, 12, 31):
        name += f"-den-{report.as_of.strftime('%d-%m')}"
    return f"{name}.{fmt}"


def render(report: Report, fmt: str, issued_on: date | None = None,
           phone_filter: Callable | None = None) -> bytes:
    """The report in ``fmt`` (json, csv, xlsx or pdf) as bytes. ``phone_filter(user_ids)``
    returns the people whose phone may be shown (default: everyone, for the CLI)."""
    if fmt == "json":
        return to_json(report).encode("utf-8")
    people = people_rows(report.commune, report.year, report.as_of)
    if phone_filter is not None:
        visible = phone_filter([p.user_id for p in people])
        for person in people:
            if person.user_id not in visible:
                person.phone = ""
    if fmt in ("csv", "xlsx"):
        return to_sheet(report, fmt, people, issued_on)
    if fmt == "pdf":
        from lms.training.reports_pdf import to_pdf

        return to_pdf(report, people, issued_on)
    raise ValueError(fmt)


def to_json(report: Report) -> str:
    """The exact JSON of docs/compliance.md (phones as +84…)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def pct(value: float | None) -> str:
    """``85%`` (empty for None): the share as printed text (PDF)."""
    return "" if value is None else f"{round(value * 100)}%"


STATUS_TEXT = {"compliant": _l("Compliant"), "new": _l("New member (grace period)"),
               "missing": _l("Still missing")}


def person_headers() -> list[str]:
    """Columns of the per-person sheet and of the CSV."""
    return [_("No."), _("Full name"), _("Team"), _("Phone"), _("Status"), _("Trainings"),
            _("Training that counted"), _("Date of that training")]


def person_values(index: int, p) -> list:
    """One person's row (the date as a real date for the XLSX)."""
    return [index, p.name, "; ".join(p.teams), display_phone(p.phone) if p.phone else "",
            str(STATUS_TEXT[p.status]), p.trainings, p.session_title or "", p.session_date]


def team_headers() -> list[str]:
    """Columns of the per-team sheet."""
    return [_("No."), _("Team"), _("In scope"), _("Compliant"), _("New members"), _("Missing"),
            _("Compliant share")]


def title_lines(report: Report, issued_on: date | None = None) -> list[str]:
    """The title block of the spreadsheets: commune, title, figures, as-of and issue dates."""
    issued_on = issued_on or local_today()
    commune = report.commune
    return [
        commune.name.upper(),
        _("Annual training report %(year)s", year=report.year),
        _("As of %(date)s · in scope %(n)s · compliant %(c)s (%(share)s) · new members %(new)s "
          "· still missing %(m)s", date=short_date(report.as_of), n=report.in_scope,
          c=report.compliant, share=pct(report.share) or "—", new=report.new,
          m=report.missing_count),
        document_date(issued_on, commune.place_name or commune.name, current_locale()),
    ]


def to_sheet(report: Report, fmt: str, people, issued_on: date | None = None) -> bytes:
    """CSV (UTF-8 with BOM: one header row, one row per person) or XLSX (title block, the
    people sheet and the teams sheet), formula-safe (lms.spreadsheets)."""
    from lms.spreadsheets import write_csv

    buffer = io.BytesIO()
    if fmt == "csv":
        rows = [person_values(i, p) for i, p in enumerate(people, 1)]
        for row in rows:
            row[-1] = short_date(row[-1]) if row[-1] else ""
        write_csv(buffer, person_headers(), rows)
        return buffer.getvalue()
    from lms.training.reports_xlsx import write_book

    write_book(buffer, report, people, title_lines(report, issued_on))
    return buffer.getvalue()


