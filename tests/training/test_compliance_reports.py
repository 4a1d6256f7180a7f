"""Report formats, the CLI, and the constant number of queries."""

import csv
import io
import json
from datetime import date

import pytest
from sqlalchemy import event

from lms.extensions import db
from lms.training.compliance import commune_report
from lms.training.reports import render
from lms.training.summaries import commune_summaries, summary_totals

D = date(2026, 11, 24)


def build(make, h, teams: int, per_team: int, code: str):
    c = make.commune(code=code, name="Phường Duy Tiên", place_name="Duy Tiên",
                     signer_name="Nguyễn Văn Hùng", signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
    made = [make.team(c, f"Tổ {i + 1:02d}") for i in range(teams)]
    s = h.session(c, date(2026, 3, 1), made)
    for i, t in enumerate(made):
        for j in range(per_team):
            person = make.member_of(t, f"Người {i}-{j}")
            if j % 2 == 0:
                h.attend(s, person)
    return c


def count_queries(func):
    engine = db.engine
    seen = []

    def before(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        func()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def test_query_count_does_not_grow(make, h):
    small = build(make, h, 2, 3, "S")
    large = build(make, h, 10, 15, "L")
    db.session.commit()
    n_small = count_queries(lambda: commune_report(small, 2026, D))
    n_large = count_queries(lambda: commune_report(large, 2026, D))
    assert n_small == n_large
    assert n_small <= 8
    n_sum = count_queries(lambda: commune_summaries(2026, D))
    assert n_sum <= 3


def test_json_format_exactly(make, h):
    c = build(make, h, 1, 2, "DT")
    data = json.loads(render(commune_report(c, 2026, D), "json"))
    assert data == {
        "commune": "DT", "year": 2026, "as_of": "2026-11-24", "in_scope": 2, "compliant": 1,
        "new": 0,
        "teams": [{"team": "Tổ 01", "in_scope": 2, "compliant": 1, "new": 0,
                   "missing": [{"name": "Người 0-1", "phone": data["teams"][0]["missing"][0]["phone"]}]}],
    }
    assert data["teams"][0]["missing"][0]["phone"].startswith("+84")


def test_csv_is_formula_safe(make, h):
    c = make.commune(code="DT")
    t = make.team(c, "=HYPERLINK(\"x\")")
    make.member_of(t, "+Nguyễn")
    data = render(commune_report(c, 2026, D), "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0][0] == "No." or rows[0][0]
    assert rows[1][2].startswith("'=") and rows[1][1].startswith("'+")


def test_csv_and_xlsx_one_row_per_person_with_the_training_that_counted(make, h):
    from openpyxl import load_workbook

    c = build(make, h, 2, 2, "DT")
    report = commune_report(c, 2026, D)
    data = render(report, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 1 + 4 and [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    counted = [r for r in rows[1:] if r[6]]
    assert len(counted) == 2 and all(r[7] == "01/03/2026" for r in counted)
    book = load_workbook(io.BytesIO(render(report, "xlsx", issued_on=date(2026, 2, 3))))
    people, teams = book.worksheets
    assert "2026" in people.cell(2, 1).value and people.cell(4, 1).value.endswith(
        "03 February 2026") or "ngày 03 tháng 02 năm 2026" in people.cell(4, 1).value
    header = [people.cell(6, col).value for col in range(1, 9)]
    assert header[0] in ("No.", "STT") and people.freeze_panes == "A7"
    assert people.auto_filter.ref.startswith("A6:H")
    assert people.column_dimensions["B"].width >= 20
    assert isinstance(people.cell(7, 1).value, int)
    # Teams: real numbers, the share a number with a percent format, a totals row.
    share = teams.cell(7, 7)
    assert isinstance(share.value, float) and share.value == 0.5 and share.number_format == "0%"
    assert teams.cell(7, 3).value == 2
    total = [teams.cell(9, col).value for col in range(3, 8)]
    assert total == [4, 2, 0, 2, 0.5]


def _pdf_text(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_xlsx_and_pdf(make, h):
    c = build(make, h, 2, 2, "DT")
    report = commune_report(c, 2026, D)
    pdf = render(report, "pdf", issued_on=date(2026, 12, 3))
    text = " ".join(_pdf_text(pdf))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN", "PHƯỜNG DUY TIÊN", "Duy Tiên, ngày 03 tháng 12 năm 2026",
                     "/BC-UBND", "Nơi nhận:", "PHÓ CHỦ TỊCH", "Nguyễn Văn Hùng", "Người 0-1",
                     "Lớp tập huấn kỹ năng số"):
        assert expected in text, expected


def test_pdf_long_report_numbers_pages_and_keeps_the_signer_with_the_table(make, h):
    c = build(make, h, 6, 14, "DT")
    pages = _pdf_text(render(commune_report(c, 2026, D), "pdf", issued_on=date(2026, 2, 3)))
    assert len(pages) >= 2
    assert "ngày 03 tháng 02 năm 2026" in pages[0]
    assert pages[1].lstrip().startswith("2")
    last = pages[-1]
    assert "Nguyễn Văn Hùng" in last and "Người" in last  # table rows with the signer


def test_pdf_fonts_all_embedded(make, h, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdffonts"):
        print("pdffonts check skipped: pdffonts (poppler-utils) is not installed")
        pytest.skip("pdffonts is not installed")
    c = build(make, h, 2, 2, "DT")
    out = tmp_path / "r.pdf"
    out.write_bytes(render(commune_report(c, 2026, D), "pdf"))
    lines = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines
    assert not any("Helvetica" in line for line in lines)


def test_file_names_say_what_they_are(make, h):
    from lms.training.reports import filename

    c = build(make, h, 1, 2, "DT")
    assert filename(commune_report(c, 2026), "xlsx") == "bao-cao-tap-huan-DT-2026.xlsx"
    assert filename(commune_report(c, 2026, D), "pdf") == "bao-cao-tap-huan-DT-2026-den-24-11.pdf"


def test_cli_report(make, h, runner, tmp_path):
    build(make, h, 1, 2, "DT")
    db.session.commit()
    result = runner.invoke(args=["compliance", "report", "--commune", "dt", "--year", "2026",
                                 "--as-of", "24/11/2026", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["compliant"] == 1
    out = tmp_path / "r.pdf"
    result = runner.invoke(args=["compliance", "report", "--commune", "DT", "--year", "2026",
                                 "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(args=["compliance", "report", "--commune", "XX", "--year", "2026"])
    assert bad.exit_code != 0


def test_national_summary(make, h):
    a = build(make, h, 2, 2, "A1")
    b = build(make, h, 1, 4, "B1")
    rows = commune_summaries(2026, D)
    by_code = {r["code"]: r for r in rows}
    assert (by_code["A1"]["in_scope"], by_code["A1"]["compliant"]) == (4, 2)
    assert (by_code["B1"]["in_scope"], by_code["B1"]["compliant"]) == (4, 2)
    assert summary_totals(rows)["in_scope"] == 8
    assert a and b


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf"])
def test_dashboard_downloads(make, h, auth, client, fmt):
    c = build(make, h, 1, 2, "DT")
    officer = make.officer(c)
    db.session.commit()
    auth.login_as(officer)
    resp = client.get(f"/compliance/report.{fmt}?year=2026&as_of=24/11/2026")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
