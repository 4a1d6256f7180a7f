"""The province officer's morning: the dashboard on a phone, sorted by share, a commune's
figures, and the quarter's report downloaded for Word."""

from __future__ import annotations

import io

from tests.e2e.conftest import check_a11y, login
from tests.factories import PASSWORD
from tests.two_provinces import place


def test_province_officer_sorts_drills_and_downloads(make, server_url, page):
    dt = place(make, 13324, "DT")
    place(make, 14464, "GV", present=False)
    province = dt.commune.province
    officer = make.user(full_name="Phạm Minh Tuấn", account_role="province",
                        province_id=province.id)
    make.commit()

    login(page, server_url, officer.phone, PASSWORD)
    page.goto(f"{server_url}/province?year=2026")
    assert page.locator("#commune-table tbody tr").count() == 2
    check_a11y(page)
    # Furthest behind first by default; the share column's link turns the order round.
    first = page.locator("#commune-table tbody tr").first.locator("td").first.inner_text()
    assert "Gia Viễn" in first
    page.click("#sort-share")
    page.wait_for_load_state()
    assert page.locator("th[aria-sort=descending] #sort-share").count() == 1
    first = page.locator("#commune-table tbody tr").first.locator("td").first.inner_text()
    assert "Duy Tiên" in first
    page.screenshot(path="/tmp/province-dashboard.png", full_page=True)
    check_a11y(page)

    page.locator("#commune-table a", has_text="Duy Tiên").click()
    page.wait_for_load_state()
    assert "Duy Tiên" in page.locator("h1").inner_text()
    check_a11y(page)

    page.goto(f"{server_url}/reports/province?period=2026-Q1")
    check_a11y(page)
    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    from docx import Document

    document = Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join([p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
