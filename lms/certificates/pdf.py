"""The certificate PDF: A4 landscape, Vietnamese administrative style, drawn with reportlab.

Built for batches: one :class:`CertificateRenderer` owns a canvas, registers the fonts once and
draws the fixed parts of the page (frame, national header, headings) once per language as a
Form XObject, and the commune's issuer and signer blocks once per commune, then ``doForm``s them
on every page. Per page only the variable text and the QR code are drawn; the QR is a single
filled path of merged horizontal runs of dark modules (a few dozen rectangles, not one drawing
object per module).

The wording of the document is fixed official text (Vietnamese, or English on request) kept in
:data:`LABELS`, so a certificate reads the same whatever the interface language or the state of
the translation catalogues.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable

import qrcode
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from lms.i18n import document_date, duration, short_date
from lms.pdf_fonts import register_fonts

PAGE_W, PAGE_H = landscape(A4)
RED = Color(0.55, 0.08, 0.08)
INK = Color(0.08, 0.08, 0.1)
QR_SIZE = 92.0
OBLIQUE = "oblique"  # drawn with the regular font slanted, see CertificateRenderer._center

LABELS = {
    "vi": {
        "nation": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "motto": "Độc lập - Tự do - Hạnh phúc",
        "body": "ỦY BAN NHÂN DÂN",
        "title": "GIẤY CHỨNG NHẬN",
        "serial": "Số: {serial}",
        "holder": "Chứng nhận ông/bà:",
        "birth": "Năm sinh: {year}",
        "team": "Thành viên {team}",
        "module": "Đã hoàn thành mô-đun:",
        "session": "Đã tham gia lớp tập huấn:",
        "hours": "Thời lượng: {duration}",
        "date": "Ngày: {date}",
        "code": "Mã xác minh: {code}",
        "verify": "Tra cứu tại {url} (nhập mã xác minh)",
        "place": "{place}, {date}",
    },
    "en": {
        "nation": "SOCIALIST REPUBLIC OF VIET NAM",
        "motto": "Independence - Freedom - Happiness",
        "body": "PEOPLE'S COMMITTEE OF",
        "title": "CERTIFICATE",
        "serial": "No.: {serial}",
        "holder": "This is to certify that",
        "birth": "Year of birth: {year}",
        "team": "Member of {team}",
        "module": "has completed the module:",
        "session": "has attended the training session:",
        "hours": "Duration: {duration}",
        "date": "Date: {date}",
        "code": "Verification code: {code}",
        "verify": "Verify at {url} (type the verification code)",
        "place": "{place}, {date}",
    },
}

# The usual signer lines, for the English version (other lines are printed as they are).
SIGNER_EN = {
    "TM. ỦY BAN NHÂN DÂN": "ON BEHALF OF THE PEOPLE'S COMMITTEE",
    "KT. CHỦ TỊCH": "FOR THE CHAIRPERSON",
    "PHÓ CHỦ TỊCH": "VICE CHAIRPERSON",
    "CHỦ TỊCH": "CHAIRPERSON",
}


def nfc(text) -> str:
    """NFC-normalised text (every string on the page goes through here)."""
    return unicodedata.normalize("NFC", str(text or ""))


def qr_modules(data: str) -> list[list[bool]]:
    """The QR matrix (error correction M, no quiet zone: the page around it is white).

    The mask pattern is fixed: any mask is valid for every reader, and skipping the search for
    the "best" one (8 trial encodings scored with the spec's penalty rules) makes the matrix
    about six times cheaper, which matters in a batch of a thousand.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0,
                         mask_pattern=4)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_runs(matrix: list[list[bool]]) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (x, row, length), row 0 at the top."""
    runs = []
    for y, row in enumerate(matrix):
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append((start, y, x - start))
            else:
                x += 1
    return runs


def draw_qr_fast(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code as one filled path of merged runs, in module units under a transform."""
    matrix = qr_modules(data)
    n = len(matrix)
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / n, size / n)
    canvas.setFillColor(INK)
    path = canvas.beginPath()
    for col, row, length in qr_runs(matrix):
        path.rect(col, n - 1 - row, length, 1)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is broken between characters."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while stringWidth(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > width:
                cut -= 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines or [""]


def fit(text: str, font: str, width: float, max_size: float, min_size: float,
        max_lines: int = 1) -> tuple[float, list[str]]:
    """The largest size (down to ``min_size``) at which ``text`` fits ``width`` in at most
    ``max_lines`` lines; fewer lines are preferred. Never returns a line wider than ``width``."""
    for lines_allowed in range(1, max_lines + 1):
        size = max_size
        while size >= min_size:
            if lines_allowed == 1:
                if stringWidth(text, font, size) <= width:
                    return size, [text]
            else:
                lines = wrap(text, font, size, width)
                if len(lines) <= lines_allowed:
                    return size, lines
            size -= 0.5
    lines = wrap(text, font, min_size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and stringWidth(last + "…", font, min_size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return min_size, lines


class CertificateRenderer:
    """Draws certificates, one per page, on one canvas (a single PDF or a whole batch)."""

    def __init__(self, canvas: Canvas, base_url: str, lang: str = "vi",
                 qr_drawer: Callable[[Canvas, str, float, float, float], None] | None = None):
        self.canvas = canvas
        self.base_url = base_url.rstrip("/")
        self.lang = lang if lang in LABELS else "vi"
        self.labels = LABELS[self.lang]
        self.fonts = register_fonts()
        self.qr_drawer = qr_drawer or draw_qr_fast
        self._forms: set[str] = set()

    # --- text helpers ---

    def _center(self, text: str, x: float, y: float, font: str, size: float,
                color: Color = INK) -> float:
        c = self.canvas
        text = nfc(text)
        c.setFillColor(color)
        if font == OBLIQUE:
            # A slanted regular face instead of a third embedded font (keeps a PDF small).
            font = self.fonts["regular"]
            c.saveState()
            c.translate(x, y)
            c.skew(0, 12)
            c.setFont(font, size)
            c.drawCentredString(0, 0, text)
            c.restoreState()
        else:
            c.setFont(font, size)
            c.drawCentredString(x, y, text)
        return stringWidth(text, font, size)

    def _fit_center(self, text: str, x: float, y: float, width: float, font: str,
                    max_size: float, min_size: float, max_lines: int = 1,
                    color: Color = INK) -> float:
        """Draw centred, shrunk or wrapped to ``width``; returns the y below the block."""
        metric_font = self.fonts["regular"] if font == OBLIQUE else font
        size, lines = fit(nfc(text), metric_font, width, max_size, min_size, max_lines)
        for line in lines:
            self._center(line, x, y, font, size, color)
            y -= size * 1.25
        return y

    # --- fixed parts, drawn once per canvas as Form XObjects ---

    def _static_form(self) -> str:
        name = f"cert-frame-{self.lang}"
        if name in self._forms:
            return name
        c, f, lab = self.canvas, self.fonts, self.labels
        c.beginForm(name)
        c.setStrokeColor(RED)
        c.setLineWidth(2.2)
        c.rect(18, 18, PAGE_W - 36, PAGE_H - 36)
        c.setLineWidth(0.7)
        c.rect(25, 25, PAGE_W - 50, PAGE_H - 50)
        for cx, cy in ((25, 25), (PAGE_W - 25, 25), (25, PAGE_H - 25), (PAGE_W - 25, PAGE_H - 25)):
            path = c.beginPath()
            path.moveTo(cx - 7, cy)
            path.lineTo(cx, cy + 7)
            path.lineTo(cx + 7, cy)
            path.lineTo(cx, cy - 7)
            path.close()
            c.setFillColor(RED)
            c.drawPath(path, stroke=0, fill=1)
        c.setLineWidth(0.4)
        c.line(PAGE_W / 2 - 120, PAGE_H - 200, PAGE_W / 2 - 20, PAGE_H - 200)
        c.line(PAGE_W / 2 + 20, PAGE_H - 200, PAGE_W / 2 + 120, PAGE_H - 200)
        c.circle(PAGE_W / 2, PAGE_H - 200, 2.5, stroke=1, fill=0)
        right = PAGE_W - 225
        self._center(lab["nation"], right, PAGE_H - 62, f["bold"], 11.5)
        width = self._center(lab["motto"], right, PAGE_H - 78, f["bold"], 12.5)
        c.setStrokeColor(INK)
        c.setLineWidth(0.7)
        c.line(right - width / 2, PAGE_H - 82, right + width / 2, PAGE_H - 82)
        self._center(lab["title"], PAGE_W / 2, PAGE_H - 178, f["bold"], 34, RED)
        self._center(lab["holder"], PAGE_W / 2, PAGE_H - 228, OBLIQUE, 15)
        c.endForm()
        self._forms.add(name)
        return name

    def _commune_form(self, commune) -> str:
        name = f"cert-commune-{commune.id}-{self.lang}"
        if name in self._forms:
            return name
        c, f, lab = self.canvas, self.fonts, self.labels
        c.beginForm(name)
        left = 200
        self._center(lab["body"], left, PAGE_H - 62, f["regular"], 11.5)
        y = self._fit_center(nfc(commune.name).upper(), left, PAGE_H - 78, 300, f["bold"],
                             12.5, 9, 2)
        c.setStrokeColor(INK)
        c.setLineWidth(0.7)
        c.line(left - 40, y + 9, left + 40, y + 9)
        right = PAGE_W - 225
        lines = [commune.signer_on_behalf or ""] + (commune.signer_title or "").split("\n")
        y = 168
        for line in lines:
            line = nfc(line).strip()
            if not line:
                continue
            if self.lang == "en":
                line = SIGNER_EN.get(line.upper(), line)
            y = self._fit_center(line, right, y, 300, f["bold"], 12, 8, 1)
        if commune.signer_name:
            self._fit_center(commune.signer_name, right, 62, 300, f["bold"], 13, 9, 1)
        c.endForm()
        self._forms.add(name)
        return name

    # --- one page ---

    def _body_lines(self, cert) -> tuple[str, str, str]:
        lab = self.labels
        title = cert.title_en if self.lang == "en" and cert.title_en else cert.title_vi
        details = []
        if cert.kind == "session" and cert.activity_date:
            details.append(lab["date"].format(date=short_date(cert.activity_date)))
        if cert.hours:
            details.append(lab["hours"].format(duration=duration(cert.hours * 60, self.lang)))
        return lab[cert.kind], title, "   ·   ".join(details)

    def draw(self, cert) -> None:
        """Draw one certificate on its own page (and end the page)."""
        c, f, lab = self.canvas, self.fonts, self.labels
        commune = cert.commune
        c.doForm(self._static_form())
        c.doForm(self._commune_form(commune))
        c.setFont(f["regular"], 12)
        self._center(lab["serial"].format(serial=cert.serial), 200, PAGE_H - 122, f["regular"], 12)
        mid, width = PAGE_W / 2, PAGE_W - 170
        y = self._fit_center(cert.holder_name, mid, PAGE_H - 266, width, f["bold"], 28, 14, 2, RED)
        facts = []
        if cert.holder_birth_year:
            facts.append(lab["birth"].format(year=cert.holder_birth_year))
        if cert.team_name:
            facts.append(lab["team"].format(team=cert.team_name))
        y = min(y, PAGE_H - 290) - 6
        if facts:
            y = self._fit_center("   ·   ".join(facts), mid, y, width, f["regular"], 14, 9, 2)
        kind_label, title, details = self._body_lines(cert)
        y = self._fit_center(kind_label, mid, y - 6, width, OBLIQUE, 14, 10, 1)
        y = self._fit_center(title, mid, y - 6, width, f["bold"], 18, 11, 2)
        if details:
            self._fit_center(details, mid, y - 2, width, f["regular"], 13, 9, 1)
        place = document_date(cert.issued_on, commune.place_name or commune.name, self.lang)
        self._fit_center(place, PAGE_W - 225, 188, 300, OBLIQUE, 13, 9, 1)
        url = f"{self.base_url}/verify/{cert.code}"
        self.qr_drawer(c, url, 52, 48, QR_SIZE)
        from lms.certificates.codes import group_code

        c.setFillColor(INK)
        c.setFont(f["bold"], 11)
        c.drawString(52 + QR_SIZE + 10, 48 + QR_SIZE - 14,
                     lab["code"].format(code=group_code(cert.code)))
        # The short address (no scheme, no code: the code is printed just above), ≥ 7 pt.
        size, lines = fit(lab["verify"].format(url=short_verify_address(self.base_url)),
                          f["regular"], 300, 9, 7, 2)
        c.setFont(f["regular"], size)
        ty = 48 + QR_SIZE - 30
        for line in lines:
            c.drawString(52 + QR_SIZE + 10, ty, line)
            ty -= size * 1.3
        c.showPage()


def short_verify_address(base_url: str) -> str:
    """``hoctap.example.vn/verify``: the verification page as people type it."""
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    host = parts.netloc or parts.path
    return f"{host}{parts.path.rstrip('/') if parts.netloc else ''}/verify"


def new_canvas(buffer: io.BytesIO, title: str) -> Canvas:
    """A compressed A4-landscape canvas with document metadata. Its initial font is a shipped
    (embedded) one, so reportlab's default Helvetica never appears in the file."""
    fonts = register_fonts()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), pageCompression=1,
                    initialFontName=fonts["regular"])
    canvas.setTitle(nfc(title))
    canvas.setAuthor("CNSCĐ")
    canvas.setCreator("lms certificates")
    return canvas


def render_pdf(certs: Iterable, base_url: str, lang: str = "vi", title: str = "Giấy chứng nhận",
               qr_drawer: Callable | None = None) -> bytes:
    """One PDF with one certificate per page (a single certificate or a print batch)."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title)
    renderer = CertificateRenderer(canvas, base_url, lang, qr_drawer)
    count = 0
    for cert in certs:
        renderer.draw(cert)
        count += 1
    if not count:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
