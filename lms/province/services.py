"""The province's figures: every commune's annual check in one set-based pass, sessions held
per month, a small SVG chart, the XLSX export, and province accounts.

Plain functions; the caller commits. The number of queries does not grow with the number of
communes (the per-commune figures come from :func:`lms.training.summaries.commune_summaries`).
"""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from sqlalchemy import extract, func, select

from lms.auth.models import User
from lms.extensions import db
from lms.org.models import Commune, Province
from lms.training.models import TrainingSession
from lms.training.summaries import commune_summaries, summary_totals

SORTS = ("name", "in_scope", "compliant", "new", "missing", "share")


class ProvinceError(Exception):
    """A domain error: ``code`` names the message the views translate."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def dashboard_rows(province_id: int, year: int, as_of: date | None = None) -> list[dict]:
    """Every commune of the province with in_scope, compliant, new, missing and share."""
    rows = commune_summaries(year, as_of, province_id=province_id)
    for row in rows:
        row["missing"] = row["in_scope"] - row["compliant"] - row["new"]
    return rows


def sort_rows(rows: list[dict], sort: str) -> list[dict]:
    """Rows sorted by a column; ``-col`` descending. The default (``share``) puts the communes
    furthest behind first (blank shares last)."""
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, desc = "share", False
    if key == "name":
        ordered = sorted(rows, key=lambda r: r["name"])
    elif key == "share":
        known = sorted((r for r in rows if r["share"] is not None),
                       key=lambda r: (r["share"], r["name"]))
        ordered = known[::-1] if desc else known
        return ordered + [r for r in rows if r["share"] is None]
    else:
        ordered = sorted(rows, key=lambda r: (r[key], r["name"]))
    return ordered[::-1] if desc else ordered


def totals(rows: list[dict]) -> dict:
    """The province's figure (sum of its communes)."""
    out = summary_totals(rows)
    out["missing"] = out["in_scope"] - out["compliant"] - out["new"]
    return out


def sessions_per_month(province_id: int, year: int) -> list[int]:
    """Twelve counts: training sessions held (not cancelled) in the province each month."""
    month = extract("month", TrainingSession.date)
    stmt = (
        select(month, func.count())
        .join(Commune, Commune.id == TrainingSession.commune_id)
        .where(Commune.province_id == province_id, TrainingSession.cancelled_at.is_(None),
               TrainingSession.date >= date(year, 1, 1),
               TrainingSession.date <= date(year, 12, 31))
        .group_by(month)
    )
    counts = [0] * 12
    for m, n in db.session.execute(stmt):
        counts[int(m) - 1] = int(n)
    return counts


def share_chart_svg(rows: list[dict], title: str, width: int = 320) -> str:
    """A horizontal bar chart of the compliant share by commune, as inline SVG (no script),
    kept small (about 80 bytes a commune; the shares themselves are in the table)."""
    bar_h, gap, label_w = 16, 4, 130
    height = 4 + len(rows) * (bar_h + gap)
    scale = width - label_w - 34
    labels, bars = [], []
    for i, row in enumerate(rows):
        y = 2 + i * (bar_h + gap)
        share = row["share"]
        w = round((share or 0) * scale)
        name = row["name"] if len(row["name"]) <= 24 else row["name"][:23] + "…"
        labels.append(f'<text y="{y + 12}">{escape(name)}</text>')
        bars.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}"'
            f' width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<g font-size="11">{"".join(labels)}</g>'
            f'<g fill="#1d5fa8">{"".join(bars)}</g></svg>')


def export_xlsx(rows: list[dict], total: dict, headers: list[str], title: str) -> bytes:
    """The dashboard table (one row per commune, then the province total) as XLSX: a title
    line, a frozen bold header with filters, column widths, and shares as real numbers in a
    percent format (so they sort and sum)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from lms.spreadsheets import safe_cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Sheet1"
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([safe_cell(str(h)) for h in headers])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    body = [[r["name"], r["code"], r["in_scope"], r["compliant"], r["new"], r["missing"],
             r["share"]] for r in rows]
    for values in body:
        sheet.append([safe_cell(v) if isinstance(v, str) else v for v in values])
    sheet.append([safe_cell(title), "", total["in_scope"], total["compliant"], total["new"],
                  total["missing"], total["share"]])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=3, min_col=7, max_col=7):
        row[0].number_format = "0%"
    for letter, width in zip("ABCDEFG", (30, 10, 12, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:G{sheet.max_row - 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def province_accounts() -> list[tuple[Province, list[User]]]:
    """Every province with its province officer accounts (administrator's screen)."""
    provinces = db.session.scalars(select(Province).order_by(Province.name)).all()
    users = db.session.scalars(select(User).where(User.account_role == "province")
                               .order_by(User.full_name)).all()
    return [(p, [u for u in users if u.province_id == p.id]) for p in provinces]


def create_province_account(province: Province, full_name: str, phone: str,
                            actor_id: int | None) -> tuple[User, str]:
    """A new province officer (Sở KH&CN) account with a temporary password (audited)."""
    from lms import audit
    from lms.auth import services as accounts

    user, password = accounts.create_account(full_name=full_name, phone=phone,
                                             account_role="province", actor_id=actor_id)
    user.province_id = province.id
    audit.record("user.officer", "user", user.id, actor_id=actor_id,
                 before={}, after={"account_role": "province", "province_id": province.id})
    return user, password
