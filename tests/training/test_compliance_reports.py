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
    assert rows[2][0].startswith("'=")
    assert "'+Nguyễn" in rows[2][6] or rows[2][6].startswith("+") is False


def test_xlsx_and_pdf(make, h):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    c = build(make, h, 2, 2, "DT")
    report = commune_report(c, 2026, D)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    sheet = book.active
    assert sheet.cell(2, 2).value == 4 and sheet.cell(2, 3).value == 2
    pdf = render(report, "pdf", issued_on=date(2026, 11, 24))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN", "PHƯỜNG DUY TIÊN", "Duy Tiên, ngày 24 tháng 11 năm 2026",
                     "PHÓ CHỦ TỊCH", "Nguyễn Văn Hùng", "Người 0-1"):
        assert expected in text


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
