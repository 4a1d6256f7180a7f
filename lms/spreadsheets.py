"""Reading and writing spreadsheets, shared by every import and export.

Reading (:func:`find_table` for imports, :func:`read_rows` for plain files) takes .xlsx, .xls,
and .csv / .txt in UTF-8, UTF-16 or Windows-1258 separated by ``,`` ``;`` or tab; what a
file is comes from its content, not its name (:mod:`lms.spreadsheets_formats`). The table is
found under any title block, and the rows that are not people (numbering, totals, the
signature block) are skipped with notes (:mod:`lms.spreadsheets_table`). Every .xlsx is
checked before it is parsed (:mod:`lms.spreadsheets_xlsx`) and every file is bounded by the
import limits (:class:`Limits`).

- :func:`match_headers` finds the columns of known fields by header, in Vietnamese or English,
  ignoring case, diacritics and punctuation.
- :func:`safe_cell` protects exported text from formula injection (``=``, ``+``, ``-``, ``@``,
  tab, CR at the start get a leading ``'``); reading removes that protection again, so an
  export imports back unchanged.
- :func:`write_xlsx` and :func:`write_csv` write a header row and rows, every text cell safe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from lms.spreadsheets_base import (  # noqa: F401  (re-exported: the module's public names)
    _MB,
    FORMULA_CHARS,
    LIMIT_CODES,
    MAX_CELLS,
    MAX_COLUMN,
    MAX_ELEMENTS,
    MAX_PARTS,
    MAX_RATIO,
    READ_COLUMNS,
    Limits,
    SpreadsheetError,
    cell_text,
    header_key,
    import_limits,
    limit_text,
    match_headers,
    safe_cell,
    unprotect,
)
from lms.spreadsheets_formats import sniff, text_rows, xls_sheets
from lms.spreadsheets_table import (  # noqa: F401
    Table,
    TableSpec,
    column_letter,
    find_in_sheet,
    is_blank,
    records,
)
from lms.spreadsheets_xlsx import scan_part, xlsx_sheets  # noqa: F401

FORMATS = ("xlsx", "csv")  # what exports write
# What the file inputs of the import forms offer (content decides what a file is).
IMPORT_ACCEPT = (".xlsx,.xls,.csv,.txt,application/vnd.openxmlformats-officedocument."
                 "spreadsheetml.sheet,application/vnd.ms-excel,text/csv,text/plain")


def file_format(filename: str | None) -> str:
    """``'xlsx'`` or ``'csv'`` from the name of a file to write; :class:`SpreadsheetError`
    ``format`` otherwise."""
    suffix = Path(filename or "").suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise SpreadsheetError("format")
    return suffix


# --- reading -------------------------------------------------------------------------------


def _read_bytes(source, limits: Limits) -> bytes:
    """The file's bytes, refused (``too_large``) past ``limits.file_mb`` without reading on."""
    cap = limits.file_mb * _MB
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if path.stat().st_size > cap:
            raise SpreadsheetError("too_large", limit=limits.file_mb)
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    else:
        stream = getattr(source, "stream", source)  # werkzeug FileStorage or a file object
        if hasattr(stream, "seek"):
            stream.seek(0)
        data = stream.read(cap + 1)
    if len(data) > cap:
        raise SpreadsheetError("too_large", limit=limits.file_mb)
    return data


def _numbered(raw_rows: Iterator[Sequence], limits: Limits
              ) -> tuple[list, Iterator[tuple[int, list]]]:
    """Find the header (first non-blank row) and number the rows after it, refusing
    (``too_many_rows``) the data row after ``limits.rows`` and any row past ``scan_rows``."""
    number = 0
    headers = None
    for raw in raw_rows:
        number += 1
        if number > limits.scan_rows:
            raise SpreadsheetError("too_many_rows", limit=limits.rows)
        if not is_blank(raw):
            headers = [cell_text(v) for v in raw]
            break
    if headers is None:
        raise SpreadsheetError("empty")
    width = len(headers)

    def rows() -> Iterator[tuple[int, list]]:
        row_number = number
        count = 0
        for raw in raw_rows:
            row_number += 1
            if row_number > limits.scan_rows:
                raise SpreadsheetError("too_many_rows", limit=limits.rows)
            if is_blank(raw):
                continue
            count += 1
            if count > limits.rows:
                raise SpreadsheetError("too_many_rows", limit=limits.rows)
            values = [unprotect(v) for v in raw]
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            yield row_number, values

    return headers, rows()


def _sheets(data: bytes, limits: Limits) -> tuple[str, Iterator[tuple[str | None, Iterator]]]:
    """``(kind, sheets)``: the file's kind and ``(sheet name, rows)`` for each sheet."""
    kind = sniff(data)
    if kind == "xlsx":
        return kind, xlsx_sheets(data, limits)
    if kind == "xls":
        return kind, xls_sheets(data, limits)
    return kind, iter([(None, text_rows(data))])


def find_table(source, filename: str | None, spec: TableSpec, *,
               limits: Limits | None = None) -> Table:
    """Find the table of an import file: the first sheet that holds a header row with every
    required field of ``spec`` (see :func:`lms.spreadsheets_table.find_in_sheet`).

    ``source`` is a path, bytes, a file object or a werkzeug ``FileStorage``. Raises
    :class:`SpreadsheetError`: ``missing_columns`` (naming the required fields that the best
    candidate row lacks) when no sheet holds the table, ``month_first_dates`` is raised later
    by :func:`records`.
    """
    limits = limits or import_limits()
    data = _read_bytes(source, limits)
    kind, sheets = _sheets(data, limits)
    names: list[str] = []
    found: Table | None = None
    best: tuple[int, dict] = (-1, {})
    for name, rows in sheets:
        if name is not None:
            names.append(name)
        if found is not None:
            continue
        table, candidate = find_in_sheet(kind, name, rows, spec, limits)
        if table is not None:
            found = table
        elif candidate[0] > best[0]:
            best = candidate
    if found is None:
        if not names and best[0] < 0 and kind != "text":
            raise SpreadsheetError("empty")
        missing = [r for r in spec.required if r not in best[1]]
        raise SpreadsheetError("missing_columns", missing or list(spec.required))
    found.sheets = names
    return found


def read_table(source, filename: str | None, fields: dict, required: Sequence[str], *,
               limits: Limits | None = None):
    """:func:`find_table` for callers that want ``(columns, headers, rows)``: ``columns``
    maps field → column index, ``rows`` iterates ``(row number, values)``."""
    table = find_table(source, filename, TableSpec(fields, tuple(required)), limits=limits)
    return table.columns, table.headers, iter(table.rows)


def read_rows(source, filename: str | None = None, *, limits: Limits | None = None
              ) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Read a plain spreadsheet (the first sheet, its first non-blank row as the header):
    ``(headers, rows)``.

    ``rows`` yields ``(row_number, values)`` for each non-blank row under the header, values
    padded to the header's width, formula protection removed; .xlsx / .xls values keep their
    type (numbers, dates), text values are strings. ``limits`` (default:
    :func:`import_limits`) bounds the file: it is refused before it is parsed when its size or
    its zip directory passes them, and the rows stop with ``too_many_rows`` at the data row
    after ``limits.rows``. Raises :class:`SpreadsheetError` (also while iterating ``rows``).
    ``filename`` is accepted for the callers' symmetry; the content tells the format.
    """
    limits = limits or import_limits()
    data = _read_bytes(source, limits)
    _kind, sheets = _sheets(data, limits)
    first = next(sheets, None)
    if first is None:
        raise SpreadsheetError("empty")
    return _numbered(first[1], limits)


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
