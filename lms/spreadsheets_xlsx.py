"""The guarded .xlsx reader: every part of the archive is checked in constant memory before
openpyxl parses it (zip bombs, entity expansion, absurd sizes), then the sheets are streamed
row by row (openpyxl read-only)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence

from lms.spreadsheets_base import (
    _MB,
    MAX_CELLS,
    MAX_COLUMN,
    MAX_DIRECTORY,
    MAX_ELEMENTS,
    MAX_PARTS,
    MAX_RATIO,
    RATIO_FROM,
    READ_COLUMNS,
    Limits,
    SpreadsheetError,
)

# Rows with values beyond the data rows: a title block, the header, a total, the signatures.
EXTRA_ROWS = 200

def _check_directory(data: bytes) -> None:
    """Refuse a zip whose central directory is too big to be read safely (``unreadable``);
    the end-of-directory record is found as :mod:`zipfile` finds it."""
    tail = data[-(65_535 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise SpreadsheetError("unreadable")  # not a zip at all
    entries, size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries > MAX_PARTS or size > MAX_DIRECTORY:
        raise SpreadsheetError("unreadable")


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an .xlsx from its zip directory alone, before any part is unpacked: encrypted or
    oddly compressed parts, too many parts, a part packed more than :data:`MAX_RATIO` times
    (``unreadable``), more than ``unpacked_mb`` in all or a shared-strings part above
    ``part_mb`` (``too_large``). :mod:`zipfile` never unpacks more than the sizes checked here
    (a part that lies about its size fails its CRC check)."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise SpreadsheetError("unreadable")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                              zipfile.ZIP_DEFLATED):
            raise SpreadsheetError("unreadable")  # encrypted, or not what Excel writes
        if (info.filename.lower().endswith("sharedstrings.xml")
                and info.file_size > limits.part_mb * _MB):
            raise SpreadsheetError("too_large", limit=limits.part_mb)
        total += info.file_size
        if total > limits.unpacked_mb * _MB:
            raise SpreadsheetError("too_large", limit=limits.unpacked_mb)
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError("unreadable")


def _column_number(reference: str) -> int:
    """``AB12`` → 28; 0 when the reference has no letters."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > MAX_COLUMN:
            break
    return number


class _PartScan:
    """Expat handlers that walk one XML part of an .xlsx in constant memory and refuse what
    would make openpyxl's ElementTree parser hold too much: a DTD (entities), more than
    :data:`MAX_ELEMENTS` elements in any subtree it keeps whole (a row of a sheet, a string of
    the shared strings table, any other part entirely), cells past :data:`MAX_COLUMN` or past
    :data:`MAX_CELLS` in all, and rows past the limits. ``part_bytes`` caps the size of a part
    that is not a worksheet (worksheets are streamed row by row)."""

    def __init__(self, limits: Limits, size: int):
        self.limits = limits
        self.size = size
        self.depth = 0
        self.root = ""
        self.in_sheet_data = False
        self.kept = 0
        self.rows = 0  # <row> elements
        self.value_rows = 0  # rows holding at least one value
        self.row_number = 0
        self.row_has_value = False
        self.row_width = 0
        self.cells = 0

    def start(self, name: str, attrs: dict) -> None:
        """An element opens."""
        self.depth += 1
        depth, local = self.depth, name.rpartition(":")[2]
        if depth == 1:
            self.root = local
            if local != "worksheet" and self.size > self.limits.part_mb * _MB:
                raise SpreadsheetError("too_large", limit=self.limits.part_mb)
        elif depth == 2 and self.root in ("sst", "worksheet"):
            self.kept = 0
            self.in_sheet_data = self.root == "worksheet" and local == "sheetData"
        elif self.in_sheet_data:
            if depth == 3:
                self.kept = 0
                self._start_row(attrs)
            elif depth == 4 and local == "c":
                column = _column_number(attrs.get("r", "")) or self.row_width + 1
                if column > MAX_COLUMN:
                    raise SpreadsheetError("unreadable")
                self.row_width = max(self.row_width, column)
            elif depth == 5 and local in ("v", "is"):
                self.row_has_value = True
        self.kept += 1
        if self.kept > MAX_ELEMENTS:
            raise SpreadsheetError("unreadable")

    def _start_row(self, attrs: dict) -> None:
        self.rows += 1
        try:
            self.row_number = int(float(attrs["r"])) if "r" in attrs else self.row_number + 1
        except ValueError as exc:
            raise SpreadsheetError("unreadable") from exc
        if self.rows > self.limits.scan_rows or self.row_number > self.limits.scan_rows:
            raise SpreadsheetError("too_many_rows", limit=self.limits.rows)
        self.row_has_value = False
        self.row_width = 0

    def end(self, name: str) -> None:
        """An element closes."""
        if self.in_sheet_data and self.depth == 3:
            self.cells += self.row_width
            if self.cells > MAX_CELLS:
                raise SpreadsheetError("unreadable")
            if self.row_has_value:
                self.value_rows += 1
                if self.value_rows > self.limits.rows + EXTRA_ROWS:  # title, header, notes, data
                    raise SpreadsheetError("too_many_rows", limit=self.limits.rows)
        elif self.depth == 2:
            self.in_sheet_data = False
        self.depth -= 1


def _refuse_dtd(*_args) -> None:
    raise SpreadsheetError("unreadable")


def scan_part(stream, limits: Limits, size: int) -> None:
    """Check one XML part of an .xlsx (see :class:`_PartScan`) without building it in memory;
    :class:`SpreadsheetError` when it must not be parsed."""
    from xml.parsers import expat

    scan = _PartScan(limits, size)
    parser = expat.ParserCreate()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.StartDoctypeDeclHandler = _refuse_dtd
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise SpreadsheetError("unreadable") from exc


class _GuardedZip(zipfile.ZipFile):
    """The archive openpyxl reads from: every part is checked with :func:`scan_part` the first
    time it is opened, before openpyxl parses it, whatever the part is called."""

    limits: Limits = Limits()
    scanned: set

    def open(self, name, mode="r", pwd=None, **kwargs):  # noqa: A003  (zipfile's name)
        """Open a part, checking it first (reading only)."""
        if mode == "r":
            info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
            if info.filename not in self.scanned:
                self.scanned.add(info.filename)
                with super().open(info, "r", pwd) as stream:
                    scan_part(stream, self.limits, info.file_size)
        return super().open(name, mode, pwd, **kwargs)


_XLSX_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError,
                TypeError, AttributeError, IndexError, EOFError, NotImplementedError, zlib.error)


def _reader_class():
    """openpyxl's reader, made to open the worksheets without reading each one through to
    learn its size when the file does not state it (files written in write-only mode, our
    own exports among them, do not): the size is never used (:meth:`reset_dimensions`), and
    that pass cost as much as reading the rows."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class StreamedSheet(ReadOnlyWorksheet):
        def _get_size(self):
            return None

    class Reader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                ws = StreamedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    return Reader


def xlsx_sheets(data: bytes, limits: Limits) -> Iterator[tuple[str, Iterator[Sequence]]]:
    """``(sheet name, rows)`` for each visible sheet of an .xlsx, in order, after checking the
    zip directory and every part openpyxl opens. ``rows`` streams the values of each row
    (openpyxl read-only; merged cells hold their value in the top-left cell only)."""
    try:
        _check_directory(data)
        archive = _GuardedZip(io.BytesIO(data))
        archive.limits, archive.scanned = limits, set()
        _check_members(archive, limits)
        reader = _reader_class()(io.BytesIO(data), read_only=True, data_only=True)
        reader.archive.close()
        reader.archive, reader.valid_files = archive, archive.namelist()
        reader.read()
    except SpreadsheetError:
        raise
    except _XLSX_ERRORS as exc:
        if isinstance(exc.__cause__, SpreadsheetError):  # openpyxl wraps it in a ValueError
            raise exc.__cause__ from None
        raise SpreadsheetError("unreadable") from exc
    workbook = reader.wb
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            sheet.reset_dimensions()  # never trust (or pad to) the size the file claims
            yield sheet.title, _sheet_rows(sheet, limits)
    finally:
        workbook.close()


def _sheet_rows(sheet, limits: Limits) -> Iterator[Sequence]:
    try:
        for values in sheet.iter_rows(max_row=limits.scan_rows + 1, values_only=True):
            yield values[:READ_COLUMNS]
    except SpreadsheetError:
        raise
    except _XLSX_ERRORS as exc:
        raise SpreadsheetError("unreadable") from exc
