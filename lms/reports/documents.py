"""The periodic report as .docx (python-docx) and PDF (reportlab), Decree 30/2020 layout.

Both are built from one :class:`Document` (header, title, numbered sections with paragraphs and
tables, recipients, signer), always in Vietnamese: an administrative document.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from lms.reports.figures import Figures, Period


def document_date(place: str, day: date) -> str:
    """``Duy Tiên, ngày 03 tháng 02 năm 2026``: Decree 30/2020 writes days below 10 and the
    months 1 and 2 with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


@dataclass
class Section:
    """A numbered section: paragraphs, then an optional table (headers, rows)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None


@dataclass
class Document:
    """Everything a report shows."""

    superior: str  # "ỦY BAN NHÂN DÂN" / "UBND TỈNH NINH BÌNH"
    body: str  # "PHƯỜNG DUY TIÊN" / "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    number: str  # "Số: 12/BC-UBND"
    place_date: str
    title: str
    subtitle: str
    sections: list[Section]
    recipients: list[str]
    signer_on_behalf: str
    signer_title: list[str]
    signer_name: str


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def figure_sections(fig: Figures, period: Period, texts: dict[str, str],
                    per_commune: list[tuple[str, Figures]] | None = None) -> list[Section]:
    """The numbered sections of a report from its figures and its three texts."""
    sections = [
        Section("1. Tổ công nghệ số cộng đồng và thành viên", [
            f"Số tổ: {fig.teams}; số thành viên đang hoạt động cuối kỳ: {fig.members}.",
            f"Trong kỳ: {fig.joined} lượt kết nạp, {fig.left} lượt rời tổ.",
        ]),
        Section("2. Tổ chức tập huấn", [
            f"Số buổi tập huấn đã tổ chức: {fig.sessions} (trực tiếp: {fig.sessions_in_person}; "
            f"trực tuyến hoặc kết hợp: {fig.sessions_online}).",
            f"Số lượt tham dự: {fig.attended}; số người tham dự: {fig.participants}; tỷ lệ "
            f"có mặt: {_pct(fig.attendance_rate)}.",
        ]),
        Section("3. Kết quả tập huấn của thành viên", [
            f"Số thành viên được tập huấn trong kỳ: {fig.trained}.",
            f"Kết quả đến nay năm {period.year}: {fig.compliant}/{fig.in_scope - fig.new} "
            f"thành viên đạt yêu cầu tập huấn ít nhất một lần trong năm "
            f"({_pct(fig.share)}); {fig.new} thành viên mới chưa tính.",
        ], ([ "Chỉ tiêu", "Số lượng"], [
            ["Thành viên trong phạm vi", str(fig.in_scope)],
            ["Đạt yêu cầu", str(fig.compliant)],
            ["Thành viên mới", str(fig.new)],
            ["Chưa đạt", str(fig.in_scope - fig.compliant - fig.new)],
            ["Tỷ lệ đạt", _pct(fig.share)],
        ])),
        Section("4. Học trực tuyến", [
            f"Số mô-đun được hoàn thành trong kỳ: {fig.modules_completed}.",
            f"Số lượt làm bài kiểm tra: {fig.quiz_attempts}; đạt: {fig.quiz_passed} "
            f"({_pct(fig.pass_rate)}).",
        ]),
        Section("5. Giấy chứng nhận", [f"Số giấy chứng nhận đã cấp trong kỳ: {fig.certificates}."]),
    ]
    if per_commune:
        sections.append(Section("6. Kết quả theo xã, phường, đặc khu", [], (
            ["Xã/phường", "Buổi", "Được tập huấn", "Đạt/phải đạt", "Tỷ lệ"],
            [[name, str(f.sessions), str(f.trained), f"{f.compliant}/{f.in_scope - f.new}",
              _pct(f.share)] for name, f in per_commune])))
    n = len(sections)
    for i, (title, key) in enumerate((("Đánh giá chung", "assessment"),
                                      ("Khó khăn, vướng mắc", "difficulties"),
                                      ("Đề xuất, kiến nghị", "proposals")), start=n + 1):
        text = (texts.get(key) or "").strip()
        sections.append(Section(f"{i}. {title}", text.splitlines() if text else ["Không có."]))
    return sections


# --- .docx ----------------------------------------------------------------------------------


def to_docx(doc: Document) -> bytes:
    """The report as a Word document: Times New Roman 14 (13 in tables), A4, Decree 30 margins."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    out = Docx()
    section = out.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = out.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")

    def para(cell_or_doc, text, bold=False, italic=False, size=None, align=None):
        p = cell_or_doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.name = "Times New Roman"
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        return p

    center = WD_ALIGN_PARAGRAPH.CENTER
    header = out.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].text = ""
    para(left, doc.superior, size=13, align=center)
    para(left, doc.body, bold=True, size=13, align=center)
    para(left, "________", size=13, align=center)
    para(left, doc.number, size=13, align=center)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=13, align=center)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14, align=center)
    para(right, "________________", size=13, align=center)
    para(right, doc.place_date, italic=True, size=14, align=center)
    para(out, "")
    para(out, doc.title, bold=True, align=center)
    para(out, doc.subtitle, bold=True, align=center)
    para(out, "")
    for sec in doc.sections:
        para(out, sec.title, bold=True)
        for text in sec.paragraphs:
            p = para(out, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
            p.paragraph_format.first_line_indent = Cm(1)
        if sec.table:
            headers, rows = sec.table
            table = out.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.paragraphs[0].text = ""
                run = cell.paragraphs[0].add_run(text)
                run.bold, run.font.size = True, Pt(13)
            for row in rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row, strict=True):
                    cell.paragraphs[0].add_run(text).font.size = Pt(13)
    para(out, "")
    footer = out.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.paragraphs[0].text = ""
    para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in doc.recipients:
        para(left, line, size=11)
    para(right, doc.signer_on_behalf, bold=True, size=13, align=center)
    for line in doc.signer_title:
        para(right, line, bold=True, size=13, align=center)
    for _ in range(3):
        para(right, "")
    para(right, doc.signer_name, bold=True, size=14, align=center)
    buffer = io.BytesIO()
    out.core_properties.title = f"{doc.title} {doc.subtitle}"
    out.save(buffer)
    return buffer.getvalue()


# --- PDF --------------------------------------------------------------------------------------


def to_pdf(doc: Document) -> bytes:
    """The same report as an A4 PDF with the shipped fonts (no unembedded standard font)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from lms.pdf_fonts import register_fonts

    fonts = register_fonts()
    base = ParagraphStyle("base", fontName=fonts["regular"], fontSize=12, leading=16)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    bold_c = ParagraphStyle("bold_c", parent=center, fontName=fonts["bold"])
    italic_c = ParagraphStyle("italic_c", parent=center, fontName=fonts["italic"])
    bold = ParagraphStyle("bold", parent=base, fontName=fonts["bold"], spaceBefore=6)
    body = ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm)
    small = ParagraphStyle("small", parent=base, fontSize=10, leading=13)
    cell = ParagraphStyle("cell", parent=base, fontSize=10.5, leading=13)

    def p(text, style=base):
        return Paragraph(escape(text), style)

    header = Table([[[p(doc.superior, center), p(doc.body, bold_c), p(doc.number, center)],
                     [p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold_c),
                      p("Độc lập - Tự do - Hạnh phúc", bold_c), Spacer(1, 2 * mm),
                      p(doc.place_date, italic_c)]]], colWidths=[65 * mm, 100 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("FONTNAME", (0, 0), (-1, -1), fonts["regular"])]))
    story = [header, Spacer(1, 8 * mm), p(doc.title, bold_c), p(doc.subtitle, bold_c),
             Spacer(1, 5 * mm)]
    for sec in doc.sections:
        story.append(p(sec.title, bold))
        story.extend(p(text, body) for text in sec.paragraphs)
        if sec.table:
            headers, rows = sec.table
            data = [[p(h, cell) for h in headers]] + [[p(v, cell) for v in r] for r in rows]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("FONTNAME", (0, 0), (-1, -1), fonts["regular"])]))
            story.extend([Spacer(1, 2 * mm), table])
    signer = [p(doc.signer_on_behalf, bold_c)] + [p(t, bold_c) for t in doc.signer_title]
    signer += [Spacer(1, 18 * mm), p(doc.signer_name, bold_c)]
    recipients = [p("Nơi nhận:", ParagraphStyle("r", parent=small, fontName=fonts["bold"]))]
    recipients += [p(line, small) for line in doc.recipients]
    footer = Table([[recipients, signer]], colWidths=[75 * mm, 90 * mm])
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("FONTNAME", (0, 0), (-1, -1), fonts["regular"])]))
    story.extend([Spacer(1, 8 * mm), footer])
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm,
                            title=f"{doc.title} {doc.subtitle}",
                            initialFontName=fonts["regular"])  # passed on to the Canvas
    pdf.build(story)
    return buffer.getvalue()
