"""Finding the table inside a sheet the way offices lay it out: a title block in merged cells
above it, a numbering row and an STT column, blank rows, a total row and the signature block
under it. What is not the table is skipped with a note that names it, never imported and
never reported as an error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from lms.normalize import fold
from lms.spreadsheets_base import (
    Limits,
    SpreadsheetError,
    cell_text,
    header_key,
    match_headers,
    unprotect,
)

HEADER_SCAN = 30  # non-blank rows searched for the header row
STT_HEADERS = {"stt", "tt", "so tt", "so thu tu", "no", "no.", "#"}
_NUMBERING = re.compile(r"^\(?[0-9]{1,2}\)?$|^\(?[a-z]\)?$")
_TOTAL = re.compile(r"^(tong cong|tong so|cong)\b|^tong *[:\-]|^tong$")
_PHONE_LIKE = re.compile(r"\d[\d .\-]{7,}\d")
_FOOTER = re.compile(
    r"^(nguoi lap|nguoi ky|nguoi tong hop|tm\b|t/m\b|kt\b|q\.? ?chu tich|chu tich|pho chu tich|"
    r"truong phong|pho truong phong|truong ban|xac nhan|noi nhan|thu truong|giam doc|"
    r"can bo|ky ten|\(ky|da ky)|(^|, ?)ngay[ .…]*[0-9]*[ .…]*thang")
_EXAMPLE = ("vi du:", "(vi du", "example:")  # the example row of a template
_MONTH_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


@dataclass(frozen=True)
class TableSpec:
    """What to look for: ``fields`` maps a field to its header spellings; ``required`` must
    all have a column; headers in ``ignored`` are dropped without a warning (a "Ký tên"
    column of a sign-in sheet); ``date_fields`` are checked for month-first dates."""

    fields: Mapping[str, Sequence[str]]
    required: tuple[str, ...]
    ignored: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()


@dataclass
class Table:
    """The table found in a file. ``rows`` are ``(row number, values)`` as the spreadsheet
    program numbers them; ``notes`` say which rows were skipped and why (``code`` title /
    numbering / blank / total / footer / example / no_data / stt, ``rows`` [first, last], ``text``);
    ``unused`` names the columns that are not read (``column`` letter, ``header``)."""

    kind: str
    sheet: str | None
    sheets: list[str]
    header_row: int
    headers: list[str]
    columns: dict[str, int]
    rows: list[tuple[int, list]] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    unused: list[dict] = field(default_factory=list)

    def header_of(self, name: str) -> str:
        """The header text of a field's column, as written in the file."""
        index = self.columns.get(name)
        return self.headers[index] if index is not None and index < len(self.headers) else ""


def column_letter(index: int) -> str:
    """0 → ``A``, 27 → ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_blank(values: Sequence) -> bool:
    """No value in the row (``None`` or white space only)."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _first_text(values: Sequence) -> str:
    for value in values:
        text = cell_text(value)
        if text:
            return text
    return ""


def _person_like(values: Sequence) -> bool:
    """A cell holds something like a phone number (a total or signature row never does)."""
    return any(_PHONE_LIKE.search(cell_text(v)) for v in values)


def _score(values: Sequence, spec: TableSpec) -> tuple[int, int, dict]:
    columns = match_headers(values, spec.fields)
    return sum(1 for r in spec.required if r in columns), len(columns), columns


def _is_numbering(values: Sequence) -> bool:
    texts = [fold(cell_text(v)) for v in values if cell_text(v)]
    return len(texts) >= 2 and all(_NUMBERING.match(t) for t in texts)


def _note(notes: list[dict], code: str, number: int, text: str = "") -> None:
    """Add a skipped row to the notes, joining it to the last note of the same code when the
    rows follow each other (a title block or a signature block is one note)."""
    last = notes[-1] if notes else None
    if last and last["code"] == code and code in ("title", "footer", "blank") and (
            last["rows"][1] == number - 1 or code == "footer"):
        last["rows"][1] = number
        return
    notes.append({"code": code, "rows": [number, number], "text": text[:80]})


def find_in_sheet(kind: str, sheet: str | None, raw: Iterable[Sequence], spec: TableSpec,
                  limits: Limits) -> tuple[Table | None, tuple[int, dict]]:
    """Find the table of one sheet: ``(table, (score, columns))``; ``table`` is ``None`` when
    no header row among the first :data:`HEADER_SCAN` non-blank rows holds every required
    field (then the best candidate's columns tell what is missing)."""
    iterator: Iterator[Sequence] = iter(raw)
    seen: list[tuple[int, list]] = []
    best: tuple[int, int, dict, int] = (0, 0, {}, -1)
    number = 0
    for values in iterator:
        number += 1
        if number > limits.scan_rows:
            raise SpreadsheetError("too_many_rows", limit=limits.rows)
        values = list(values)
        if is_blank(values):
            continue
        seen.append((number, values))
        required, total, columns = _score(values, spec)
        if (required, total) > best[:2]:
            best = (required, total, columns, len(seen) - 1)
        if required == len(spec.required) or len(seen) >= HEADER_SCAN:
            break
    required, _total, columns, at = best
    if required < len(spec.required):
        return None, (required, columns)
    header_number, header_values = seen[at]
    headers = [cell_text(v) for v in header_values]
    table = Table(kind=kind, sheet=sheet, sheets=[], header_row=header_number, headers=headers,
                  columns=columns)
    for title_number, values in seen[:at]:
        _note(table.notes, "title", title_number, _first_text(values))
    used = set(columns.values())
    ignored = {header_key(h) for h in spec.ignored}
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key or index in used:
            continue
        if key in STT_HEADERS:
            table.notes.append({"code": "stt", "rows": [header_number, header_number],
                                "text": header, "column": column_letter(index)})
        elif key not in ignored and not any(key.startswith(i) for i in ignored):
            table.unused.append({"column": column_letter(index), "header": header})
    _read_body(table, seen[at + 1:], iterator, number, limits)
    return table, (required, columns)


def _read_body(table: Table, buffered: list, iterator: Iterator, number: int,
               limits: Limits) -> None:
    width = len(table.headers)
    mapped = sorted(set(table.columns.values()))
    in_footer = False
    pending_blanks: list[int] = []
    first = True

    def rows():
        yield from buffered
        row_number = number
        for values in iterator:
            row_number += 1
            if row_number > limits.scan_rows:
                raise SpreadsheetError("too_many_rows", limit=limits.rows)
            yield row_number, list(values)

    for row_number, values in rows():
        if is_blank(values):
            if table.rows and not in_footer:
                pending_blanks.append(row_number)
            continue
        text = _first_text(values)
        key = fold(text)
        if first and _is_numbering(values):
            _note(table.notes, "numbering", row_number, " ".join(
                cell_text(v) for v in values if cell_text(v)))
            first = False
            continue
        first = False
        if not in_footer and _FOOTER.search(key) and not _person_like(values):
            in_footer = True
        if in_footer:
            _note(table.notes, "footer", row_number, text)
            continue
        if any(isinstance(v, str) and v.lstrip()[:1] in "VvEe(" and
               fold(v).startswith(_EXAMPLE) for v in values):
            _note(table.notes, "example", row_number, text)
            continue
        if _TOTAL.match(key) and not _person_like(values):
            _note(table.notes, "total", row_number, text)
            continue
        for blank in pending_blanks:
            _note(table.notes, "blank", blank)
        pending_blanks = []
        values = [unprotect(v) for v in values]
        if len(values) < width:
            values.extend([None] * (width - len(values)))
        if all(not cell_text(values[i]) for i in mapped):
            _note(table.notes, "no_data", row_number, text)
            continue
        table.rows.append((row_number, values))
        if len(table.rows) > limits.rows:
            raise SpreadsheetError("too_many_rows", limit=limits.rows)


def records(table: Table, date_fields: Iterable[str] = ()) -> list[dict]:
    """The table's rows as JSON-ready text: ``{"row": 7, field: text, …}``. A date column in
    which any text value can only be month/day ("3/15/2025") is refused as a whole
    (``month_first_dates``), so that "4/1/2025" in the same column is never stored as 4 January."""
    out = []
    for number, values in table.rows:
        item = {"row": number}
        for name, index in table.columns.items():
            item[name] = cell_text(values[index]) if index < len(values) else ""
        out.append(item)
    for name in date_fields:
        if name not in table.columns:
            continue
        index = table.columns[name]
        for number, values in table.rows:
            value = values[index] if index < len(values) else None
            if not isinstance(value, str):
                continue  # real dates are never ambiguous
            match = _MONTH_FIRST.match(value.strip())
            if match and int(match.group(1)) <= 12 < int(match.group(2)) <= 31:
                raise SpreadsheetError("month_first_dates", [name], value=value.strip(),
                                       row=number)
    return out
