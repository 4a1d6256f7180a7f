"""Roster import of the files commune offices really keep: what is written, exactly, and
what is refused, exactly."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.org.messages import roster_file_error_text
from lms.org.models import Membership, Team, Village
from lms.org.roster import RosterFileError, check_rows, read_roster
from lms.org.roster_db import apply_rows
from lms.org.roster_preview import build_preview
from tests.org.office_files import PEOPLE, cp1258, office_xls, office_xlsx


def _import(commune, data, name, create_villages=False):
    raw, meta = read_roster(data, name)
    checked = check_rows(commune, raw)
    stats = apply_rows(commune, checked, actor_id=None, create_villages=create_villages)
    db.session.commit()
    return raw, meta, checked, stats


def _people(commune):
    rows = db.session.execute(
        select(User.full_name, User.phone, Membership.role, Membership.joined_on, Team.name)
        .join(Membership, Membership.user_id == User.id).join(Team, Team.id == Membership.team_id)
        .where(Team.commune_id == commune.id).order_by(User.phone)).all()
    return [tuple(r) for r in rows]


def test_title_block_stt_numbering_total_and_signatures(org, app):
    raw, meta, checked, stats = _import(org.commune, office_xlsx(), "DS to CNSCD 2026.xlsx")
    assert [r["row"] for r in raw] == [7, 8, 9, 10, 11]
    assert not checked.blocking()
    written = [p for p in _people(org.commune) if p[1] >= "+84912000001"]
    assert written == [
        ("Trần Văn Dũng", "+84912000001", "leader", date(2025, 3, 1),
         "Tổ CNSCĐ tổ dân phố Hòa Lạc"),
        ("Nguyễn Thị Mai", "+84912000002", "deputy", date(2025, 3, 1),
         "Tổ CNSCĐ tổ dân phố Hòa Lạc"),
        ("Lê Thị Hoà", "+84912000003", "member", date(2025, 3, 15),
         "Tổ CNSCĐ tổ dân phố Hòa Lạc"),
        ("Phạm Văn Long", "+84912000004", "leader", date(2025, 4, 15),
         "Tổ CNSCĐ tổ dân phố Yên Bắc"),
        ("Đỗ Thị Lan", "+84912000005", "collaborator", date(2025, 4, 15),
         "Tổ CNSCĐ tổ dân phố Yên Bắc"),
    ]
    # NFC in the database, whatever the file held.
    assert db.session.scalar(select(User).where(User.phone == "+84912000003")).full_name == \
        "Lê Thị Hoà"
    notes = {n["code"]: n["rows"] for n in meta["notes"]}
    assert notes == {"title": [1, 3], "stt": [5, 5], "numbering": [6, 6], "total": [12, 12],
                     "footer": [14, 18]}
    assert meta["header_row"] == 5
    assert meta["unused"] == [{"column": "J", "header": "Ghi chú"}]
    # The second phone of row 9 is a warning, not an error, and the row is imported.
    assert [(p["row"], p["code"], p["value"]) for p in checked.problems] == [
        (9, "second_phone", "0987 000 003")]
    assert stats["people_created"] == 5


def test_preview_names_skipped_rows_and_unused_columns(org, app):
    raw, meta = read_roster(office_xlsx(), "ds.xlsx")
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        preview = build_preview(org.commune, raw, meta)
    assert preview["state"] == "ready" and preview["error_lines"] == []
    notes = "\n".join(preview["notes"])
    assert "Dòng 12 “Tổng cộng: 5 người” (dòng tổng cộng): bỏ qua." in notes
    assert "Dòng 1–3 “ỦY BAN NHÂN DÂN PHƯỜNG DUY TIÊN”" in notes
    assert "Dòng 14–18" in notes and "phần ký tên" in notes
    assert "J “Ghi chú”" in notes
    assert [r["role_text"] for r in preview["rows"]] == [
        "Tổ trưởng", "Tổ phó", "Thành viên", "Tổ trưởng", "Cộng tác viên"]
    assert [r["action"] for r in preview["rows"]] == ["new"] * 5
    assert any("0987 000 003" in w for w in preview["warnings"])


def test_two_leaders_and_a_team_without_one_are_warnings(org, app):
    people = [list(p) for p in PEOPLE]
    people[1][6] = "Tổ trưởng"  # Hòa Lạc: two leaders in the file, plus the existing one
    people[3][6] = "Thành viên"  # Yên Bắc: no leader
    raw, meta = read_roster(office_xlsx(people), "ds.xlsx")
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        preview = build_preview(org.commune, raw, meta)
    assert preview["state"] == "ready"
    teams = {t["team"]: t for t in preview["teams"]}
    assert teams["Tổ CNSCĐ tổ dân phố Hòa Lạc"]["leaders"] == 3
    assert "two_leaders" in teams["Tổ CNSCĐ tổ dân phố Hòa Lạc"]["warnings"]
    assert "no_leader" in teams["Tổ CNSCĐ tổ dân phố Yên Bắc"]["warnings"]
    lines = "\n".join(preview["warnings"])
    assert "Trần Văn Dũng" in lines and "Nguyễn Thị Mai" in lines


@pytest.mark.parametrize("values, read_as", [
    (["Tổ trưởng", "Tổ phó", "Thành viên", "TT", "CTV"], "role"),
    (["Giáo viên", "Công an", "Y sĩ", "Bí thư chi bộ", "Trưởng thôn"], "occupation"),
])
def test_a_plain_chuc_vu_column_is_read_by_its_values(org, values, read_as):
    header = ["Họ và tên", "SĐT", "Thôn", "Chức vụ", "Ngày tham gia"]
    people = [[p[1], p[2], "Hòa Lạc", value, p[8]] for p, value in zip(PEOPLE, values,
                                                                       strict=True)]
    raw, meta = read_roster(office_xlsx(people, header, total=False, footer=False), "a.xlsx")
    assert meta["position"] == read_as
    assert [r.get(read_as) for r in raw] == values
    if read_as == "occupation":
        assert all(role_of_row == "member" for role_of_row in
                   [r["role"] for r in check_rows(org.commune, raw).rows])


def test_old_xls(org):
    rows = [["DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"], [],
            ["TT", "Họ tên", "SĐT", "Thôn", "Vai trò", "Ngày tham gia"],
            [1, "Hoàng Văn Sơn", 912000011.0, "Hòa Lạc", "Tổ phó", datetime(2025, 2, 3)],
            [2, "Bùi Thị Thu", "0912000012", "Yên Bắc", "", datetime(2025, 2, 14)]]
    raw, meta, checked, stats = _import(org.commune, office_xls(rows), "ds.xls")
    assert meta["kind"] == "xls" and meta["header_row"] == 3
    written = [p for p in _people(org.commune) if p[1] in ("+84912000011", "+84912000012")]
    assert written == [
        ("Hoàng Văn Sơn", "+84912000011", "deputy", date(2025, 2, 3),
         "Tổ CNSCĐ tổ dân phố Hòa Lạc"),
        ("Bùi Thị Thu", "+84912000012", "member", date(2025, 2, 14),
         "Tổ CNSCĐ tổ dân phố Yên Bắc")]


def test_excel_unicode_text_utf16_tabs(org):
    text = ("Họ và tên\tSố điện thoại\tTổ dân phố\tVai trò\tNgày tham gia\r\n"
            "Ngô Thị Ánh\t0912000021\tHòa Lạc\tThành viên\t05/06/2025\r\n")
    raw, meta, checked, stats = _import(org.commune, text.encode("utf-16"), "ds.txt")
    assert meta["kind"] == "text" and stats["people_created"] == 1
    assert ("Ngô Thị Ánh", "+84912000021", "member", date(2025, 6, 5),
            "Tổ CNSCĐ tổ dân phố Hòa Lạc") in _people(org.commune)


def test_windows_1258_with_semicolons(org):
    text = ("Họ và tên;Số điện thoại;Tổ dân phố;Vai trò;Ngày tham gia\r\n"
            "Đặng Thị Hường;0912000031;Yên Bắc;Tổ trưởng;01.07.2025\r\n")
    data = cp1258(text)
    assert b"\xd2" in data or b"\xec" in data  # tones really are combining marks here
    raw, meta, checked, stats = _import(org.commune, data, "ds.csv")
    person = db.session.scalar(select(User).where(User.phone == "+84912000031"))
    assert person.full_name == "Đặng Thị Hường"
    assert ("Đặng Thị Hường", "+84912000031", "leader", date(2025, 7, 1),
            "Tổ CNSCĐ tổ dân phố Yên Bắc") in _people(org.commune)


def test_month_first_dates_are_refused_as_a_whole(org, app):
    text = ("Họ và tên,Số điện thoại,Ngày tham gia\n"
            "An,0912000041,4/1/2025\nBình,0912000042,3/15/2025\n")
    before = db.session.scalar(select(db.func.count(User.id)))
    with pytest.raises(RosterFileError) as err:
        read_roster(text.encode(), "us.csv")
    assert err.value.code == "month_first_dates" and err.value.row == 3
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        message = roster_file_error_text(err.value)
    assert "Ngày tham gia" in message and "3/15/2025" in message and "dòng 3" in message
    assert db.session.scalar(select(db.func.count(User.id))) == before


def test_real_excel_dates_are_never_ambiguous(org):
    people = [[p[1], p[2], "Hòa Lạc", datetime(2025, 4, 1)] for p in PEOPLE[:2]]
    raw, _meta = read_roster(office_xlsx(people, ["Họ và tên", "SĐT", "Thôn", "Ngày tham gia"],
                                         total=False, footer=False), "a.xlsx")
    assert [r["joined_on"] for r in raw] == ["01/04/2025", "01/04/2025"]


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7\n1 0 obj", "PDF"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "ảnh"),
])
def test_not_a_spreadsheet_says_what_it_is(org, app, data, words):
    with pytest.raises(RosterFileError) as err:
        read_roster(data, "danh-sach.xlsx")
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        message = roster_file_error_text(err.value)
    assert words in message


def test_first_import_of_a_new_ward_groups_the_missing_villages(make, app):
    commune = make.commune(code="KB", name="Phường Kim Bảng")
    make.team(commune, commune_level=True)
    make.commit()
    lines = ["Họ và tên,Số điện thoại,Tổ dân phố,Vai trò,Ngày tham gia"]
    for n in range(60):
        lines.append(f"Người {n},09120001{n:02d},Tổ dân phố {n % 6 + 1},"
                     f"{'Tổ trưởng' if n < 6 else 'Thành viên'},01/03/2025")
    raw, meta = read_roster("\n".join(lines).encode(), "kb.csv")
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        preview = build_preview(commune, raw, meta)
    assert preview["state"] == "ready" and preview["error_lines"] == []
    assert preview["villages"].startswith("Dòng 2–61: 6 tổ dân phố chưa có trong phường")
    checked = check_rows(commune, raw)
    stats = apply_rows(commune, checked, actor_id=None, create_villages=True)
    db.session.commit()
    assert stats["villages_created"] == 6 and stats["people_created"] == 60
    assert db.session.scalar(select(db.func.count(Village.id)).where(
        Village.commune_id == commune.id)) == 6


def test_many_rows_with_the_same_error_are_one_line_naming_people(org, app):
    lines = ["Họ và tên,Số điện thoại,Ngày tham gia"]
    lines += [f"Người số {n},12{n},01/03/2025" for n in range(8)]
    raw, meta = read_roster("\n".join(lines).encode(), "x.csv")
    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        preview = build_preview(org.commune, raw, meta)
    assert preview["state"] == "errors" and len(preview["error_lines"]) == 1
    line = preview["error_lines"][0]
    assert line.startswith("Dòng 2–9:") and "Người số 0" in line and "và 3 người khác" in line


def test_header_is_the_best_row_not_the_first(org):
    data = office_xlsx(title=["DANH SÁCH", "Họ và tên các thành viên dưới đây"])
    raw, meta = read_roster(data, "a.xlsx")
    assert meta["header_row"] == 4 and len(raw) == 5


def test_cli_speaks_the_interface_language(org, runner, tmp_path, monkeypatch):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(office_xlsx())
    result = runner.invoke(args=["members", "import", str(path), "--commune", "DT", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "5 người mới" in result.output and "Dòng 12 “Tổng cộng: 5 người”" in result.output
    assert "Reading" not in result.output and "people_created" not in result.output
    monkeypatch.setenv("LMS_LANGUAGE", "en")
    result = runner.invoke(args=["members", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 0, result.output
    assert "Added 5 people" in result.output and "Not imported from the file:" in result.output


def test_template_downloads_with_lists_and_reads_back(org, client, auth):
    from openpyxl import load_workbook

    auth.login_as(org.officer)
    response = client.get(f"/org/communes/{org.commune.id}/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["Họ và tên", "Số điện thoại", "Năm sinh"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert len(lists) == 3  # gender, village, role
    villages = [c.value for c in book["Danh mục"]["E"] if c.value]
    assert villages == ["Tổ dân phố Hòa Lạc", "Tổ dân phố Yên Bắc"]
    assert sheet["H2"].number_format == "DD/MM/YYYY" and sheet["B3"].number_format == "@"
    assert "Hướng dẫn" in book.sheetnames
    # The template as downloaded imports nothing (its example row is skipped) …
    raw, meta = read_roster(response.data, "mau.xlsx")
    assert raw == [] and [n["code"] for n in meta["notes"]] == ["example"]
    # … and once filled in, it imports.
    sheet.append(["Hà Thị Nga", "0912000051", 1990, "Nữ", "Tổ dân phố Yên Bắc", "Tổ phó", "",
                  datetime(2026, 1, 5)])
    stream = io.BytesIO()
    book.save(stream)
    raw, meta = read_roster(stream.getvalue(), "mau.xlsx")
    assert [(r["full_name"], r["role"], r["joined_on"]) for r in raw] == [
        ("Hà Thị Nga", "Tổ phó", "05/01/2026")]
    other = client.get(f"/org/communes/{org.other.id}/import/template.xlsx")
    assert other.status_code == 404
