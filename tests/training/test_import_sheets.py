"""Training history from paper sign-in sheets as offices keep them: a title block, an STT
column, a "Ký tên" column, marks instead of words, and the signatures under the table."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from lms.extensions import db
from lms.training.import_preview import build_preview
from lms.training.importer import apply_rows, check_rows, read_file
from lms.training.models import Attendance, TrainingSession


@pytest.fixture
def w(make):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    t = make.team(c, "Tổ CNSCĐ tổ dân phố Hòa Lạc")
    people = [make.member_of(t, name) for name in
              ("Nguyễn Thị Mai", "Trần Văn Dũng", "Lê Thị Hoà", "Phạm Văn Long")]
    db.session.commit()
    return c, people


def _local(phone: str):
    return int(phone[3:])  # typed as a number: Excel dropped the 0


def _sheet(rows, header, title=("DANH SÁCH ĐIỂM DANH", "Lớp tập huấn kỹ năng số cơ bản")):
    book = Workbook()
    sheet = book.active
    for n, text in enumerate(title, start=1):
        sheet.cell(row=n, column=1, value=text)
        sheet.merge_cells(start_row=n, start_column=1, end_row=n, end_column=len(header))
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append([])
    sheet.append([None, "NGƯỜI LẬP DANH SÁCH", None, None, "XÁC NHẬN CỦA UBND PHƯỜNG"])
    sheet.append([None, "Vũ Thị Ngọc"])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_a_sign_in_sheet_without_status_records_everyone_present(w, app):
    commune, people = w
    day = datetime(2026, 3, 10)
    rows = [[n + 1, p.full_name, _local(p.phone), day, "Tập huấn kỹ năng số cơ bản",
             "(đã ký)"] for n, p in enumerate(people[:3])]
    data = _sheet(rows, ["STT", "Họ và tên", "SĐT", "Ngày", "Tên lớp", "Ký tên"])
    raw, meta = read_file(data, "diem-danh.xlsx")
    assert meta["all_present"] and meta["unused"] == []  # "Ký tên" is dropped silently
    assert {n["code"] for n in meta["notes"]} == {"title", "stt", "footer"}
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        preview = build_preview(commune, raw, meta)
    assert preview["state"] == "ready"
    assert preview["notes"][0].startswith("Danh sách không có cột trạng thái")
    assert [(s["date"], s["title"], s["new"], s["rows"]) for s in preview["sessions"]] == [
        (date(2026, 3, 10), "Tập huấn kỹ năng số cơ bản", True, 3)]
    stats = apply_rows(commune, check_rows(commune, raw))
    db.session.commit()
    assert stats == {"sessions_created": 1, "marked": 3, "unchanged": 0}
    session = db.session.scalar(select(TrainingSession))
    marks = dict(db.session.execute(select(Attendance.user_id, Attendance.status).where(
        Attendance.session_id == session.id)).all())
    assert marks == {p.id: "present" for p in people[:3]}


def test_marks_under_a_status_column(w, app):
    commune, people = w
    day = datetime(2026, 4, 2)
    marks = ["x", "✓", "", "Vắng có phép"]
    rows = [[n + 1, p.full_name, _local(p.phone), day, "Bảo vệ tài khoản VNeID", mark]
            for n, (p, mark) in enumerate(zip(people, marks, strict=True))]
    data = _sheet(rows, ["STT", "Họ và tên", "Số điện thoại", "Ngày", "Tên lớp", "Điểm danh"])
    raw, meta = read_file(data, "diem-danh.xlsx")
    checked = check_rows(commune, raw)
    assert [(p["code"], p["name"]) for p in checked.problems] == [("no_mark", "Lê Thị Hoà")]
    assert not checked.blocking()
    apply_rows(commune, checked)
    db.session.commit()
    got = dict(db.session.execute(select(Attendance.user_id, Attendance.status)).all())
    assert got == {people[0].id: "present", people[1].id: "present",
                   people[3].id: "excused"}


def test_cli_prints_the_preview_in_english_when_asked(w, runner, tmp_path, monkeypatch):
    commune, people = w
    path = tmp_path / "history.csv"
    path.write_text("Ngày;Tên lớp;SĐT;Trạng thái\n"
                    f"10/03/2026;Lớp A;0{people[0].phone[3:]};có\n"
                    "10/03/2026;Lớp A;0912;có\n", encoding="utf-8")
    monkeypatch.setenv("LMS_LANGUAGE", "en")
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 1
    assert "Problems:" in result.output and "Row 3" in result.output
    assert "Nothing was imported" in result.output
    monkeypatch.setenv("LMS_LANGUAGE", "vi")
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert "Lỗi:" in result.output and "Dòng 3" in result.output


def test_history_template_downloads_and_its_example_is_skipped(w, make, client, auth):
    commune, _people = w
    officer = make.officer(commune)
    db.session.commit()
    auth.login_as(officer)
    response = client.get("/training/import/template.xlsx")
    assert response.status_code == 200
    raw, meta = read_file(response.data, "mau.xlsx")
    assert raw == [] and [n["code"] for n in meta["notes"]] == ["example"]
    assert meta["unused"] == []


def test_web_preview_and_confirm_of_a_sign_in_sheet(w, make, client, auth):
    from lms.imports import ImportBatch

    commune, people = w
    officer = make.officer(commune)
    db.session.commit()
    auth.login_as(officer)
    rows = [[n + 1, p.full_name, _local(p.phone), datetime(2026, 3, 10), "Lớp VNeID", ""]
            for n, p in enumerate(people[:2])]
    data = _sheet(rows, ["STT", "Họ và tên", "SĐT", "Ngày", "Tên lớp", "Ký nhận"])
    page = client.post("/training/import", data={"file": (io.BytesIO(data), "ky-ten.xlsx")},
                       content_type="multipart/form-data",
                       headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sẵn sàng nhập." in page and "Danh sách không có cột trạng thái" in page
    assert "10/03/2026 · Lớp VNeID" in page and 'id="import-confirm"' in page
    imp = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    assert imp.meta["all_present"] is True
    client.post(f"/training/import/{imp.token}")
    assert db.session.scalar(select(db.func.count(Attendance.id))) == 2
