"""Benchmark: build a 20,000-row roster (.xlsx), import it into a fresh SQLite database, print
rows/s and peak memory. Target: < 20 s and < 300 MB.

    .venv/bin/python bench/import_roster.py [ROWS]
"""

from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def build_roster(path: Path, rows: int, villages: int) -> None:
    """Write a roster of ``rows`` people spread over ``villages`` villages."""
    from lms.spreadsheets import write_xlsx

    rng = random.Random(1)
    families = ["Nguyễn", "Trần", "Lê", "Phạm", "Lò", "Cầm", "Hoàng", "Vũ"]
    given = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Đức Em", "Thu Hà", "Minh Khôi"]
    def gen():
        for i in range(rows):
            yield [f"{rng.choice(families)} {rng.choice(given)}", f"09{i:08d}",
                   rng.randint(1960, 2005), rng.choice(["Nam", "Nữ"]),
                   f"Thôn {i % villages + 1}", "Thành viên" if i % 8 else "Tổ trưởng",
                   "Giáo viên", date(2025, 1 + i % 12, 1 + i % 28), None]
    write_xlsx(path, ["Họ và tên", "Số điện thoại", "Năm sinh", "Giới tính", "Thôn", "Vai trò",
                      "Nghề nghiệp", "Ngày tham gia", "Ngày rời tổ"], gen())


def main(rows: int = 20_000) -> dict:
    """Run the benchmark; return and print the figures."""
    from lms import create_app
    from lms.extensions import db
    from lms.org.roster import check_rows, read_roster
    from lms.org.roster_db import apply_rows
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
            start = time.perf_counter()
            raw, _ = read_roster(path, path.name)
            checked = check_rows(commune, raw)
            stats = apply_rows(commune, checked, actor_id=None, create_villages=True)
            db.session.commit()
            elapsed = time.perf_counter() - start
            db.session.remove()
            db.engine.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"rows": rows, "seconds": round(elapsed, 2),
              "rows_per_s": round(rows / elapsed), "peak_mb": round(peak_mb), **stats}
    print(f"import_roster: {rows} rows in {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s, "
          f"peak memory {peak_mb:.0f} MB (target < 20 s, < 300 MB); {stats}")
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
