"""Bounded spreadsheet reading: the attacks of the security review are refused before they are
parsed, in bounded memory, and a realistic file still imports.

The attack files are written by hand with :mod:`zipfile`, streaming, so the tests stay light.
Memory is measured with :mod:`tracemalloc` (Python allocations, which is where openpyxl and the
csv module put what they read)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.imports import ImportBatch
from lms.spreadsheets import (
    Limits,
    SpreadsheetError,
    import_limits,
    limit_text,
    read_rows,
    read_table,
    write_rows,
    write_xlsx,
)

MB = 1024 * 1024
PEAK_LIMIT = 50 * MB
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _xlsx(sheet_chunks, strings_chunks=None, strings_name="xl/sharedStrings.xml",
          extra: dict | None = None, level: int = 6) -> bytes:
    """A minimal .xlsx whose sheet (and shared strings) are written chunk by chunk."""
    overrides = [("/xl/workbook.xml", f"{CT_MAIN}.sheet.main+xml"),
                 ("/xl/worksheets/sheet1.xml", f"{CT_MAIN}.worksheet+xml")]
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if strings_chunks is not None:
        overrides.append(("/" + strings_name, f"{CT_MAIN}.sharedStrings+xml"))
        rels.append(("rId2", "sharedStrings", strings_name.removeprefix("xl/")))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
            'org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + "</Types>"))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="{i}" Type="{REL}/{t}" Target="{target}"/>'
                      for i, t, target in rels) + "</Relationships>"))
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for chunk in sheet_chunks:
                part.write(chunk.encode())
        if strings_chunks is not None:
            with archive.open(strings_name, "w") as part:
                for chunk in strings_chunks:
                    part.write(chunk.encode())
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return stream.getvalue()


def _sheet(rows, header=("Họ và tên", "Số điện thoại")):
    """Chunks of a sheet: a header row of inline strings, then ``rows`` (lists of numbers)."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'
    yield '<row r="1">' + "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>'
                                  for h in header) + "</row>"
    chunk = []
    for number, values in enumerate(rows, start=2):
        chunk.append(f'<row r="{number}">' + "".join(f"<c><v>{v}</v></c>" for v in values)
                     + "</row>")
        if len(chunk) == 1000:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "</sheetData></worksheet>"


def _string_bomb(megabytes: int = 100):
    """A shared strings table of one string of ``megabytes`` MB, written 1 MB at a time."""
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si><t>'
    block = "A" * MB
    for _ in range(megabytes):
        yield block
    yield "</t></si></sst>"


def _refused(data: bytes, filename: str = "roster.xlsx", limits: Limits | None = None):
    """Read ``data`` to the end; return the error and the peak of Python memory while reading."""
    tracemalloc.start()
    try:
        with pytest.raises(SpreadsheetError) as err:
            _headers, rows = read_rows(data, filename, limits=limits)
            for _ in rows:
                pass
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return err.value, peak


# --- the attacks of the review ---------------------------------------------------------------


def test_shared_string_bomb_is_refused_from_the_zip_directory():
    bomb = _xlsx(_sheet([]), _string_bomb(100), level=9)
    assert len(bomb) < 200 * 1024  # the review's file: ~104 KB unpacking to 100 MB
    error, peak = _refused(bomb)
    assert error.code == "too_large" and error.limit == Limits().part_mb
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def test_renamed_shared_string_table_is_refused_before_it_is_parsed():
    # Named so that no file-name rule catches it, and not packed well enough to look like a
    # zip bomb: the check made when openpyxl opens the part refuses it.
    import random

    rng = random.Random(1)
    text = ("".join(rng.choice("0123456789abcdef") for _ in range(4096)) for _ in range(600))
    table = _chain(f'<sst {NS}><si><t>', text, "</t></si></sst>")
    data = _xlsx(_sheet([]), table, strings_name="xl/worksheets/strings.xml")
    error, peak = _refused(data, limits=Limits(part_mb=2))
    assert error.code == "too_large" and error.limit == 2
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def test_300000_rows_are_refused_at_the_cap_without_reading_them_all():
    big = _xlsx(_sheet([(n, 900000000 + n) for n in range(300_000)]))
    assert len(big) < 4 * MB  # fits under the upload limit
    error, peak = _refused(big)
    assert error.code == "too_many_rows" and error.limit == 50_000
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def test_highly_compressed_rows_are_refused_as_a_zip_bomb():
    # The review's 168 KB file: 300,000 identical rows pack more than MAX_RATIO times.
    rows = ("<row><c><v>1</v></c></row>" * 1000 for _ in range(300))
    bomb = _xlsx(_chain(f'<worksheet {NS}><sheetData>', rows, "</sheetData></worksheet>"),
                 level=9)
    error, peak = _refused(bomb)
    assert error.code in ("unreadable", "too_many_rows")
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def _chain(first, middle, last):
    yield first
    yield from middle
    yield last


def test_csv_over_the_row_cap():
    body = "Họ và tên,Số điện thoại\n" + "".join(f"Người {n},09{n:08d}\n" for n in range(60_000))
    error, peak = _refused(body.encode(), "roster.csv")
    assert error.code == "too_many_rows" and error.limit == 50_000
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def test_csv_over_the_byte_cap_is_refused_before_reading(tmp_path):
    limits = Limits(file_mb=1)
    data = ("Tên\n" + "x" * 100 + "\n") * 12_000  # ~1.2 MB
    for source in (data.encode(), io.BytesIO(data.encode())):
        with pytest.raises(SpreadsheetError) as err:
            read_rows(source, "a.csv", limits=limits)
        assert err.value.code == "too_large" and err.value.limit == 1
    path = tmp_path / "a.csv"
    path.write_text(data)
    with pytest.raises(SpreadsheetError) as err:
        read_rows(path, limits=limits)
    assert err.value.code == "too_large"


def test_blank_rows_cannot_make_the_reader_spin():
    limits = Limits(rows=10)
    error, _peak = _refused(b"A\n" + b"\n" * 2_000 + b"x\n", "a.csv", limits)
    assert error.code == "too_many_rows"
    far = _xlsx(_chain(f'<worksheet {NS}><sheetData>',
                       ['<row r="1"><c t="inlineStr"><is><t>A</t></is></c></row>'
                        '<row r="999999999"><c><v>1</v></c></row>'], "</sheetData></worksheet>"))
    error, _peak = _refused(far, limits=limits)
    assert error.code == "too_many_rows"


# --- the row cap, exactly ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_cap_counts_data_rows(fmt):
    limits = Limits(rows=5)
    for count, refused in ((5, False), (6, True)):
        stream = io.BytesIO()
        write_rows(stream, fmt, ["Tên"], [[f"Người {n}"] for n in range(count)])
        if refused:  # before parsing (the .xlsx sheet is scanned first) or at the 6th row
            with pytest.raises(SpreadsheetError) as err:
                list(read_rows(stream.getvalue(), f"a.{fmt}", limits=limits)[1])
            assert err.value.code == "too_many_rows" and err.value.limit == 5
        else:
            assert len(list(read_rows(stream.getvalue(), f"a.{fmt}", limits=limits)[1])) == 5


@pytest.mark.app_config(IMPORT_MAX_ROWS=3)
def test_the_cap_is_a_setting(app):
    assert import_limits().rows == 3
    with pytest.raises(SpreadsheetError) as err:
        read_table(b"Ten\n1\n2\n3\n4\n", "a.csv", {"name": ["Ten"]}, ["name"])
    assert err.value.code == "too_many_rows" and err.value.limit == 3


def test_limit_messages_name_the_limit(app):
    with app.test_request_context("/"):
        rows = limit_text(SpreadsheetError("too_many_rows", limit=50_000))
        size = limit_text(SpreadsheetError("too_large", limit=16))
    assert "50" in rows and "000" in rows and "16" in size
    assert limit_text(SpreadsheetError("unreadable")) == ""


# --- damaged and disguised files ---------------------------------------------------------------


def _valid() -> bytes:
    return _xlsx(_sheet([(1, 912345678)]))


def test_a_normal_handmade_file_reads():
    headers, rows = read_rows(_valid(), "a.xlsx")
    assert headers == ["Họ và tên", "Số điện thoại"] and list(rows) == [(2, [1, 912345678])]


def test_encrypted_parts_are_refused():
    data = bytearray(_valid())
    at = data.find(b"PK\x01\x02")
    while at >= 0:  # set the "encrypted" flag of every entry of the central directory
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    assert _refused(bytes(data))[0].code == "unreadable"


@pytest.mark.parametrize("data, code, detected", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "unreadable", ""),  # a broken .xls
    (b"%PDF-1.7\n" + b"x" * 100, "format", "pdf"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "format", "image"),
], ids=["ole", "pdf", "png"])
def test_non_zip_content_with_an_xlsx_name_is_refused(data, code, detected):
    error = _refused(data)[0]
    assert (error.code, error.detected) == (code, detected)


def test_text_with_an_xlsx_name_is_read_as_text():
    headers, rows = read_rows("Họ và tên;SĐT\nAn;0912345678\n".encode(), "roster.xlsx")
    assert headers == ["Họ và tên", "SĐT"] and list(rows) == [(2, ["An", "0912345678"])]


def test_corrupt_zip_is_refused():
    data = _valid()
    assert _refused(data[: len(data) // 2])[0].code == "unreadable"
    damaged = bytearray(data)
    sheet_at = damaged.find(b"xl/worksheets/sheet1.xml") + 40
    damaged[sheet_at:sheet_at + 20] = b"\xff" * 20  # packed data no longer matches its CRC
    assert _refused(bytes(damaged))[0].code == "unreadable"


def test_packed_too_well_is_a_zip_bomb():
    data = _xlsx(_sheet([(1, 2)]), extra={"xl/media/padding.bin": b"\0" * (8 * MB)})
    assert _refused(data)[0].code == "unreadable"


def test_too_many_parts_is_refused():
    data = _xlsx(_sheet([(1, 2)]), extra={f"xl/x{n}.xml": "<x/>" for n in range(1_001)})
    assert _refused(data)[0].code == "unreadable"


def test_unpacked_total_is_capped():
    data = _xlsx(_sheet([(n, n * 7919 % 100_003) for n in range(60_000)]))
    error, _peak = _refused(data, limits=Limits(unpacked_mb=1))
    assert error.code == "too_large" and error.limit == 1


def test_entities_and_huge_rows_are_refused():
    laughs = _xlsx(_chain('<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>',
                          [f'<worksheet {NS}><sheetData><row><c t="inlineStr"><is><t>&a;</t>'
                           "</is></c></row>"], "</sheetData></worksheet>"))
    assert _refused(laughs)[0].code == "unreadable"
    wide = _xlsx(_chain(f'<worksheet {NS}><sheetData><row r="1">',
                        ("<c/>" * 10_000 for _ in range(30)), "</row></sheetData></worksheet>"))
    error, peak = _refused(wide)
    assert error.code == "unreadable" and peak < PEAK_LIMIT
    beyond = _xlsx(_chain(f'<worksheet {NS}><sheetData>',
                          ['<row r="1"><c r="ZZZ1"><v>1</v></c></row>'], "</sheetData></worksheet>"))
    assert _refused(beyond)[0].code == "unreadable"


# --- a realistic file still imports ----------------------------------------------------------


def _roster(path, rows: int) -> None:
    villages = ["Tổ dân phố Hòa Lạc", "Tổ dân phố Yên Bắc"]
    write_xlsx(path, ["Họ và tên", "Số điện thoại", "Năm sinh", "Giới tính", "Tổ dân phố",
                      "Vai trò", "Nghề nghiệp", "Ngày tham gia", "Ngày rời tổ"],
               ([f"Nguyễn Văn {n}", f"09{n:08d}", 1970 + n % 30, "Nam" if n % 2 else "Nữ",
                 villages[n % 2], "Thành viên", "Giáo viên", date(2025, 1 + n % 12, 1), None]
                for n in range(rows)))


def test_a_realistic_roster_reads_quickly_in_little_memory(tmp_path):
    path = tmp_path / "roster.xlsx"
    _roster(path, 5_000)
    tracemalloc.start()
    try:
        headers, rows = read_rows(path)
        count = sum(1 for _ in rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 5_000 and headers[0] == "Họ và tên"
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"


def test_a_realistic_roster_imports_through_the_web(make, auth, client, tmp_path):
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    make.team(commune, commune_level=True)
    for name in ("Tổ dân phố Hòa Lạc", "Tổ dân phố Yên Bắc"):
        make.team(commune, name=f"Tổ CNSCĐ {name}").village.name = name
    officer = make.officer(commune)
    db.session.commit()
    path = tmp_path / "roster.xlsx"
    _roster(path, 300)
    auth.login_as(officer)
    response = client.post(f"/org/communes/{commune.id}/import",
                           data={"file": (io.BytesIO(path.read_bytes()), "roster.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    token = response.headers["Location"].rsplit("/", 1)[-1]
    response = client.post(f"/org/imports/{token}", data={})
    assert response.status_code == 200
    from lms.org.models import Membership

    assert db.session.scalar(select(func.count()).select_from(Membership)) == 300


@pytest.mark.parametrize("url_of", [lambda c: f"/org/communes/{c.id}/import",
                                    lambda c: "/training/import"], ids=["roster", "history"])
def test_the_bomb_uploaded_through_the_web_is_refused(make, auth, client, url_of):
    commune = make.commune(code="DT")
    officer = make.officer(commune)
    db.session.commit()
    auth.login_as(officer)
    bomb = _xlsx(_sheet([]), _string_bomb(100), level=9)
    tracemalloc.start()
    try:
        response = client.post(url_of(commune), data={"file": (io.BytesIO(bomb), "ds.xlsx")},
                               content_type="multipart/form-data")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200  # the upload form again, with the error
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert peak < PEAK_LIMIT, f"peak {peak / MB:.1f} MB"
