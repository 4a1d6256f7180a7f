"""Batch printing: many certificates as one print-ready PDF or a ZIP of single PDFs."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.certificates.models import Certificate
from lms.certificates.pdf import render_pdf
from lms.certificates.services import Filters, filtered
from lms.extensions import db

MAX_BATCH = 5000


def batch_certificates(commune_id: int | None, filters: Filters | None = None,
                       limit: int = MAX_BATCH, condition=None) -> list[Certificate]:
    """A commune's certificates (or those matching a scoping ``condition``) matching
    ``filters``, in print order (serial), with their communes loaded.

    Printing defaults to valid certificates only (a filter with a status overrides it).
    """
    filters = filters or Filters()
    if not filters.status:
        filters = Filters(**{**filters.__dict__, "status": "valid"})
    stmt = select(Certificate)
    if commune_id is not None:
        stmt = stmt.where(Certificate.commune_id == commune_id)
    if condition is not None:
        stmt = stmt.where(condition)
    stmt = filtered(stmt, filters)
    stmt = stmt.options(selectinload(Certificate.commune)).order_by(
        Certificate.year, Certificate.number).limit(limit)
    return list(db.session.scalars(stmt))


def batch_pdf(certs: list[Certificate], base_url: str, lang: str = "vi") -> bytes:
    """One PDF, one certificate per page, drawn on one canvas."""
    return render_pdf(certs, base_url, lang=lang, title="Giấy chứng nhận")


def batch_zip(certs: list[Certificate], base_url: str, lang: str = "vi") -> bytes:
    """A ZIP with one PDF per certificate, named by serial."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for cert in certs:
            data = render_pdf([cert], base_url, lang=lang, title=f"{cert.serial} {cert.holder_name}")
            archive.writestr(f"{cert.serial}.pdf", data)
    return buffer.getvalue()


def is_unfiltered(filters: Filters) -> bool:
    """Whether a print request names no filter at all (every valid certificate)."""
    f = filters
    return not any((f.session_id, f.team_id, f.module_id, f.date_from, f.date_to, f.status,
                    f.kind, f.q))


def batch_name(certs: list[Certificate], filters: Filters, names: dict | None = None) -> str:
    """A file name that says what the batch holds: ``giay-chung-nhan-DT-lop-12-2026-04-10``,
    ``…-to-to-cnscd-hoa-lac``, ``…-mo-dun-lua-dao``, ``…-tu-01-01-2026-den-31-03-2026``,
    ``…-tat-ca`` without a filter; the status when it is not "valid"."""
    from lms.normalize import fold

    names = names or {}

    def slug(text) -> str:
        return "-".join("".join(ch if ch.isalnum() else " " for ch in fold(str(text))).split())

    codes = sorted({c.serial.split("-")[0] for c in certs})
    parts = ["giay-chung-nhan", *codes[:1]]
    f = filters
    if f.session_id:
        day = names.get("session")
        parts += ["lop", str(f.session_id)] + ([day.isoformat()] if day else [])
    if f.team_id:
        parts += ["to", slug(names.get("team", f.team_id))[:40]]
    if f.module_id:
        parts += ["mo-dun", slug(names.get("module", f.module_id))[:40]]
    if f.date_from:
        parts += ["tu", f.date_from.strftime("%d-%m-%Y")]
    if f.date_to:
        parts += ["den", f.date_to.strftime("%d-%m-%Y")]
    if f.status and f.status != "valid":
        parts.append({"revoked": "da-thu-hoi", "replaced": "da-thay-the"}.get(f.status, f.status))
    if f.q:
        parts += ["tim", slug(f.q)[:20]]
    if is_unfiltered(f):
        parts.append("tat-ca")
    return "-".join(p for p in parts if p)
