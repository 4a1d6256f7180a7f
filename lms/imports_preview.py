"""The parts of an import preview that the roster and the training-history imports share:
row ranges in words, the notes on skipped rows and unused columns, and problems grouped so
that the same problem on many rows is one line."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.i18n import number

NOTE_LABELS = {
    "title": _l("title above the table"),
    "numbering": _l("column numbering row"),
    "blank": _l("empty row"),
    "total": _l("total row"),
    "footer": _l("signature block under the table"),
    "example": _l("the template's example row"),
    "no_data": _l("row without data in the columns read"),
}
GROUP_FROM = 4  # this many rows with the same problem make one line
NAMES_SHOWN = 5


def rows_text(rows: Iterable[int]) -> str:
    """Row numbers as ranges: ``[2, 3, 4, 7, 9, 10]`` → ``2–4, 7, 9–10``."""
    numbers = sorted(set(rows))
    parts, start, last = [], None, None
    for n in numbers:
        if start is None:
            start = last = n
        elif n == last + 1:
            last = n
        else:
            parts.append(f"{start}–{last}" if last != start else str(start))
            start = last = n
    if start is not None:
        parts.append(f"{start}–{last}" if last != start else str(start))
    return ", ".join(parts)


def rows_label(rows: Iterable[int]) -> str:
    """``Dòng 5`` / ``Dòng 2–61`` (translated)."""
    numbers = sorted(set(rows))
    return ngettext("Row %(rows)s", "Rows %(rows)s", len(numbers), rows=rows_text(numbers))


def note_lines(meta: dict) -> list[str]:
    """The skipped rows and columns of a read file, one sentence each."""
    lines = []
    sheets = meta.get("sheets") or []
    if meta.get("sheet") and len(sheets) > 1:
        lines.append(_("The table was read from the sheet “%(sheet)s” (the file has %(n)s sheets).",
                       sheet=meta["sheet"], n=number(len(sheets))))
    for note in meta.get("notes", []):
        first, last = note["rows"]
        if note["code"] == "stt":
            lines.append(_("Column %(column)s “%(header)s” (row numbers): not imported.",
                           column=note["column"], header=note["text"]))
            continue
        label = rows_label(range(first, last + 1))
        what = NOTE_LABELS.get(note["code"], note["code"])
        if note.get("text"):
            lines.append(_("%(rows)s “%(text)s” (%(what)s): skipped.", rows=label,
                           text=note["text"], what=what))
        else:
            lines.append(_("%(rows)s (%(what)s): skipped.", rows=label, what=what))
    unused = unused_line(meta.get("unused", []))
    if unused:
        lines.append(unused)
    return lines


def unused_line(unused: list[dict]) -> str:
    """One warning naming every column that is not read (``''`` when there is none)."""
    if not unused:
        return ""
    names = ", ".join(f"{u['column']} “{u['header']}”" for u in unused)
    return ngettext("This column is not imported: %(names)s. Check that nothing in it is needed.",
                    "These columns are not imported: %(names)s. Check that nothing in them is "
                    "needed.", len(unused), names=names)


def people_text(names: list[str]) -> str:
    """``Nguyễn A, Trần B, … and 12 more`` (the first few names of a group)."""
    names = [n for n in names if n]
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        return _("%(names)s and %(n)s more", names=shown, n=number(len(names) - NAMES_SHOWN))
    return shown


def group_problems(problems: list[dict], one: Callable[[dict], str],
                   many: Callable[[str, list[dict]], str]) -> list[str]:
    """Problems as lines: each problem alone (``one``) when its code occurs on fewer than
    :data:`GROUP_FROM` rows, else one line for the code (``many(code, problems)``), in the
    order the codes first occur."""
    by_code: dict[str, list[dict]] = {}
    for problem in problems:
        by_code.setdefault(problem["code"], []).append(problem)
    lines = []
    for code, group in by_code.items():
        if len(group) >= GROUP_FROM:
            lines.append(many(code, group))
        else:
            lines.extend(one(p) for p in group)
    return lines


def summary(read: int, valid: int, blocking: list[dict], warnings: list[dict],
            one: Callable[[dict], str], many: Callable[[str, list[dict]], str]) -> dict:
    """What every import preview starts with: its state, the rows read and valid, and the
    blocking problems and warnings as grouped lines (see :func:`group_problems`)."""
    return {
        "state": "errors" if blocking else "ready",
        "read": read,
        "valid": valid,
        "error_count": len(blocking),
        "error_lines": group_problems(blocking, one, many),
        "warnings": group_problems(warnings, one, many),
    }


_SAVE_AS = _l("Open it in Excel (or LibreOffice) and choose File › Save As › “Excel Workbook "
              "(.xlsx)”, then upload that file.")
_DETECTED = {
    "pdf": _l("This is a PDF file, not a spreadsheet."),
    "docx": _l("This is a Word document, not a spreadsheet."),
    "doc": _l("This is a Word document, not a spreadsheet."),
    "odt": _l("This is a text document, not a spreadsheet."),
    "pptx": _l("This is a PowerPoint presentation, not a spreadsheet."),
    "image": _l("This is a picture, not a spreadsheet. A photo of a paper list cannot be "
                "imported; type the list into the template."),
    "ods": _l("This is an OpenDocument spreadsheet (.ods)."),
    "html": _l("This is a web page saved with a spreadsheet name."),
    "encrypted": _l("This spreadsheet is protected with a password. Remove the password "
                    "first (File › Info › Protect Workbook)."),
    "zip": _l("This is a compressed folder (.zip), not a spreadsheet. Extract it first."),
}


def file_error_text(exc, labels: dict) -> str:
    """The translated message of a :class:`~lms.spreadsheets.SpreadsheetError` for an
    import; ``labels`` maps the import's fields to their column names."""
    from lms.spreadsheets import LIMIT_CODES, limit_text

    code = exc.code
    if code in LIMIT_CODES:
        return limit_text(exc)
    if code == "format":
        what = _DETECTED.get(exc.detected, _l("This file is not a spreadsheet."))
        if exc.detected in ("encrypted", "zip", "image"):
            return str(what)
        return f"{what} {_SAVE_AS}"
    if code == "missing_columns":
        return _("No header row with the columns %(columns)s was found in the first rows of the "
                 "file. Check the column names, or download the template.",
                 columns=", ".join(f"“{labels.get(c, c)}”" for c in exc.columns))
    if code == "month_first_dates":
        column = labels.get(exc.columns[0], exc.columns[0]) if exc.columns else ""
        return _("The column “%(column)s” is written month first (row %(row)s: “%(value)s” has "
                 "no month %(month)s). To avoid storing dates the wrong way round, nothing was "
                 "read. Format the column as dates in dd/mm/yyyy and save again.",
                 column=column, row=exc.row, value=exc.value,
                 month=exc.value.replace(".", "/").replace("-", "/").split("/")[1])
    if code == "encoding":
        return _("The text of this file cannot be read. Save it again as “CSV UTF-8” or as .xlsx.")
    if code == "empty":
        return _("The file is empty.")
    return _("This file cannot be read: it may be damaged. %(save_as)s", save_as=_SAVE_AS)
