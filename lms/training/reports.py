"""The compliance report as JSON, CSV, XLSX and PDF (see docs/compliance.md)."""

from __future__ import annotations

import io
import json
from datetime import date

from flask_babel import gettext as _

from lms.normalize import display_phone
from lms.training.compliance import Report

FORMATS = ("json", "csv", "xlsx", "pdf")
MIMETYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def filename(report: Report, fmt: str) -> str:
    """``tap-huan-DT-2026-2026-11-24.pdf``."""
    return f"tap-huan-{report.commune.code}-{report.year}-{report.as_of.isoformat()}.{fmt}"


def render(report: Report, fmt: str, issued_on: date | None = None) -> bytes:
    """The report in ``fmt`` (json, csv, xlsx or pdf) as bytes."""
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt in ("csv", "xlsx"):
        return to_sheet(report, fmt)
    if fmt == "pdf":
        return to_pdf(report, issued_on)
    raise ValueError(fmt)


def to_json(report: Report) -> str:
    """The exact JSON of docs/compliance.md (phones as +84…)."""
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


def sheet_headers() -> list[str]:
    """Column headers of the CSV/XLSX report."""
    return [_("Team"), _("In scope"), _("Compliant"), _("New members"), _("Missing"),
            _("Compliant share"), _("Still missing (name, phone)")]


def sheet_rows(report: Report) -> list[list]:
    """One row for the commune, then one per team (missing people in the last column)."""
    rows = [[report.commune.name, report.in_scope, report.compliant, report.new,
             report.missing_count, _pct(report.share), ""]]
    for team in report.teams:
        missing = "; ".join(f"{p.name} ({display_phone(p.phone)})" for p in team.missing)
        rows.append([team.team, team.in_scope, team.compliant, team.new,
                     team.in_scope - team.compliant - team.new, _pct(team.share), missing])
    return rows


def to_sheet(report: Report, fmt: str) -> bytes:
    """CSV (UTF-8 with BOM) or XLSX, formula-safe (lms.spreadsheets)."""
    from lms.spreadsheets import write_csv, write_xlsx

    buffer = io.BytesIO()
    if fmt == "csv":
        write_csv(buffer, sheet_headers(), sheet_rows(report))
    else:
        write_xlsx(buffer, sheet_headers(), sheet_rows(report),
                   title=f"{report.commune.code} {report.year}")
    return buffer.getvalue()


def place_date_line(place: str, day: date) -> str:
    """``Duy Tiên, ngày 24 tháng 11 năm 2026`` (always Vietnamese: an official document)."""
    return f"{place}, ngày {day.day} tháng {day.month} năm {day.year}"


def to_pdf(report: Report, issued_on: date | None = None) -> bytes:
    """An A4 report with the official header, the figures, the missing people and the
    commune's signer block; fonts from lms/fonts (Vietnamese coverage)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from lms.pdf_fonts import register_fonts
    from lms.timeutil import local_today

    fonts = register_fonts()
    issued_on = issued_on or local_today()
    commune = report.commune
    base = ParagraphStyle("base", fontName=fonts["regular"], fontSize=11, leading=14)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    bold_center = ParagraphStyle("bc", parent=center, fontName=fonts["bold"])
    italic_right = ParagraphStyle("ir", parent=base, fontName=fonts["italic"], alignment=TA_RIGHT)
    title = ParagraphStyle("title", parent=bold_center, fontSize=14, leading=18)
    small = ParagraphStyle("small", parent=base, fontSize=9.5, leading=12)

    def p(text, style=base):
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    header = Table(
        [[p("ỦY BAN NHÂN DÂN\n" + commune.name.upper(), bold_center),
          p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_center)],
         ["", Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", bold_center)]],
        colWidths=[70 * mm, 100 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("SPAN", (0, 0), (0, 1))]))
    story = [header, Spacer(1, 4 * mm),
             p(place_date_line(commune.place_name or commune.name, issued_on), italic_right),
             Spacer(1, 6 * mm),
             p(_("ANNUAL TRAINING REPORT %(year)s", year=report.year), title),
             p(_("Community digital technology teams, as of %(date)s",
                 date=report.as_of.strftime("%d/%m/%Y")), center),
             Spacer(1, 5 * mm)]
    share = _pct(report.share) or "—"
    story.append(p(_("Members in scope: %(n)s. Compliant: %(c)s (%(share)s). New members (grace "
                     "period): %(new)s. Still missing: %(m)s.", n=report.in_scope,
                     c=report.compliant, share=share, new=report.new, m=report.missing_count)))
    story.append(Spacer(1, 4 * mm))
    data = [[p(h, small) for h in (_("Team"), _("In scope"), _("Compliant"), _("New members"),
                                   _("Missing"), _("Compliant share"))]]
    for team in report.teams:
        data.append([p(team.team, small), team.in_scope, team.compliant, team.new,
                     team.in_scope - team.compliant - team.new, _pct(team.share) or "—"])
    table = Table(data, colWidths=[62 * mm, 20 * mm, 22 * mm, 22 * mm, 20 * mm, 24 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts["regular"]),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story.append(table)
    missing_teams = [t for t in report.teams if t.missing]
    if missing_teams:
        story += [Spacer(1, 5 * mm), p(_("Members still missing a training"), bold_center)]
        rows = [[p(_("Team"), small), p(_("Full name"), small), p(_("Phone"), small)]]
        for team in missing_teams:
            for person in team.missing:
                rows.append([p(team.team, small), p(person.name, small),
                             p(display_phone(person.phone), small)])
        people = Table(rows, colWidths=[62 * mm, 70 * mm, 38 * mm], repeatRows=1)
        people.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
        story.append(people)
    signer = [p(commune.signer_on_behalf or "", bold_center)]
    signer += [p(line, bold_center) for line in (commune.signer_title or "").splitlines() if line]
    signer += [Spacer(1, 22 * mm), p(commune.signer_name or "", bold_center)]
    block = Table([["", signer]], colWidths=[80 * mm, 90 * mm])
    story += [Spacer(1, 8 * mm), block]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=f"{commune.name} {report.year}", author=commune.name)
    doc.build(story)
    return buffer.getvalue()
