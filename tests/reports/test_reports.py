"""Periodic reports: periods and due dates, figures, .docx and PDF layout, screens and CLI."""

import io
from datetime import date

import pytest
from docx import Document

from lms.extensions import db
from lms.reports import services as rep
from lms.reports.documents import document_date
from lms.reports.figures import PeriodError, due_date, parse_period, period_figures


def test_periods_and_due_dates():
    q4 = parse_period("2026-q4")
    assert (q4.key, q4.start, q4.end, q4.label_vi) == (
        "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "quý IV năm 2026")
    nov = parse_period("2026-11")
    assert (nov.start, nov.end, nov.label_vi) == (date(2026, 11, 1), date(2026, 11, 30),
                                                  "tháng 11 năm 2026")
    assert parse_period("2026").kind == "year"
    for bad in ("2026-13", "2026-Q5", "26", "x"):
        with pytest.raises(PeriodError):
            parse_period(bad)
    assert due_date(nov) == date(2026, 12, 10)
    assert due_date(parse_period("2026-12")) == date(2027, 1, 10)
    assert due_date(q4) == date(2026, 12, 20)
    assert due_date(parse_period("2026-Q1"), quarter_day=25) == date(2026, 3, 25)


def test_document_date_has_decree_30_zeros():
    assert document_date("Duy Tiên", date(2026, 2, 3)) == "Duy Tiên, ngày 03 tháng 02 năm 2026"
    assert document_date("Duy Tiên", date(2026, 11, 24)) == "Duy Tiên, ngày 24 tháng 11 năm 2026"
    assert document_date("Tam Quang", date(2026, 3, 9)) == "Tam Quang, ngày 09 tháng 3 năm 2026"


def test_figures_of_a_quarter(app, world):
    per = parse_period("2026-Q1")
    figs = period_figures([world.dt.commune.id, world.gv.commune.id], per,
                          province_id=world.nb.id)
    dt, gv = figs[world.dt.commune.id], figs[world.gv.commune.id]
    assert (dt.sessions, dt.sessions_in_person, dt.attended, dt.trained, dt.certificates) == (
        1, 1, 1, 1, 1)
    assert dt.members == 2 and dt.teams == 2 and dt.attendance_rate == 1  # + commune level
    assert gv.attended == 0 and gv.marked == 1 and gv.attendance_rate == 0
    assert dt.compliant == 1 and gv.compliant == 0


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts), doc


def test_commune_docx_layout(app, world):
    per = parse_period("2026-Q1")
    report = rep.report_for(per, commune=world.dt.commune, create=True)
    rep.save_texts(report, number="12", assessment="Các tổ tham gia đầy đủ.",
                   difficulties="Thiếu thiết bị.", proposals="Cấp thêm máy tính bảng.")
    doc = rep.commune_document(world.dt.commune, per, date(2026, 2, 3), report)
    text, docx = _docx_text(rep.render(doc, "docx"))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN", "PHƯỜNG DUY TIÊN", "Số: 12/BC-UBND",
                     "Duy Tiên, ngày 03 tháng 02 năm 2026", "BÁO CÁO",
                     "Kết quả tập huấn Tổ công nghệ số cộng đồng quý I năm 2026",
                     "1. Tổ công nghệ số cộng đồng và thành viên", "Đánh giá chung",
                     "Thiếu thiết bị.", "Cấp thêm máy tính bảng.", "Nơi nhận:"):
        assert expected in text, expected
    assert docx.styles["Normal"].font.name == "Times New Roman"
    sizes = {r.font.size.pt for p in docx.paragraphs for r in p.runs if r.font.size}
    assert sizes <= {11, 12, 13, 14}
    assert docx.styles["Normal"].font.size.pt == 14


def test_province_pdf_embeds_its_fonts(app, world):
    per = parse_period("2026")
    data = rep.render(rep.province_document(world.nb, per, date(2026, 12, 15)), "pdf")
    assert data.startswith(b"%PDF") and b"Helvetica" not in data
    assert b"DejaVuSerif" in data


def test_officer_writes_and_sends_province_sees_status(app, world, auth, client):
    auth.login_as(world.dt.officer)
    url = f"/reports/communes/{world.dt.commune.id}/2026-Q1"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"number": "5", "assessment": "Tốt", "difficulties": "",
                                      "proposals": "", "send": "1"})
    assert response.status_code == 302
    report = rep.report_for(parse_period("2026-Q1"), commune=world.dt.commune)
    assert report.status == "sent" and report.sent_at is not None
    assert client.post(url, data={"assessment": "sửa"}).status_code == 403
    assert client.get(f"/reports/communes/{world.gv.commune.id}").status_code == 404
    auth.logout()
    auth.login_as(world.nb_officer)
    page = client.get("/reports/province?period=2026-Q1").get_data(as_text=True)
    assert "Sent: 1 of 2" in page and "late: 1" in page
    assert client.post(url, data={"assessment": "x"}).status_code == 403
    docx = client.get(f"/reports/communes/{world.dt.commune.id}/2026-Q1.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    response = client.get("/reports/province/2026-Q1.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    auth.logout()
    auth.login_as(world.na_officer)
    assert client.get(f"/reports/communes/{world.dt.commune.id}/2026-Q1").status_code == 404


def test_cli_make(app, world, runner, tmp_path):
    out = tmp_path / "dt.docx"
    result = runner.invoke(args=["reports", "make", "--commune", "DT", "--period", "2026-Q1",
                                 "--format", "docx", "-o", str(out), "--date", "03/02/2026"])
    assert result.exit_code == 0, result.output
    text, _doc = _docx_text(out.read_bytes())
    assert "Duy Tiên, ngày 03 tháng 02 năm 2026" in text
    pdf = tmp_path / "nb.pdf"
    result = runner.invoke(args=["reports", "make", "--province", "Ninh Bình", "--period",
                                 "2026-02", "-o", str(pdf)])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(args=["reports", "make", "--commune", "DT", "--period", "2026-Q9",
                              "-o", str(out)])
    assert bad.exit_code != 0
    db.session.rollback()
