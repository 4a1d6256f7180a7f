"""The compliance report as a PDF in the layout of an administrative report (Decree
30/2020/NĐ-CP, Appendix I: "Báo cáo"): the issuing body and the number line "Số: …/BC-UBND"
left for the office to fill in, the national header, the place and date line, the title
"BÁO CÁO" and its summary, the figures, the per-team table with STT and a totals row, the
sessions that counted, the people still missing, then the "Nơi nhận:" block and the signer
block, kept on the same page as the end of the last table; page numbers from page 2."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lms.i18n import document_date, short_date
from lms.normalize import display_phone
from lms.pdf_fonts import register_fonts
from lms.timeutil import local_today
from lms.training.compliance import Report
from lms.training.report_people import counted_sessions

KEEP_ROWS = 3  # rows of the last table kept on the page of the signer block


def _styles(fonts):
    base = ParagraphStyle("base", fontName=fonts["regular"], fontSize=12, leading=15,
                          firstLineIndent=0)
    return {
        "base": base,
        "body": ParagraphStyle("body", parent=base, firstLineIndent=10 * mm, spaceAfter=4),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "bc": ParagraphStyle("bc", parent=base, alignment=TA_CENTER, fontName=fonts["bold"]),
        "nation": ParagraphStyle("nation", parent=base, alignment=TA_CENTER,
                                 fontName=fonts["bold"], fontSize=11, leading=14),
        "ic": ParagraphStyle("ic", parent=base, alignment=TA_CENTER, fontName=fonts["italic"],
                             fontSize=12),
        "title": ParagraphStyle("title", parent=base, alignment=TA_CENTER,
                                fontName=fonts["bold"], fontSize=14, leading=18),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=12.5),
        "smallb": ParagraphStyle("smallb", parent=base, fontSize=10, leading=12.5,
                                 fontName=fonts["bold"]),
        "h": ParagraphStyle("h", parent=base, fontName=fonts["bold"], spaceBefore=6,
                            spaceAfter=3),
        "recv": ParagraphStyle("recv", parent=base, fontName=fonts["bold"], fontSize=12),
        "recv_i": ParagraphStyle("recv_i", parent=base, fontSize=11, leading=13),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _grid(data, widths, fonts, totals: bool = False, header: bool = True) -> Table:
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts["regular"]),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
    if totals:
        style.append(("FONTNAME", (0, -1), (-1, -1), fonts["bold"]))
    table.setStyle(TableStyle(style))
    return table


def _header(commune, issued_on: date, st) -> Table:
    left = [_p("ỦY BAN NHÂN DÂN", st["nation"]), _p(commune.name.upper(), st["nation"]),
            _p("———", st["center"]), _p("Số:" + "\u00a0" * 8 + "/BC-UBND", st["center"])]
    right = [_p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["nation"]),
             Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", st["nation"]), Spacer(1, 4 * mm),
             _p(document_date(issued_on, commune.place_name or commune.name, "vi"), st["ic"])]
    table = Table([[left, right]], colWidths=[62 * mm, 103 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), st["base"].fontName),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _closing(commune, st) -> Table:
    receivers = [_p("Nơi nhận:", st["recv"]), _p("- Như trên;", st["recv_i"]),
                 _p("- Lưu: VT, VHXH.", st["recv_i"])]
    signer = [_p(commune.signer_on_behalf or "", st["bc"])]
    signer += [_p(line, st["bc"]) for line in (commune.signer_title or "").splitlines() if line]
    signer += [Spacer(1, 22 * mm), _p(commune.signer_name or "", st["bc"])]
    table = Table([[receivers, signer]], colWidths=[75 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("FONTNAME", (0, 0), (-1, -1), st["base"].fontName)]))
    return table


def _split_tail(data: list, widths, fonts, totals: bool = False) -> tuple[Table, Table | None]:
    """The table without its last rows, and those rows as a table of their own (kept with the
    signer block)."""
    if len(data) <= KEEP_ROWS + 1:
        return None, _grid(data, widths, fonts, totals=totals)
    head = _grid(data[:-KEEP_ROWS], widths, fonts)
    tail = _grid(data[-KEEP_ROWS:], widths, fonts, totals=totals, header=False)
    return head, tail


def _page_number(canvas, doc) -> None:
    """Page numbers from page 2, centred in the top margin (Decree 30/2020)."""
    fonts = register_fonts()
    canvas.saveState()
    canvas.setFont(fonts["regular"], 12)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 10 * mm, str(doc.page))
    canvas.restoreState()


def to_pdf(report: Report, people, issued_on: date | None = None) -> bytes:
    """The report as an A4 PDF (fonts from lms/fonts, every one embedded)."""
    fonts = register_fonts()
    st = _styles(fonts)
    issued_on = issued_on or local_today()
    commune = report.commune
    share = f"{round(report.share * 100)}%" if report.share is not None else "—"
    story = [
        _header(commune, issued_on, st), Spacer(1, 8 * mm),
        _p(_("REPORT"), st["title"]),
        _p(_("Results of the annual training of the community digital technology teams, "
             "year %(year)s", year=report.year), st["bc"]),
        Spacer(1, 6 * mm),
        _p(_("As of %(date)s, %(n)s members are in scope of the annual check. %(c)s of them "
             "have attended at least %(req)s training(s) this year (%(share)s of the members "
             "who must comply); %(new)s new members are in their grace period; %(m)s are still "
             "missing a training.", date=short_date(report.as_of), n=report.in_scope,
             c=report.compliant, req=report.rule["required_count"], share=share,
             new=report.new, m=report.missing_count), st["body"]),
        _p(_("A training counts when the person was present or late at a session that was not "
             "cancelled, organised by any commune, between 01/01/%(year)s and the date of the "
             "report.", year=report.year), st["body"]),
        _p(_("1. Figures by team"), st["h"]),
    ]
    widths = [12 * mm, 63 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm, 18 * mm]
    data = [[_p(h, st["smallb"]) for h in (_("No."), _("Team"), _("In scope"), _("Compliant"),
                                           _("New members"), _("Missing"), _("Share"))]]
    for i, team in enumerate(report.teams, 1):
        data.append([i, _p(team.team, st["small"]), team.in_scope, team.compliant, team.new,
                     team.in_scope - team.compliant - team.new,
                     f"{round(team.share * 100)}%" if team.share is not None else "—"])
    data.append(["", _p(_("Total"), st["smallb"]), report.in_scope, report.compliant,
                 report.new, report.missing_count, share])
    teams_table = _grid(data, widths, fonts, totals=True)

    counted = counted_sessions(people)
    missing = [p for p in people if p.status == "missing"]
    story.append(teams_table)
    story.append(_p(_("2. Sessions that counted (the first training of each person)"), st["h"]))
    if counted:
        cdata = [[_p(h, st["smallb"]) for h in (_("No."), _("Date"), _("Training session"),
                                                _("Organised by"), _("People"))]]
        for i, (day, title, organiser, n) in enumerate(counted, 1):
            cdata.append([i, short_date(day), _p(title, st["small"]), _p(organiser, st["small"]),
                          n])
        story.append(_grid(cdata, [12 * mm, 24 * mm, 75 * mm, 36 * mm, 18 * mm], fonts))
    else:
        story.append(_p(_("No training counted yet."), st["body"]))
    story.append(_p(_("3. Members still missing a training"), st["h"]))
    closing = _closing(commune, st)
    if missing:
        mdata = [[_p(h, st["smallb"]) for h in (_("No."), _("Full name"), _("Team"),
                                                _("Phone"))]]
        for i, person in enumerate(missing, 1):
            mdata.append([i, _p(person.name, st["small"]), _p("; ".join(person.teams),
                                                                st["small"]),
                          display_phone(person.phone) if person.phone else ""])
        head, tail = _split_tail(mdata, [12 * mm, 55 * mm, 66 * mm, 32 * mm], fonts)
        if head is not None:
            story.append(head)
        story.append(KeepTogether([tail, Spacer(1, 6 * mm), closing]))
    else:
        story.append(KeepTogether([_p(_("Nobody is missing."), st["body"]), Spacer(1, 6 * mm),
                                   closing]))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=15 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm,
                            title=f"Báo cáo tập huấn {commune.name} {report.year}",
                            author=commune.name, initialFontName=fonts["regular"])
    doc.build(story, onFirstPage=lambda c, d: None, onLaterPages=_page_number)
    return buffer.getvalue()
