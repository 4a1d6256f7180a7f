"""Report screens: a commune's reports (its officer writes them; the province reads them), and
the province's view of which communes sent theirs for a period, with its own report."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.auth.permissions import get_commune_or_404, role_of, roles_required
from lms.extensions import db
from lms.nav import nav_item
from lms.reports import bp
from lms.reports import services as rep
from lms.reports.figures import Period, parse_period
from lms.reports.forms import ReportForm
from lms.timeutil import local_today

nav_item("reports.index", _l("Periodic reports"), roles=("officer", "province"), order=44)
FORMATS = ("docx", "pdf")


def _period(text: str | None) -> Period:
    """The period named in the URL (default: the current quarter); 404 when malformed."""
    if not text:
        today = local_today()
        text = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    try:
        return parse_period(text)
    except ValueError:
        abort(404)


def _year_periods(year: int) -> list[Period]:
    return ([parse_period(f"{year}-{m:02d}") for m in range(1, 13)]
            + [parse_period(f"{year}-Q{q}") for q in range(1, 5)] + [parse_period(str(year))])


def _can_write(commune) -> bool:
    role = role_of(current_user)
    return role == "admin" or (role == "officer" and current_user.commune_id == commune.id)


@bp.route("/reports")
@roles_required("officer", "province")
def index():
    """Where "Periodic reports" leads: the commune's list or the province's overview."""
    if role_of(current_user) == "officer" and current_user.commune_id:
        return redirect(url_for("reports.commune_reports", commune_id=current_user.commune_id))
    return redirect(url_for("reports.province_reports"))


@bp.route("/reports/communes/<int:commune_id>")
@roles_required("officer", "province")
def commune_reports(commune_id: int):
    """A commune's periods of the year with due date and status."""
    commune = get_commune_or_404(current_user, commune_id)
    year = request.args.get("year", type=int) or local_today().year
    if not 2000 <= year <= 2100:
        abort(404)
    saved = {r.period: r for r in rep.commune_list(commune)}
    rows = [(p, rep.commune_due(commune, p), saved.get(p.key)) for p in _year_periods(year)]
    return render_template("reports/commune_list.html", commune=commune, rows=rows, year=year,
                           today=local_today())


def _save(form: ReportForm, per, **owner):
    """Write the form's texts into the period's report of ``owner`` (commune= or province=),
    creating it on first save, and commit; return the report."""
    report = rep.report_for(per, create=True, **owner)
    rep.save_texts(report, number=form.number.data, send=bool(form.send.data),
                   actor_id=current_user.id, assessment=form.assessment.data,
                   difficulties=form.difficulties.data, proposals=form.proposals.data)
    db.session.commit()
    return report


@bp.route("/reports/communes/<int:commune_id>/<period>", methods=["GET", "POST"])
@roles_required("officer", "province")
def commune_report(commune_id: int, period: str):
    """One report: its texts (the commune's officer edits them) and the downloads."""
    commune = get_commune_or_404(current_user, commune_id)
    per = _period(period)
    report = rep.report_for(per, commune=commune)
    writable = _can_write(commune) and (report is None or report.status != "sent")
    form = ReportForm(obj=report)
    if request.method == "POST":
        if not writable:
            abort(403)
        if form.validate_on_submit():
            report = _save(form, per, commune=commune)
            flash(_("The report is sent.") if report.status == "sent" else _("Saved."),
                  "success")
            return redirect(url_for("reports.commune_report", commune_id=commune.id,
                                    period=per.key))
    return render_template("reports/report.html", place=commune.name, period=per, report=report,
                           form=form, writable=writable, due=rep.commune_due(commune, per),
                           download=lambda fmt: url_for("reports.commune_download",
                                                        commune_id=commune.id, period=per.key,
                                                        fmt=fmt),
                           back=url_for("reports.commune_reports", commune_id=commune.id,
                                        year=per.year))


@bp.route("/reports/communes/<int:commune_id>/<period>.<fmt>")
@roles_required("officer", "province")
def commune_download(commune_id: int, period: str, fmt: str):
    """The commune's report as .docx or PDF."""
    if fmt not in FORMATS:
        abort(404)
    commune = get_commune_or_404(current_user, commune_id)
    per = _period(period)
    doc = rep.commune_document(commune, per, local_today(), rep.report_for(per, commune=commune))
    return Response(rep.render(doc, fmt), mimetype=rep.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{rep.filename(commune.code, per, fmt)}"'})


def _own_province():
    from lms.province.views import current_province

    return current_province()


@bp.route("/reports/province", methods=["GET", "POST"])
@roles_required("province")
def province_reports():
    """Which communes sent their report for a period and which are late; the province's own
    report for the period (texts and downloads)."""
    province = _own_province()
    per = _period(request.args.get("period"))
    report = rep.report_for(per, province=province)
    writable = role_of(current_user) == "province" and (report is None or report.status != "sent")
    form = ReportForm(obj=report)
    if request.method == "POST":
        if not writable:
            abort(403)
        if form.validate_on_submit():
            _save(form, per, province=province)
            flash(_("Saved."), "success")
            return redirect(url_for("reports.province_reports", period=per.key))
    rows = rep.province_status(province, per, local_today())
    args = {"province": province.id} if role_of(current_user) == "admin" else {}
    return render_template("reports/province.html", province=province, period=per, rows=rows,
                           report=report, form=form, writable=writable, args=args,
                           download=lambda fmt: url_for("reports.province_download",
                                                        period=per.key, fmt=fmt, **args))


@bp.route("/reports/province/<period>.<fmt>")
@roles_required("province")
def province_download(period: str, fmt: str):
    """The province's report as .docx or PDF."""
    if fmt not in FORMATS:
        abort(404)
    province = _own_province()
    per = _period(period)
    doc = rep.province_document(province, per, local_today(), rep.report_for(per, province=province))
    return Response(rep.render(doc, fmt), mimetype=rep.MIMETYPES[fmt], headers={
        "Content-Disposition":
            f'attachment; filename="{rep.filename(f"tinh-{province.id}", per, fmt)}"'})
