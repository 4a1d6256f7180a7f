"""lms.spreadsheets: reading, header matching, formula safety, writing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from lms.spreadsheets import (
    SpreadsheetError,
    match_headers,
    read_rows,
    safe_cell,
    unprotect,
    write_csv,
    write_rows,
    write_xlsx,
)

DANGEROUS = ["=1+1", "+84912", "-5", "@SUM(A1)", "\tx", "\rx", "'=already", "''+x"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_safe_cell_protects_and_unprotect_restores(value):
    protected = safe_cell(value)
    assert protected.startswith("'")
    assert unprotect(protected) == value


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "0912 345 678", "a=b", "", None, 5, -3.5,
                                   date(2025, 1, 1)])
def test_safe_cell_leaves_harmless_values(value):
    assert safe_cell(value) == value


def test_match_headers_ignores_case_diacritics_and_alternatives():
    headers = ["HO VA TEN", "số điện thoại (*)", "Tổ dân phố / Thôn / Bản", "", "Vai trò:"]
    fields = {"full_name": ["Họ và tên"], "phone": ["Số điện thoại"],
              "village": ["Thôn", "Bản"], "role": ["Vai trò"], "gender": ["Giới tính"]}
    assert match_headers(headers, fields) == {"full_name": 0, "phone": 1, "village": 2, "role": 4}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_write_then_read_round_trip(fmt):
    rows = [["Nguyễn Văn A", "=HYPERLINK(\"x\")", date(2025, 1, 2), 1990],
            ["Lò Thị B", "-", None, None]]
    stream = io.BytesIO()
    write_rows(stream, fmt, ["Họ và tên", "Ghi chú", "Ngày", "Năm"], rows)
    headers, read = read_rows(stream.getvalue(), f"x.{fmt}")
    assert headers == ["Họ và tên", "Ghi chú", "Ngày", "Năm"]
    read = list(read)
    assert [n for n, _ in read] == [2, 3]
    first = read[0][1]
    assert first[0] == "Nguyễn Văn A" and first[1] == "=HYPERLINK(\"x\")"
    assert first[2] in (datetime(2025, 1, 2), "02/01/2025")
    assert read[1][1][1] == "-"


def test_xlsx_cells_are_not_formulas(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "x.xlsx"
    write_xlsx(path, ["a"], [["=1+1"], ["@cmd"]])
    sheet = load_workbook(path).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "'=1+1"
    assert sheet["A3"].value == "'@cmd"


def test_csv_has_bom_and_reads_with_or_without_it(tmp_path):
    path = tmp_path / "x.csv"
    write_csv(path, ["Họ và tên"], [["Đặng Thị Ánh"]])
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    for payload in (data, data[3:]):
        headers, rows = read_rows(payload, "x.csv")
        assert headers == ["Họ và tên"]
        assert list(rows) == [(2, ["Đặng Thị Ánh"])]


def test_csv_semicolon_and_blank_rows_and_short_rows():
    data = b"A;B;C\n1;2\n\n;;\n4;5;6\n"
    headers, rows = read_rows(data, "f.CSV")
    assert headers == ["A", "B", "C"]
    assert list(rows) == [(2, ["1", "2", None]), (5, ["4", "5", "6"])]


def test_errors():
    with pytest.raises(SpreadsheetError) as err:
        read_rows(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "f.xlsx")
    assert (err.value.code, err.value.detected) == ("format", "pdf")
    with pytest.raises(SpreadsheetError) as err:
        read_rows(b"PK\x03\x04 not really a zip", "f.xlsx")
    assert err.value.code == "unreadable"
    with pytest.raises(SpreadsheetError) as err:
        read_rows(b"\x00\x01\x02\x03binary", "f.csv")
    assert err.value.code == "format"
    with pytest.raises(SpreadsheetError) as err:
        read_rows(b"\n\n", "f.csv")
    assert err.value.code == "empty"


def test_read_from_file_storage():
    from werkzeug.datastructures import FileStorage

    upload = FileStorage(io.BytesIO("Tên\nAn\n".encode()), filename="ds.csv")
    headers, rows = read_rows(upload)
    assert headers == ["Tên"] and list(rows) == [(2, ["An"])]
