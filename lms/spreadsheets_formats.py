"""What a file really is, and the readers for the formats that are not .xlsx: text files
(.csv / .txt in UTF-8, UTF-16 or Windows-1258, separated by ``,`` ``;`` or tab) and old Excel
files (.xls, through xlrd).

The content decides, not the name: an .xlsx renamed .csv is read as an .xlsx, and a PDF
renamed .xlsx is refused as a PDF, with a message that says so."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence

from lms.spreadsheets_base import Limits, SpreadsheetError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = (",", ";", "\t")
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")


def _zip_kind(data: bytes) -> str:
    """``xlsx``, or what else an office zip is (``docx``, ``pptx``, ``ods``, ``odt``, ``zip``)."""
    from lms.spreadsheets_xlsx import _check_directory

    _check_directory(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                return "xlsx"
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
            if "mimetype" in names:
                mime = archive.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
                if b"opendocument.text" in mime:
                    return "odt"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise SpreadsheetError("unreadable") from exc
    return "zip"


def _ole_kind(data: bytes) -> str:
    """``xls``, ``doc`` or ``encrypted`` (a password-protected .xlsx)."""
    head = data[:2_000_000]
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "encrypted"
    if "WordDocument".encode("utf-16-le") in head:
        return "doc"
    return "xls"  # a workbook, or something damaged that xlrd will refuse


def sniff(data: bytes) -> str:
    """``'xlsx'``, ``'xls'`` or ``'text'`` from the file's first bytes; anything else raises
    :class:`SpreadsheetError` ``format`` with ``detected`` naming what the file is."""
    if not data.strip():
        raise SpreadsheetError("empty")
    if data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
    elif data.startswith(OLE2):
        kind = _ole_kind(data)
    elif data.startswith(b"%PDF"):
        kind = "pdf"
    elif data.startswith(b"{\\rtf"):
        kind = "doc"
    elif data.startswith(_IMAGES) or data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1") or (
            data.startswith(b"RIFF") and data[8:12] == b"WEBP"):
        kind = "image"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")) or b"\x00" not in data[:4096]:
        kind = "text"
    else:
        kind = ""
    if kind == "text" and b"<table" in data[:65536].lower():
        kind = "html"  # a web page saved as .xls (what many online systems export)
    if kind in ("xlsx", "xls", "text"):
        return kind
    raise SpreadsheetError("format", detected=kind)


# --- text ----------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a .csv / .txt: UTF-8 (BOM or not), UTF-16 with a BOM (Excel's "Unicode
    Text"), else Windows-1258; NFC-normalised (Windows-1258 stores tones as combining marks)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1258")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return unicodedata.normalize("NFC", text)
    raise SpreadsheetError("encoding")


def delimiter_of(text: str) -> str:
    """The separator of a text table: the one of ``, ; tab`` found most often in its first
    30 lines (title lines count too: Excel pads them with separators)."""
    lines = text.splitlines()[:30]
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def text_rows(data: bytes) -> Iterator[Sequence]:
    """The rows of a .csv / .txt file (see :func:`decode_text` and :func:`delimiter_of`)."""
    text = decode_text(data)
    delimiter = delimiter_of(text)

    def rows() -> Iterator[Sequence]:
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        except csv.Error as exc:  # e.g. a field longer than csv.field_size_limit()
            raise SpreadsheetError("unreadable") from exc

    return rows()


# --- old Excel -----------------------------------------------------------------------------


def xls_sheets(data: bytes, limits: Limits) -> Iterator[tuple[str, Iterator[Sequence]]]:
    """``(sheet name, rows)`` of each visible sheet of an .xls (Excel 97–2003), dates as
    ``datetime``; the file is at most ``limits.file_mb`` (checked before)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for damaged or encrypted files
        raise SpreadsheetError("unreadable") from exc
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.visibility:
                continue
            if sheet.nrows > limits.scan_rows:
                raise SpreadsheetError("too_many_rows", limit=limits.rows)
            yield sheet.name, _xls_rows(book, sheet)
    finally:
        book.release_resources()


def _xls_rows(book, sheet) -> Iterator[Sequence]:
    import xlrd

    for number in range(sheet.nrows):
        values = []
        for cell in sheet.row(number)[:1024]:
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    values.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                values.append(None)
            else:
                values.append(cell.value)
        yield values
