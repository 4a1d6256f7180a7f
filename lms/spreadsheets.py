"""Reading and writing spreadsheets (.xlsx and .csv), shared by every import and export.

- :func:`read_rows` reads the first sheet of an .xlsx (openpyxl, read-only, streaming) or a
  UTF-8 .csv (with or without BOM; comma, semicolon or tab separated) and returns the header
  row and an iterator of ``(row_number, values)`` for the non-blank rows below it. Row numbers
  are the ones a person sees in the spreadsheet program (the header is usually row 1).
- :func:`match_headers` finds the columns of known fields by header, in Vietnamese or English,
  ignoring case, diacritics and punctuation.
- :func:`safe_cell` protects exported text from formula injection (``=``, ``+``, ``-``, ``@``,
  tab, CR at the start get a leading ``'``); :func:`read_rows` removes that protection again,
  so an export imports back unchanged.
- :func:`write_xlsx` and :func:`write_csv` write a header row and rows, every text cell safe.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

from lms.normalize import clean_text, fold

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("xlsx", "csv")
_PROTECTED = re.compile(r"^'+[=+\-@\t\r]")
_HEADER_NOISE = re.compile(r"[^a-z0-9/ ]+")


class SpreadsheetError(ValueError):
    """The file cannot be used. ``code`` is one of ``format`` (neither .xlsx nor .csv),
    ``unreadable`` (damaged or not what its name says), ``encoding`` (a CSV that is not UTF-8),
    ``empty`` (no header row) or ``missing_columns`` (then ``columns`` names them)."""

    def __init__(self, code: str, columns: list[str] | None = None):
        super().__init__(code)
        self.code = code
        self.columns = columns or []


def file_format(filename: str | None) -> str:
    """``'xlsx'`` or ``'csv'`` from a file name; :class:`SpreadsheetError` ``format`` otherwise."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise SpreadsheetError("format")
    return suffix


# --- cells ---------------------------------------------------------------------------------


def safe_cell(value):
    """A value safe to put in an exported cell: text that a spreadsheet program would run as a
    formula (starting with ``= + - @``, tab or CR) gets a leading ``'``. Numbers, dates and
    ``None`` are returned unchanged. :func:`unprotect` undoes it exactly."""
    if isinstance(value, str) and _PROTECTED.match("'" + value):
        return "'" + value
    return value


def unprotect(value):
    """Undo :func:`safe_cell`: ``'=1+1`` → ``=1+1``; anything else is returned unchanged."""
    if isinstance(value, str) and _PROTECTED.match(value):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as clean text: ``None`` → ``''``, ``912345678.0`` → ``'912345678'``, dates as
    dd/mm/yyyy, text NFC with single spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return clean_text(str(value))


# --- headers -------------------------------------------------------------------------------


def header_key(text) -> str:
    """A header folded for matching: lower case, no diacritics, no punctuation, single spaces."""
    folded = fold(cell_text(text)).replace("_", " ")
    return " ".join(_HEADER_NOISE.sub(" ", folded).split())


def match_headers(
    headers: Sequence, fields: Mapping[str, Iterable[str]]
) -> dict[str, int]:
    """Map each known field to the index of its column.

    ``fields`` maps a field name to its accepted header spellings (the field name itself is
    always accepted). Headers match ignoring case, diacritics and punctuation; a header made of
    alternatives separated by ``/`` (``Tổ dân phố / Thôn / Bản``) matches any of them. The first
    matching column wins; fields without a column are absent from the result.
    """
    wanted: dict[str, str] = {}
    for field, aliases in fields.items():
        for alias in (field, *aliases):
            wanted.setdefault(header_key(alias), field)
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        candidates = [key, *[part.strip() for part in key.split("/")]]
        for candidate in candidates:
            field = wanted.get(candidate)
            if field and field not in found:
                found[field] = index
                break
    return found


# --- reading -------------------------------------------------------------------------------


def _read_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        return Path(source).read_bytes()
    stream = getattr(source, "stream", source)  # werkzeug FileStorage or a file object
    if hasattr(stream, "seek"):
        stream.seek(0)
    return stream.read()


def _blank(values: Sequence) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _numbered(raw_rows: Iterator[Sequence]) -> tuple[list, Iterator[tuple[int, list]]]:
    """Find the header (first non-blank row) and number the rows after it."""
    number = 0
    headers = None
    for raw in raw_rows:
        number += 1
        if not _blank(raw):
            headers = [cell_text(v) for v in raw]
            break
    if headers is None:
        raise SpreadsheetError("empty")
    width = len(headers)

    def rows() -> Iterator[tuple[int, list]]:
        row_number = number
        for raw in raw_rows:
            row_number += 1
            if _blank(raw):
                continue
            values = [unprotect(v) for v in raw]
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            yield row_number, values

    return headers, rows()


def _csv_rows(data: bytes) -> Iterator[Sequence]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError("encoding") from exc
    sample = text[:4096]
    first_line = sample.splitlines()[0] if sample else ""
    delimiter = max((",", ";", "\t"), key=first_line.count) if first_line else ","
    return iter(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> Iterator[Sequence]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError("unreadable") from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise SpreadsheetError("empty")

    def rows():
        try:
            yield from sheet.iter_rows(values_only=True)
        finally:
            workbook.close()

    return rows()


def read_rows(source, filename: str | None = None) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Read a spreadsheet: ``(headers, rows)``.

    ``source`` is a path, bytes, a file object or a werkzeug ``FileStorage``; ``filename``
    (default: the path's or the upload's name) tells the format. ``rows`` yields
    ``(row_number, values)`` for each non-blank row under the header, values padded to the
    header's width, formula protection removed; xlsx values keep their type (numbers, dates),
    CSV values are strings. Raises :class:`SpreadsheetError`.
    """
    if filename is None:
        filename = getattr(source, "filename", None) or (
            str(source) if isinstance(source, (str, Path)) else ""
        )
    kind = file_format(filename)
    data = _read_bytes(source)
    raw = _csv_rows(data) if kind == "csv" else _xlsx_rows(data)
    return _numbered(raw)


# --- writing -------------------------------------------------------------------------------


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return cell_text(value)
    return str(safe_cell(value))


def write_csv(path_or_stream, headers: Sequence, rows: Iterable[Sequence], bom: bool = True) -> None:
    """Write a UTF-8 CSV (with a BOM by default, so spreadsheet programs read Vietnamese right).

    ``path_or_stream`` is a path or a binary/text file object; dates are written dd/mm/yyyy and
    text is protected with :func:`safe_cell`.
    """
    def write(text_stream) -> None:
        if bom:
            text_stream.write("\ufeff")
        writer = csv.writer(text_stream, lineterminator="\r\n")
        writer.writerow([_csv_value(h) for h in headers])
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])

    if isinstance(path_or_stream, (str, Path)):
        with open(path_or_stream, "w", encoding="utf-8", newline="") as handle:
            write(handle)
    elif isinstance(path_or_stream, io.TextIOBase):
        write(path_or_stream)
    else:
        wrapper = io.TextIOWrapper(path_or_stream, encoding="utf-8", newline="")
        try:
            write(wrapper)
            wrapper.flush()
        finally:
            wrapper.detach()


def write_xlsx(
    path_or_stream, headers: Sequence, rows: Iterable[Sequence], title: str = "Sheet1"
) -> None:
    """Write one sheet (openpyxl write-only, so large exports stay small in memory).

    Dates get the dd/mm/yyyy format; text is protected with :func:`safe_cell`; the header row
    is bold and frozen.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(cell_text(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, (date, datetime)):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            else:
                out.append(safe_cell(value))
        sheet.append(out)
    workbook.save(path_or_stream)


def write_rows(path_or_stream, fmt: str, headers: Sequence, rows: Iterable[Sequence], **kw) -> None:
    """Write ``rows`` as ``fmt`` (``'xlsx'`` or ``'csv'``)."""
    if fmt == "xlsx":
        write_xlsx(path_or_stream, headers, rows, **kw)
    elif fmt == "csv":
        write_csv(path_or_stream, headers, rows)
    else:
        raise SpreadsheetError("format")


def read_table(source, filename: str | None, fields: dict, required: Sequence[str]):
    """Open a spreadsheet whose columns are matched by header: ``(columns, headers, rows)``
    where ``columns`` maps field → column index. Raises :class:`SpreadsheetError`, with code
    ``missing_columns`` when a required field has no column."""
    headers, rows = read_rows(source, filename)
    columns = match_headers(headers, fields)
    missing = [name for name in required if name not in columns]
    if missing:
        raise SpreadsheetError("missing_columns", missing)
    return columns, headers, rows
