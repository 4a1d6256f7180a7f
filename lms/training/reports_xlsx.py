"""The compliance report as a workbook an office can print and filter: a title block, the
people sheet (one row per person, the training that counted and its date) and the teams sheet
(real numbers, shares as numbers with a percent format, a totals row); frozen header rows,
column widths, filters. Every text cell goes through ``lms.spreadsheets.safe_cell``."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lms.spreadsheets import safe_cell
from lms.training.compliance import Report

HEAD_FILL = PatternFill("solid", fgColor="EEEEEE")
THIN = Side(style="thin", color="999999")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
PERSON_WIDTHS = (6, 28, 32, 14, 22, 10, 40, 14)
TEAM_WIDTHS = (6, 40, 11, 11, 11, 11, 12)


def _text(value):
    return safe_cell(value) if isinstance(value, str) else value


def _title(sheet, lines: list[str], width: int) -> int:
    """Write the title block; returns the header row number."""
    for row, line in enumerate(lines, 1):
        cell = sheet.cell(row, 1, _text(line))
        cell.font = Font(bold=row <= 2, size=14 if row == 2 else 11, italic=row == len(lines))
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 2


def _table(sheet, header_row: int, headers: list, rows: list[list], widths) -> None:
    for col, text in enumerate(headers, 1):
        cell = sheet.cell(header_row, col, _text(text))
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = GRID
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, values in enumerate(rows, header_row + 1):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(r, col, _text(value))
            cell.border = GRID
    for col, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    last = header_row + max(len(rows), 1)
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headers))}{last}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def write_book(stream, report: Report, people, title: list[str]) -> None:
    """Write the workbook (people sheet first, then teams) to ``stream``."""
    from flask_babel import gettext as _

    from lms.training.reports import person_headers, person_values, team_headers

    book = Workbook()
    sheet = book.active
    sheet.title = _("Members")[:31]
    header = _title(sheet, title, len(PERSON_WIDTHS))
    _table(sheet, header, person_headers(), [person_values(i, p) for i, p in
                                             enumerate(people, 1)], PERSON_WIDTHS)
    for r in range(header + 1, header + 1 + len(people)):
        sheet.cell(r, 8).number_format = "DD/MM/YYYY"

    teams = book.create_sheet(_("Teams")[:31])
    header = _title(teams, title, len(TEAM_WIDTHS))
    rows = [[i, t.team, t.in_scope, t.compliant, t.new, t.in_scope - t.compliant - t.new,
             t.share] for i, t in enumerate(report.teams, 1)]
    rows.append(["", _("Total"), report.in_scope, report.compliant, report.new,
                 report.missing_count, report.share])
    _table(teams, header, team_headers(), rows, TEAM_WIDTHS)
    for r in range(header + 1, header + 1 + len(rows)):
        teams.cell(r, 7).number_format = "0%"
    for col in range(1, len(TEAM_WIDTHS) + 1):
        teams.cell(header + len(rows), col).font = Font(bold=True)
    book.save(stream)
