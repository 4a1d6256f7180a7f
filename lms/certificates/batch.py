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
