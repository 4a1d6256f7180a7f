"""An officer imports a roster on a phone, fixes the reported errors and sees the teams."""

from openpyxl import Workbook

from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD

HEADERS = ["Họ và tên", "Số điện thoại", "Năm sinh", "Giới tính", "Tổ dân phố", "Vai trò",
           "Nghề nghiệp", "Ngày tham gia"]


def _workbook(path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def test_officer_imports_fixes_and_sees_team_counts(page, server_url, make, tmp_path):
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    make.village(commune, "Tổ dân phố Hòa Lạc")
    make.village(commune, "Tổ dân phố Châu Giang")
    officer = make.officer(commune)
    make.commit()

    good = [
        ["Trần Văn Dũng", "0912 000 001", 1979, "Nam", "Tổ dân phố Hòa Lạc", "Tổ trưởng",
         "Công an khu vực", "01/03/2025"],
        ["Nguyễn Thị Mai", "0912000002", 1996, "Nữ", "Tổ dân phố Hòa Lạc", "Thành viên",
         "Giáo viên", "01/03/2025"],
        ["Phạm Văn Long", "0912000003", 1990, "Nam", "Tổ dân phố Châu Giang", "Tổ trưởng",
         "Đoàn thanh niên", "15/04/2025"],
    ]
    bad_phone = ["Lê Thị Hoa", "0123", 1988, "Nữ", "Tổ dân phố Châu Giang", "Thành viên",
                 "Y tế", "15/04/2025"]
    first = _workbook(tmp_path / "to-cnscd.xlsx", good + [bad_phone])

    login(page, server_url, officer.phone, PASSWORD)
    page.goto(f"{server_url}/org/")
    page.click("#import-roster")
    check_a11y(page)
    page.set_input_files("#import-form input[type=file]", first)
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#problems").is_visible()
    assert "Số điện thoại" in page.locator("#problems").inner_text()
    assert page.locator("#confirm-form").count() == 0
    assert "Lê Thị Hoa" in page.locator("#problems").inner_text()  # the person is named
    check_a11y(page)
    page.screenshot(path="/tmp/roster-errors-360.png", full_page=True)

    bad_phone[1] = "0912 000 004"
    fixed = _workbook(tmp_path / "to-cnscd-da-sua.xlsx", good + [bad_phone])
    page.goto(f"{server_url}/org/")
    page.click("#import-roster")
    page.set_input_files("#import-form input[type=file]", fixed)
    page.click("#import-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#problems").count() == 0
    page.click("#confirm-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#import-result").is_visible()
    check_a11y(page)

    page.click("#back-to-teams")
    page.wait_for_load_state()
    teams = page.locator("#team-list").inner_text()
    assert "Hòa Lạc" in teams and "Châu Giang" in teams
    counts = page.locator("#team-list .team-count").all_inner_texts()
    assert sorted(counts) == sorted(["2 thành viên đang hoạt động"] * 2)
    check_a11y(page)


def test_office_file_with_title_block_and_total_row_at_360px(page, server_url, make, tmp_path):
    """The office uploads the list it already keeps (title block in merged cells, STT and
    numbering row, total row, signatures); the preview shows the roles and names the skipped
    rows; after confirming, the teams show their leaders."""
    from tests.org.office_files import office_xlsx

    commune = make.commune(code="DT", name="Phường Duy Tiên")
    make.team(commune, commune_level=True)
    make.village(commune, "Tổ dân phố Hòa Lạc")
    make.village(commune, "Tổ dân phố Yên Bắc")
    officer = make.officer(commune)
    make.commit()
    path = tmp_path / "DS Tổ CNSCĐ 2026.xlsx"
    path.write_bytes(office_xlsx())

    login(page, server_url, officer.phone, PASSWORD)
    page.goto(f"{server_url}/org/communes/{commune.id}/import")
    assert page.locator("#roster-template").is_visible()
    page.set_input_files("#import-form input[type=file]", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#preview-state")
    assert "Sẵn sàng nhập" in page.locator("#preview-state").inner_text()
    roles = page.locator("#preview-rows [data-role]").all_inner_texts()
    assert roles == ["Tổ trưởng", "Tổ phó", "Thành viên", "Tổ trưởng", "Cộng tác viên"]
    notes = page.locator("#notes").inner_text()
    assert "Dòng 12 “Tổng cộng: 5 người” (dòng tổng cộng): bỏ qua." in notes
    assert "Dòng 14–18" in notes and "J “Ghi chú”" in notes
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    check_a11y(page)
    page.screenshot(path="/tmp/roster-preview-360.png", full_page=True)

    page.click("#confirm-import")
    page.wait_for_selector("#import-summary")
    assert "Đã thêm 5 người" in page.locator("#import-summary").inner_text()
    page.click("#back-to-teams")
    page.wait_for_load_state()
    teams = page.locator("#team-list").inner_text()
    assert "Tổ trưởng: Trần Văn Dũng" in teams and "Tổ trưởng: Phạm Văn Long" in teams
    page.screenshot(path="/tmp/roster-teams-360.png", full_page=False)
