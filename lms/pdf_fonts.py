"""Fonts with Vietnamese coverage for every PDF (reports, certificates).

The TTF files ship in ``lms/fonts/`` (DejaVu Serif, from Debian's fonts-dejavu-core, licence in
``lms/fonts/LICENSE-DejaVu.txt``). :func:`register_fonts` registers them with reportlab once and
returns the family names to use.
"""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"

REGULAR = "LmsSerif"
BOLD = "LmsSerif-Bold"
ITALIC = "LmsSerif-Italic"

_FILES = {
    REGULAR: "DejaVuSerif.ttf",
    BOLD: "DejaVuSerif-Bold.ttf",
    ITALIC: "DejaVuSerif-Italic.ttf",
}
_registered = False


def register_fonts() -> dict[str, str]:
    """Register the shipped TTF fonts with reportlab (idempotent).

    Returns ``{"regular": ..., "bold": ..., "italic": ...}`` font names for ``setFont``.
    """
    global _registered
    if not _registered:
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
    return {"regular": REGULAR, "bold": BOLD, "italic": ITALIC}
