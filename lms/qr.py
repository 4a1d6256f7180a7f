"""QR codes as small inline SVG for web pages (PDFs draw their own, see certificates)."""

from __future__ import annotations

import qrcode
from markupsafe import Markup, escape


def qr_matrix(data: str, border: int = 2) -> list[list[bool]]:
    """The module matrix of a QR code (error correction M), with a quiet zone of ``border``."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_svg(data: str, size_px: int = 200, label: str = "") -> Markup:
    """An accessible SVG QR code: one path, crisp at any size, no script."""
    matrix = qr_matrix(data)
    n = len(matrix)
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    title = escape(label or data)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{size_px}" '
        f'height="{size_px}" role="img" aria-label="{title}" shape-rendering="crispEdges">'
        f'<rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path d="{"".join(parts)}" fill="#000"/></svg>'
    )
