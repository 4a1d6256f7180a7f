"""Periodic reports: the saved texts and status, the document of a commune or a province, and
which communes sent theirs. Plain functions; the caller commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.models_base import utcnow
from lms.org.models import Commune, Province
from lms.reports import documents
from lms.reports.figures import Period, due_date, parse_period, period_figures, total
from lms.reports.models import Report

TEXT_FIELDS = ("assessment", "difficulties", "proposals")
PERIOD_KINDS = ("month", "quarter", "year")


class ReportError(Exception):
    """``code``: ``bad_period``, ``already_sent``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def period_or_error(text: str) -> Period:
    """The period named by ``text`` or :class:`ReportError` ``bad_period``."""
    from lms.reports.figures import PeriodError

    try:
        return parse_period(text)
    except PeriodError as exc:
        raise ReportError("bad_period") from exc


def report_for(period: Period, commune: Commune | None = None,
               province: Province | None = None, create: bool = False) -> Report | None:
    """The saved report of a commune (or a province) for a period; a new draft if ``create``."""
    if commune is not None:
        stmt = select(Report).where(Report.commune_id == commune.id, Report.period == period.key)
    else:
        stmt = select(Report).where(Report.province_id == province.id,
                                    Report.commune_id.is_(None), Report.period == period.key)
    report = db.session.scalar(stmt)
    if report is None and create:
        report = Report(commune_id=commune.id if commune else None,
                        province_id=None if commune else province.id, period=period.key,
                        status="draft", number="", assessment="", difficulties="", proposals="")
        db.session.add(report)
        db.session.flush()
    return report


def save_texts(report: Report, *, number: str = "", send: bool = False,
               actor_id: int | None = None, **texts: str) -> Report:
    """Keep the report's number and three texts; ``send`` marks it sent (once)."""
    if report.status == "sent":
        raise ReportError("already_sent")
    report.number = (number or "").strip()[:32]
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(report, name, (texts[name] or "").strip())
    if send:
        report.status = "sent"
        report.sent_at = utcnow()
        report.sent_by_id = actor_id
    return report


def commune_due(commune: Commune, period: Period) -> date:
    """The commune's due date for a period (its own days or the defaults)."""
    return due_date(period, commune.report_month_day, commune.report_quarter_day)


def commune_list(commune: Commune) -> list[Report]:
    """A commune's saved reports, newest period first."""
    return list(db.session.scalars(select(Report).where(Report.commune_id == commune.id)
                                   .order_by(Report.period.desc())))


def province_status(province: Province, period: Period, today: date) -> list[dict]:
    """Each commune of the province for a period: its report (if any), status, due date and
    whether it is late (not sent and past due). Two queries."""
    communes = db.session.scalars(select(Commune).where(Commune.province_id == province.id)
                                  .order_by(Commune.name)).all()
    reports = {r.commune_id: r for r in db.session.scalars(select(Report).where(
        Report.commune_id.in_([c.id for c in communes]), Report.period == period.key))}
    rows = []
    for commune in communes:
        report = reports.get(commune.id)
        due = commune_due(commune, period)
        sent = report is not None and report.status == "sent"
        rows.append({"commune": commune, "report": report, "due": due, "sent": sent,
                     "late": not sent and today > due,
                     "sent_late": sent and report.sent_at is not None
                     and report.sent_at.date() > due})
    return rows


def _texts(report: Report | None) -> dict:
    return {name: getattr(report, name) if report else "" for name in TEXT_FIELDS}


def _number(report: Report | None, suffix: str) -> str:
    number = report.number if report and report.number else "…"
    return f"Số: {number}/{suffix}" if "/" not in number else f"Số: {number}"


def commune_document(commune: Commune, period: Period, issued_on: date,
                     report: Report | None = None) -> documents.Document:
    """The document of a commune's report for a period."""
    figs = period_figures([commune.id], period, province_id=commune.province_id)
    fig = figs[commune.id]
    kind = {"phuong": "PHƯỜNG", "dac_khu": "ĐẶC KHU"}.get(commune.unit_kind or "", "")
    body = commune.name.upper() if kind or commune.name.upper().startswith(("XÃ", "PHƯỜNG")) \
        else f"XÃ {commune.name.upper()}"
    province = commune.province.name if commune.province else ""
    recipients = [f"- Sở Khoa học và Công nghệ {('tỉnh ' + province) if province else ''}"
                  .rstrip() + " (để b/c);", "- Thường trực Đảng ủy, HĐND;",
                  "- Các Tổ công nghệ số cộng đồng;", "- Lưu: VT, VHXH."]
    return documents.Document(
        superior="ỦY BAN NHÂN DÂN", body=body, number=_number(report, "BC-UBND"),
        place_date=documents.document_date(commune.place_name or commune.name, issued_on),
        title="BÁO CÁO",
        subtitle=f"Kết quả tập huấn Tổ công nghệ số cộng đồng {period.label_vi}",
        sections=documents.figure_sections(fig, period, _texts(report)),
        recipients=recipients, signer_on_behalf=commune.signer_on_behalf or "TM. ỦY BAN NHÂN DÂN",
        signer_title=(commune.signer_title or "CHỦ TỊCH").splitlines(),
        signer_name=commune.signer_name or "")


def province_document(province: Province, period: Period, issued_on: date,
                      report: Report | None = None) -> documents.Document:
    """The document of a province's report (Sở KH&CN) for a period, with a row per commune."""
    communes = db.session.scalars(select(Commune).where(Commune.province_id == province.id)
                                  .order_by(Commune.name)).all()
    figs = period_figures([c.id for c in communes], period, province_id=province.id)
    per_commune = [(c.name, figs[c.id]) for c in communes]
    return documents.Document(
        superior=f"UBND TỈNH {province.name.upper()}", body="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        number=_number(report, "BC-SKHCN"),
        place_date=documents.document_date(province.name, issued_on),
        title="BÁO CÁO",
        subtitle=f"Kết quả tập huấn Tổ công nghệ số cộng đồng {period.label_vi}",
        sections=documents.figure_sections(total(figs), period, _texts(report), per_commune),
        recipients=["- Bộ Khoa học và Công nghệ (để b/c);", "- UBND tỉnh (để b/c);",
                    "- UBND các xã, phường, đặc khu;", "- Lưu: VT."],
        signer_on_behalf="KT. GIÁM ĐỐC", signer_title=["PHÓ GIÁM ĐỐC"], signer_name="")


def render(doc: documents.Document, fmt: str) -> bytes:
    """The document as ``docx`` or ``pdf`` bytes."""
    if fmt == "docx":
        return documents.to_docx(doc)
    if fmt == "pdf":
        return documents.to_pdf(doc)
    raise ValueError(fmt)


MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def filename(code: str, period: Period, fmt: str) -> str:
    """``bao-cao-tap-huan-DT-2026-Q4.docx``."""
    return f"bao-cao-tap-huan-{code}-{period.key}.{fmt}"
