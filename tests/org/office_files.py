"""Files the way commune offices really keep them, built inside the tests: a title block in
merged cells, an STT column and a numbering row, numbers where phones should be, a total row
and the signature block, old .xls, Excel's "Unicode Text", Windows-1258 CSV."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

TITLE = ["ỦY BAN NHÂN DÂN PHƯỜNG DUY TIÊN", "DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG NĂM 2026",
         "(Kèm theo Quyết định số 125/QĐ-UBND ngày 10/01/2026 của UBND phường)"]
HEADER = ["STT", "Họ và tên", "Số điện thoại", "Năm sinh", "Giới tính", "Tổ dân phố",
          "Chức vụ trong Tổ", "Nghề nghiệp", "Ngày vào Tổ", "Ghi chú"]
# Phones typed as numbers (Excel dropped the 0), names typed on a Mac (NFD), short roles.
PEOPLE = [
    [1, unicodedata.normalize("NFD", "Trần Văn Dũng"), 912000001, 1979, "Nam",
     "TDP Hòa Lạc", "Tổ trưởng", "Công an khu vực", datetime(2025, 3, 1), ""],
    [2, "Nguyễn Thị Mai", "0912.000.002", 1996, "Nữ", "Hòa Lạc", "Tổ phó Tổ CNSCĐ",
     "Giáo viên", datetime(2025, 3, 1), "Zalo cùng số"],
    [3, unicodedata.normalize("NFD", "Lê Thị Hoà"), "0912 000 003 / 0987 000 003", 1988,
     "Nữ", "Hòa Lạc", "Thành viên tổ", "Y tế", datetime(2025, 3, 15), ""],
    [4, "Phạm Văn Long", 912000004, 1990, "Nam", "Tổ dân phố Yên Bắc", "TT", "Đoàn thanh niên",
     datetime(2025, 4, 15), ""],
    [5, "Đỗ Thị Lan", "+84 912 000 005", 1975, "Nữ", "Yên Bắc", "CTV", "Hội phụ nữ",
     datetime(2025, 4, 15), ""],
]
FOOTER = [[None, None, None, None, None, None, "Duy Tiên, ngày 15 tháng 01 năm 2026"],
          [None, "NGƯỜI LẬP BIỂU", None, None, None, None, "TM. ỦY BAN NHÂN DÂN"],
          [None, None, None, None, None, None, "CHỦ TỊCH"],
          [None, "(Ký, ghi rõ họ tên)", None, None, None, None, "(Ký tên, đóng dấu)"],
          [None, "Vũ Thị Ngọc", None, None, None, None, "Nguyễn Văn Bình"]]


def office_xlsx(people=None, header=None, title=TITLE, total=True, footer=True) -> bytes:
    """The roster as an office keeps it (header on row 5, numbering row 6)."""
    from openpyxl import Workbook

    people = PEOPLE if people is None else people
    header = HEADER if header is None else header
    book = Workbook()
    sheet = book.active
    sheet.title = "DS Tổ CNSCĐ"
    width = len(header)
    for n, text in enumerate(title, start=1):
        sheet.cell(row=n, column=1, value=text)
        sheet.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)
    row = len(title) + 2
    for col, text in enumerate(header, start=1):
        sheet.cell(row=row, column=col, value=text)
    row += 1
    for col in range(1, width + 1):
        sheet.cell(row=row, column=col, value=f"({col})")
    for person in people:
        row += 1
        for col, value in enumerate(person, start=1):
            cell = sheet.cell(row=row, column=col, value=value)
            if isinstance(value, datetime):
                cell.number_format = "DD/MM/YYYY"
    if total:
        row += 1
        sheet.cell(row=row, column=1, value=f"Tổng cộng: {len(people)} người")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
    if footer:
        row += 1
        for line in FOOTER:
            row += 1
            for col, value in enumerate(line, start=1):
                if value:
                    sheet.cell(row=row, column=col, value=value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def office_xls(rows) -> bytes:
    """An Excel 97–2003 file (xlwt), dates as real dates."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dates = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write(r, c, value, dates)
            elif value is not None:
                sheet.write(r, c, value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Text as Windows-1258 stores Vietnamese: base letters (â, ê, ô, ơ, ư, ă, đ) precomposed,
    tones as combining marks after them."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONES))
        tones = "".join(p for p in parts if p in _TONES)
        out.append(base.encode("cp1258") + tones.encode("cp1258"))
    return b"".join(out)
