"""Log-in slips as one PDF: eight per A4 page (2 × 4) with dashed cut lines.

Each slip names the person and their team and carries the phone number (the log-in name), the
temporary password in large type and the QR code of the log-in address. The passwords exist
only in this response: the PDF is made in the same request that sets them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from lms.certificates.pdf import draw_qr_fast, fit, nfc, wrap
from lms.pdf_fonts import register_fonts

PAGE_W, PAGE_H = A4
COLS, ROWS = 2, 4
CELL_W, CELL_H = PAGE_W / COLS, PAGE_H / ROWS
PAD = 7 * mm
QR = 30 * mm


@dataclass
class Slip:
    """What one slip prints."""

    full_name: str
    team: str
    phone: str
    password: str


@dataclass
class SlipLabels:
    """The slip's words in the reader's language (the caller translates)."""

    heading: str
    team: str
    phone: str
    password: str
    address: str
    steps: str


def _cut_lines(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    for col in range(1, COLS):
        canvas.line(col * CELL_W, 0, col * CELL_W, PAGE_H)
    for row in range(1, ROWS):
        canvas.line(0, row * CELL_H, PAGE_W, row * CELL_H)
    canvas.restoreState()


def _draw_slip(canvas: Canvas, fonts: dict, slip: Slip, labels: SlipLabels, login_url: str,
               x: float, y: float) -> None:
    """One slip with its lower-left corner at (x, y)."""
    top = y + CELL_H - PAD
    left = x + PAD
    text_w = CELL_W - 2 * PAD - QR - 4 * mm
    canvas.setFillGray(0)
    heading_size, heading = fit(nfc(labels.heading), fonts["bold"], CELL_W - 2 * PAD, 8.5, 6.5)
    canvas.setFont(fonts["bold"], heading_size)
    canvas.drawString(left, top - 8, heading[0])
    name_size, name_lines = fit(nfc(slip.full_name), fonts["bold"], text_w, 13, 9, max_lines=2)
    canvas.setFont(fonts["bold"], name_size)
    line = top - 26
    for part in name_lines:
        canvas.drawString(left, line, part)
        line -= name_size * 1.15
    canvas.setFont(fonts["regular"], 8.5)
    line -= 2
    for part in wrap(nfc(f"{labels.team}: {slip.team}"), fonts["regular"], 8.5, text_w)[:2]:
        canvas.drawString(left, line, part)
        line -= 11
    canvas.drawString(left, line - 2, nfc(labels.phone))
    canvas.setFont(fonts["bold"], 12)
    canvas.drawString(left, line - 16, slip.phone)
    canvas.setFont(fonts["regular"], 8.5)
    canvas.drawString(left, line - 32, nfc(labels.password))
    canvas.setFont(fonts["bold"], 16)
    canvas.drawString(left, line - 50, " ".join(slip.password[i:i + 5]
                                                for i in range(0, len(slip.password), 5)))
    qr_x = x + CELL_W - PAD - QR
    draw_qr_fast(canvas, login_url, qr_x, top - 16 - QR, QR)
    canvas.setFont(fonts["regular"], 7)
    canvas.drawCentredString(qr_x + QR / 2, top - QR - 26, nfc(labels.address))
    canvas.setFont(fonts["regular"], 7.5)
    steps = y + PAD + 18
    for part in wrap(nfc(labels.steps), fonts["regular"], 7.5, CELL_W - 2 * PAD)[:3][::-1]:
        canvas.drawString(left, steps - 18, part)
        steps += 9.5


def render_slips_pdf(slips: Iterable[Slip], labels: SlipLabels, login_url: str,
                     title: str) -> bytes:
    """Every slip, eight per A4 page, in one PDF (an empty page when there are none)."""
    fonts = register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1, initialFontName=fonts["regular"])
    canvas.setTitle(nfc(title))
    canvas.setAuthor("CNSCĐ")
    index = 0
    for slip in slips:
        if index and index % (COLS * ROWS) == 0:
            canvas.showPage()
        if index % (COLS * ROWS) == 0:
            _cut_lines(canvas)
        cell = index % (COLS * ROWS)
        col, row = cell % COLS, cell // COLS
        _draw_slip(canvas, fonts, slip, labels, login_url, col * CELL_W,
                   PAGE_H - (row + 1) * CELL_H)
        index += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
