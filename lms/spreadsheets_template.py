"""Import templates ("Tải tệp mẫu"): an .xlsx with the headers, drop-down lists for the
columns that take a fixed set of values, date columns formatted dd/mm/yyyy, phone columns as
text (so the leading 0 stays), one example row, and a sheet of instructions."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

FORMATTED_ROWS = 500  # rows under the header that get the formats and the drop-down lists


@dataclass(frozen=True)
class Column:
    """One column of a template: its header, width, kind (``text``, ``date``, ``phone``,
    ``number``) and, for a drop-down list, its ``choices``."""

    header: str
    width: int = 18
    kind: str = "text"
    choices: Sequence[str] = field(default_factory=tuple)


def write_template(columns: Sequence[Column], example: Sequence, instructions: Sequence[str], *,
                   title: str, sheet: str, instructions_title: str) -> bytes:
    """The template as .xlsx bytes (the first sheet is the one to fill in)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from lms.spreadsheets_base import safe_cell

    workbook = Workbook()
    data = workbook.active
    data.title = sheet[:31]
    lists = workbook.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        data.column_dimensions[letter].width = column.width
        value = example[index - 1] if index - 1 < len(example) else None
        data.cell(row=2, column=index, value=safe_cell(value))
        fmt = {"date": "DD/MM/YYYY", "phone": "@", "number": "0"}.get(column.kind)
        if fmt:
            for row in range(2, FORMATTED_ROWS + 2):
                data.cell(row=row, column=index).number_format = fmt
        if column.choices:
            for n, choice in enumerate(column.choices, start=1):
                lists.cell(row=n, column=index, value=choice)
            rule = DataValidation(
                type="list", allow_blank=True, showErrorMessage=True,
                formula1=f"='Danh mục'!${letter}$1:${letter}${len(column.choices)}")
            rule.add(f"{letter}2:{letter}{FORMATTED_ROWS + 1}")
            data.add_data_validation(rule)
    data.freeze_panes = "A2"
    help_sheet = workbook.create_sheet(instructions_title[:31], 1)
    help_sheet.column_dimensions["A"].width = 100
    help_sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    for n, line in enumerate(instructions, start=3):
        help_sheet.cell(row=n, column=1, value=safe_cell(line)).alignment = Alignment(
            wrap_text=True)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
