"""The PDF: exact Vietnamese text, embedded fonts, size, a QR that decodes to the verify URL."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from lms.certificates import services
from lms.certificates.pdf import fit, render_pdf
from lms.extensions import db
from lms.pdf_fonts import register_fonts


@pytest.fixture
def cert(world):
    cert = services.issue_for_module(world["member"].id, world["module"].id)
    db.session.commit()
    return cert


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_text_has_the_exact_nfc_name_and_official_headings(app, cert):
    data = render_pdf([cert], app.config["BASE_URL"])
    text = unicodedata.normalize("NFC", _text(data))
    assert "Nguyễn Thị Mai" in text
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "ỦY BAN NHÂN DÂN", "PHƯỜNG DUY TIÊN", "GIẤY CHỨNG NHẬN",
                     f"Số: {cert.serial}", "Nhận diện lừa đảo trực tuyến",
                     "Duy Tiên, ngày", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Hùng",
                     "Năm sinh: 1996", "Tổ CNSCĐ tổ dân phố Hòa Lạc", "1 giờ 30 phút"):
        assert expected in text, expected
    assert cert.code in text.replace("-", "")


def test_decomposed_input_is_printed_nfc(app, cert):
    cert.holder_name = unicodedata.normalize("NFD", "Nguyễn Thị Mai")
    text = _text(render_pdf([cert], app.config["BASE_URL"]))
    assert "Nguyễn Thị Mai" in unicodedata.normalize("NFC", text)


def test_english_version(app, cert):
    text = _text(render_pdf([cert], app.config["BASE_URL"], lang="en"))
    assert "SOCIALIST REPUBLIC OF VIET NAM" in text
    assert "Independence - Freedom - Happiness" in text
    assert "Spotting online scams" in text and "CERTIFICATE" in text
    assert "Nguyễn Thị Mai" in text


def test_fonts_embedded_and_size_small(app, cert):
    data = render_pdf([cert], app.config["BASE_URL"])
    assert len(data) <= 60 * 1024
    reader = PdfReader(io.BytesIO(data))
    embedded = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", []):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            if "/FontFile2" in descriptor:
                embedded.append(str(font["/BaseFont"]))
        if "/FontDescriptor" in font and "/FontFile2" in font["/FontDescriptor"].get_object():
            embedded.append(str(font["/BaseFont"]))
    assert any("DejaVuSerif" in name for name in embedded), embedded


def test_qr_decodes_to_the_verification_url(app, cert, tmp_path):
    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("pdftoppm or zbarimg is not installed (poppler-utils, zbar-tools)")
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_pdf([cert], app.config["BASE_URL"]))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
                         capture_output=True, text=True, check=False)
    assert out.stdout.strip() == f"http://localhost/verify/{cert.code}"


def test_long_names_and_titles_shrink_or_wrap_never_overflow():
    fonts = register_fonts()
    name = "Nguyễn Hoàng Thị Phương Thảo Ngọc Diễm Quỳnh Bảo Châu Tôn Nữ " * 3
    size, lines = fit(name, fonts["bold"], 400, 28, 14, 2)
    assert size >= 14 and len(lines) <= 2
    assert all(stringWidth(line, fonts["bold"], size) <= 400 for line in lines)
    size, lines = fit("Ngắn", fonts["bold"], 400, 28, 14, 2)
    assert (size, lines) == (28, ["Ngắn"])
    word = "Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    size, lines = fit(word, fonts["regular"], 100, 12, 8, 3)
    assert all(stringWidth(line, fonts["regular"], size) <= 100 for line in lines)


def test_a_very_long_certificate_still_renders(app, cert):
    cert.holder_name = ("Tôn Nữ Hoàng Thị Phương Thảo Ngọc Diễm Quỳnh " * 3)[:120]
    cert.title_vi = ("Kỹ năng sử dụng dịch vụ công trực tuyến và thanh toán không dùng tiền mặt "
                     * 4)[:300]
    data = render_pdf([cert], app.config["BASE_URL"])
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_batch_has_one_page_per_certificate(app, world):
    certs = [services.issue_for_module(world[k].id, world["module"].id)
             for k in ("member", "member2", "member_tq")]
    db.session.commit()
    data = render_pdf(certs, app.config["BASE_URL"])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 3
    assert "Lò Thị Ánh" in reader.pages[2].extract_text()


def test_every_font_embedded_duration_in_words_and_document_date(app, cert, tmp_path):
    from datetime import date, time

    from lms.certificates.services import session_hours
    from lms.training.models import TrainingSession

    assert session_hours(TrainingSession(date=date(2026, 4, 10), start_time=time(8, 0),
                                         end_time=time(8, 24))) * 60 == 24
    cert.hours = 24 / 60
    cert.issued_on = date(2026, 2, 3)
    data = render_pdf([cert], app.config["BASE_URL"])
    text = unicodedata.normalize("NFC", _text(data))
    assert "Thời lượng: 24 phút" in text and "ngày 03 tháng 02 năm 2026" in text
    assert "localhost/verify" in text
    english = unicodedata.normalize("NFC", _text(render_pdf([cert], "http://x", lang="en")))
    assert "Duration: 24 minutes" in english
    if not shutil.which("pdffonts"):
        print("pdffonts check skipped: pdffonts (poppler-utils) is not installed")
        pytest.skip("pdffonts is not installed")
    out = tmp_path / "c.pdf"
    out.write_bytes(data)
    lines = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert lines and all(line.split()[-5] == "yes" for line in lines), lines
