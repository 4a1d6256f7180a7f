"""Benchmark: build a 20,000-row roster (.xlsx laid out as an office keeps it), preview and import it into a fresh SQLite database, print
rows/s and peak memory. Target: < 20 s and < 300 MB.

    .venv/bin/python bench/import_roster.py [ROWS]
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path


def build_roster(path: Path, rows: int, villages: int) -> None:
    """Write a roster of ``rows`` people spread over ``villages`` villages, laid out as an
    office keeps it: a title block, an STT column and a numbering row, phones stored as
    numbers, a total row and the signature block under the table."""
    from openpyxl import Workbook

    rng = random.Random(1)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Lò", "Cầm", "Hoàng", "Vũ"]
    given = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thu Hà", "Minh Khôi"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("DS Tổ CNSCĐ")
    sheet.append(["ỦY BAN NHÂN DÂN XÃ THỬ TẢI"])
    sheet.append(["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG NĂM 2026"])
    sheet.append([])
    header = ["STT", "Họ và tên", "SĐT", "Năm sinh", "Giới tính", "Thôn", "Chức vụ trong Tổ",
              "Nghề nghiệp", "Ngày vào Tổ", "Ngày rời tổ"]
    sheet.append(header)
    sheet.append([f"({n})" for n in range(1, len(header) + 1)])
    for i in range(rows):
        sheet.append([i + 1, f"{rng.choice(families)} {rng.choice(given)}", 900000000 + i,
                      rng.randint(1960, 2005), rng.choice(["Nam", "Nữ"]),
                      f"Thôn {i % villages + 1}", "TV" if i % 8 else "Tổ trưởng", "Giáo viên",
                      datetime(2025, 1 + i % 12, 1 + i % 28), None])
    sheet.append([f"Tổng cộng: {rows} người"])
    sheet.append([])
    sheet.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, "TM. ỦY BAN NHÂN DÂN"])
    sheet.append([None, "Vũ Thị Ngọc", None, None, None, None, "Nguyễn Văn Bình"])
    book.save(path)


def main(rows: int = 20_000) -> dict:
    """Run the benchmark; return and print the figures."""
    from lms import create_app
    from lms.extensions import db
    from lms.org.roster import check_rows, read_roster
    from lms.org.roster_db import apply_rows, plan_rows
    from lms.org.services import create_commune

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.xlsx"
        build_roster(path, rows, max(1, rows // 8))
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench", "SQLALCHEMY_ENGINE_OPTIONS": {}})
        with app.app_context():
            db.create_all()
            commune = create_commune("BENCH", "Xã Thử Tải")
            db.session.commit()
            phases = {}
            start = mark = time.perf_counter()
            raw, meta = read_roster(path, path.name)
            phases["read"], mark = time.perf_counter() - mark, time.perf_counter()
            checked = check_rows(commune, raw)
            phases["check"], mark = time.perf_counter() - mark, time.perf_counter()
            plan = plan_rows(commune, checked)
            phases["plan"], mark = time.perf_counter() - mark, time.perf_counter()
            stats = apply_rows(commune, checked, actor_id=None, create_villages=True)
            db.session.commit()
            phases["write"] = time.perf_counter() - mark
            elapsed = time.perf_counter() - start
            assert len(raw) == rows and plan["counts"]["new"] == rows, (len(raw), plan["counts"])
            assert [n["code"] for n in meta["notes"]] == ["title", "stt", "numbering", "total",
                                                          "footer"], meta["notes"]
            db.session.remove()
            db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"rows": rows, "seconds": round(elapsed, 2),
              **{f"{k}_s": round(v, 2) for k, v in phases.items()},
              "rows_per_s": round(rows / elapsed), "peak_mb": round(peak_mb), **stats}
    print(f"import_roster: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s, "
          f"peak memory {peak_mb:.0f} MB (target < 20 s, < 300 MB); phases "
          + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items()) + f"; {stats}")
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
