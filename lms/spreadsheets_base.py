"""The parts every spreadsheet reader and writer shares: the error, the import limits and the
cell helpers (formula protection, cell text, header keys)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from lms.normalize import clean_text, fold

FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r")
_PROTECTED = re.compile(r"^'+[=+\-@\t\r]")
_HEADER_NOISE = re.compile(r"[^a-z0-9/ ]+")


class SpreadsheetError(ValueError):
    """The file cannot be used. ``code`` is one of:

    - ``format``: not a spreadsheet this platform reads; ``detected`` names what it is
      (``pdf``, ``docx``, ``doc``, ``ods``, ``image``, ``zip``, ``encrypted`` …) or ``''``;
    - ``unreadable``: damaged, or not what its name says;
    - ``encoding``: text in no encoding an office program writes;
    - ``empty``: nothing in it;
    - ``missing_columns``: no header row holds the required columns (``columns`` names them);
    - ``month_first_dates``: a date column written month/day (``columns`` holds the column's
      field, ``value`` and ``row`` an example that can only be month/day);
    - past an import limit (:data:`LIMIT_CODES`, then ``limit`` is the number of rows or
      megabytes that was passed; :func:`limit_text` is its message)."""

    def __init__(self, code: str, columns: list[str] | None = None, limit: int | None = None,
                 *, detected: str = "", value: str = "", row: int | None = None):
        super().__init__(code)
        self.code = code
        self.columns = columns or []
        self.limit = limit
        self.detected = detected
        self.value = value
        self.row = row


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


# --- limits --------------------------------------------------------------------------------

_MB = 1024 * 1024
MAX_RATIO = 100  # unpacked / packed size of any part above RATIO_FROM bytes (zip bombs)
RATIO_FROM = _MB
MAX_PARTS = 1000  # members of an .xlsx (a real one has 10–30)
MAX_DIRECTORY = _MB  # bytes of the zip central directory, checked before zipfile reads it
MAX_COLUMN = 16_384  # Excel's last column (XFD); a cell beyond it is refused
READ_COLUMNS = 1024  # columns kept per row; anything to their right is ignored
MAX_ELEMENTS = 250_000  # XML elements the parser holds at once (one row, or a part read whole)
MAX_CELLS = 20_000_000  # row widths summed over a sheet (what openpyxl materialises)
LIMIT_CODES = ("too_large", "too_many_rows")


@dataclass(frozen=True)
class Limits:
    """How much one imported file may hold (settings ``IMPORT_MAX_*`` in lms/config.py).

    ``rows``: data rows under the header; ``file_mb``: the file itself (.xlsx or .csv);
    ``unpacked_mb``: every part of an .xlsx once unpacked; ``part_mb``: any part of an .xlsx
    that is read whole (shared strings, styles, workbook). Rows are scanned, blank ones included,
    up to ``scan_rows`` (four times ``rows``, plus 1,000), so blank rows cannot be used to make
    a reader spin either."""

    rows: int = 50_000
    file_mb: int = 16
    unpacked_mb: int = 100
    part_mb: int = 16

    @property
    def scan_rows(self) -> int:
        """The last spreadsheet row that is read at all (blank rows included)."""
        return 4 * self.rows + 1000


def import_limits(config: Mapping | None = None) -> Limits:
    """The import limits from ``config`` (default: the current app's, else the defaults)."""
    if config is None:
        from flask import current_app, has_app_context

        if not has_app_context():
            return Limits()
        config = current_app.config
    default = Limits()
    return Limits(rows=int(config.get("IMPORT_MAX_ROWS", default.rows)),
                  file_mb=int(config.get("IMPORT_MAX_FILE_MB", default.file_mb)),
                  unpacked_mb=int(config.get("IMPORT_MAX_UNPACKED_MB", default.unpacked_mb)),
                  part_mb=int(config.get("IMPORT_MAX_PART_MB", default.part_mb)))


def limit_text(exc: SpreadsheetError) -> str:
    """The translated message of a :class:`SpreadsheetError` whose ``code`` is in
    :data:`LIMIT_CODES`, naming the limit (``''`` for any other code)."""
    from flask_babel import gettext as _

    from lms.i18n import number

    if exc.code == "too_many_rows":
        return _("The file has more than %(limit)s rows; at most %(limit)s rows can be imported "
                 "at once. Split it into several files.", limit=number(exc.limit))
    if exc.code == "too_large":
        return _("The file is too large: at most %(limit)s MB of data can be imported at once. "
                 "Split it into several files.", limit=number(exc.limit))
    return ""


