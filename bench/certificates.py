"""Certificates: a batch of 1,000 in one PDF, the platform's renderer vs reportlab's QR widget.

Budget (DESIGN.md): the batch at least 5× faster than the same page drawn with reportlab's
``QrCodeWidget`` (measured side by side in one run); 1,000 in ≤ 5 s; a single PDF ≤ 60 KB.

Both runs draw the very same pages with the same renderer (fixed parts as Form XObjects, fonts
registered once, one canvas); only the QR code differs: ours is one filled path of merged runs,
the baseline is a ``Drawing`` holding a ``QrCodeWidget`` drawn with ``renderPDF.draw`` (reportlab
encodes the data and draws every dark module as its own rectangle).

    .venv/bin/python -m bench.certificates [--count 1000]
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from types import SimpleNamespace

from lms.certificates.codes import new_code
from lms.certificates.pdf import render_pdf

BASE_URL = "https://cnscd.example.gov.vn"
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Thị", "Văn", "Minh", "Thu", "Quang", "Ngọc", "Đức", "Thanh")
GIVEN = ("Mai", "Dũng", "Hương", "Khánh", "Hiền", "Tuấn", "Ánh", "Phương", "Thảo", "Bảo")
TITLES = (
    ("Nhận diện và phòng tránh lừa đảo trực tuyến", "Spotting and avoiding online scams"),
    ("Sử dụng dịch vụ công trực tuyến và VNeID", "Using online public services and VNeID"),
    ("Thanh toán không dùng tiền mặt an toàn", "Safe cashless payments"),
)


def sample_certificates(count: int) -> list[SimpleNamespace]:
    """``count`` realistic certificates (plain objects: the renderer needs no database)."""
    commune = SimpleNamespace(
        id=1, name="Phường Duy Tiên", place_name="Duy Tiên", signer_on_behalf="TM. ỦY BAN NHÂN DÂN",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", signer_name="Nguyễn Văn Hùng")
    certs = []
    for i in range(count):
        title_vi, title_en = TITLES[i % len(TITLES)]
        certs.append(SimpleNamespace(
            commune=commune, serial=f"DT-2026-{i + 1:05d}", code=new_code(),
            holder_name=f"{SURNAMES[i % 10]} {MIDDLE[i % 8]} {GIVEN[(i // 3) % 10]}",
            holder_birth_year=1960 + i % 45, team_name=f"Tổ CNSCĐ tổ dân phố số {i % 27 + 1}",
            kind="module" if i % 2 else "session", title_vi=title_vi, title_en=title_en,
            hours=1.5, activity_date=date(2026, 4, 10), issued_on=date(2026, 4, 10),
        ))
    return certs


def draw_qr_widget(canvas, data: str, x: float, y: float, size: float) -> None:
    """The naive baseline: reportlab's own QR widget in a Drawing, drawn with renderPDF."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(data, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def _timed(func) -> tuple[float, bytes]:
    start = time.perf_counter()
    data = func()
    return time.perf_counter() - start, data


def main(count: int = 1000) -> dict:
    """Render ``count`` certificates both ways; print and return the figures."""
    certs = sample_certificates(count)
    render_pdf(certs[:1], BASE_URL)  # fonts registered and parsed before timing
    ours, batch = _timed(lambda: render_pdf(certs, BASE_URL))
    naive, naive_batch = _timed(lambda: render_pdf(certs, BASE_URL, qr_drawer=draw_qr_widget))
    single = render_pdf(certs[:1], BASE_URL)
    result = {
        "count": count,
        "ours_s": ours, "naive_s": naive,
        "ours_rate": count / ours, "naive_rate": count / naive,
        "ratio": naive / ours,
        "batch_bytes": len(batch), "naive_batch_bytes": len(naive_batch),
        "single_bytes": len(single),
    }
    print(f"certificates: {count} in one PDF")
    print(f"  platform renderer : {ours:6.2f} s  {result['ours_rate']:7.1f} /s  "
          f"{len(batch) / 1024:8.0f} KB")
    print(f"  QrCodeWidget naive: {naive:6.2f} s  {result['naive_rate']:7.1f} /s  "
          f"{len(naive_batch) / 1024:8.0f} KB")
    print(f"  ratio: {result['ratio']:.1f}× faster (budget ≥ 5×)")
    print(f"  single PDF: {len(single) / 1024:.1f} KB (budget ≤ 60 KB)")
    if count >= 1000:
        print(f"  1,000 in ≤ 5 s: {'yes' if ours * 1000 / count <= 5 else 'NO'}")
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    main(parser.parse_args().count)
