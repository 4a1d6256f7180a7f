"""The office's certificate pages: list with filters, detail, revoke, reissue, manual issue,
batch printing. Every query is scoped to the officer's commune (admin: all); a certificate of
another commune is a 404."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.permissions import (
    commune_condition,
    load_or_404,
    roles_required,
    team_condition,
    user_condition,
)
from lms.certificates import batch, bp, services
from lms.certificates.forms import IssueForm, ReissueForm, RevokeForm
from lms.certificates.models import STATUSES, Certificate
from lms.certificates.views import pdf_response
from lms.courses.models import Module
from lms.extensions import db
from lms.nav import nav_item
from lms.normalize import InvalidValue, parse_date
from lms.org.models import Team
from lms.training.models import TrainingSession

nav_item("certificates.office_list", _l("Certificates"), roles=("officer",), order=70)

PAGE_SIZE = 50

ERRORS = {
    "already_issued": _l("This person already has this certificate."),
    "choose_one": _l("Choose either a module or a training session."),
    "not_found": _l("This module or session was not found."),
    "no_commune": _l("This person is not an active member of a team, so no commune can issue the certificate."),
    "reason_required": _l("Give the reason for revoking."),
    "not_valid": _l("Only a valid certificate can be revoked or reissued."),
    "name_required": _l("Enter the full name."),
    "title_required": _l("Enter the title."),
    "busy": _l("The system is busy. Please try again."),
}


def _error(exc: services.CertificateError) -> str:
    return str(ERRORS.get(exc.code, exc.code))


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _date_arg(name: str, problems: list) -> date | None:
    try:
        return parse_date(request.args.get(name))
    except InvalidValue:
        problems.append(name)
        return None


def _filters() -> tuple[services.Filters, list[str]]:
    """The filters of the list and of printing, from the query string (bad dates ignored)."""
    problems: list[str] = []
    status = request.args.get("status") or None
    filters = services.Filters(
        session_id=_int_arg("session"), team_id=_int_arg("team"), module_id=_int_arg("module"),
        date_from=_date_arg("from", problems), date_to=_date_arg("to", problems),
        status=status if status in STATUSES else None, q=(request.args.get("q") or "").strip() or None,
    )
    return filters, problems


def _choices() -> dict:
    """The options of the filter selects, scoped to the actor."""
    sessions = db.session.scalars(
        select(TrainingSession).where(commune_condition(current_user, TrainingSession.commune_id),
                                      TrainingSession.cancelled_at.is_(None))
        .order_by(TrainingSession.date.desc()).limit(200)
    ).all()
    teams = db.session.scalars(
        select(Team).where(team_condition(current_user, Team.id, Team.commune_id))
        .order_by(Team.is_commune_level.desc(), Team.name).limit(500)
    ).all()
    modules = db.session.scalars(
        select(Module).where(Module.retired.is_(False)).order_by(Module.position, Module.id)
    ).all()
    return {"sessions": sessions, "teams": teams, "modules": modules}


def _scoped(cert_id: int) -> Certificate:
    return load_or_404(select(Certificate).where(
        Certificate.id == cert_id, commune_condition(current_user, Certificate.commune_id)))


@bp.route("/certificates/office")
@roles_required("officer")
def office_list():
    """The commune's certificates, filtered, newest first, paged."""
    filters, problems = _filters()
    if problems:
        flash(_("Dates must be written as dd/mm/yyyy."), "error")
    stmt = services.scoped_certificates(current_user, filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = max(_int_arg("page") or 1, 1)
    certs = db.session.scalars(stmt.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "certificates/office_list.html", certs=certs, total=total, page=page,
        pages=max(1, -(-total // PAGE_SIZE)), args=args, statuses=STATUSES, **_choices(),
    )


@bp.route("/certificates/office/print")
@roles_required("officer")
def office_print():
    """The filtered certificates (valid ones unless a status is chosen) as one PDF or a ZIP."""
    filters, _problems = _filters()
    certs = batch.batch_certificates(
        None, filters, condition=commune_condition(current_user, Certificate.commune_id))
    if not certs:
        flash(_("No certificate matches these filters."), "warning")
        return redirect(url_for("certificates.office_list", **request.args))
    if batch.is_unfiltered(filters) and request.args.get("confirm") != "1":
        args = {k: v for k, v in request.args.items() if v and k != "confirm"}
        return render_template("certificates/print_confirm.html", count=len(certs), args=args)
    lang = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    base_url = current_app.config["BASE_URL"]
    name = batch.batch_name(certs, filters, _names(filters))
    if request.args.get("format") == "zip":
        response = pdf_response(batch.batch_zip(certs, base_url, lang), f"{name}.zip",
                                inline=False)
        response.mimetype = "application/zip"
        return response
    return pdf_response(batch.batch_pdf(certs, base_url, lang), f"{name}.pdf", inline=False)


def _names(filters: services.Filters) -> dict:
    """The names a batch file is called by: the team's and the module's."""
    names = {}
    if filters.team_id:
        team = db.session.get(Team, filters.team_id)
        names["team"] = team.name if team else str(filters.team_id)
    if filters.module_id:
        module = db.session.get(Module, filters.module_id)
        names["module"] = module.slug if module else str(filters.module_id)
    if filters.session_id:
        session = db.session.get(TrainingSession, filters.session_id)
        names["session"] = session.date if session else None
    return names


@bp.route("/certificates/office/<int:cert_id>")
@roles_required("officer")
def office_detail(cert_id: int):
    """One certificate: its details, history, and the revoke and reissue forms."""
    cert = _scoped(cert_id)
    reissue_form = ReissueForm(obj=cert)
    return render_template("certificates/office_detail.html", cert=cert,
                           revoke_form=RevokeForm(), reissue_form=reissue_form,
                           verify_url=services.verification_url(cert.code))


@bp.route("/certificates/office/<int:cert_id>/revoke", methods=["POST"])
@roles_required("officer")
def office_revoke(cert_id: int):
    """Revoke with a reason (a repeated click on a revoked certificate changes nothing)."""
    cert = _scoped(cert_id)
    form = RevokeForm()
    if cert.status == "revoked":
        return redirect(url_for("certificates.office_detail", cert_id=cert.id))
    if form.validate_on_submit() and request.form.get("confirmed") != "1":
        # Ask first (without JavaScript: this page; with it, a dialog sets ``confirmed``).
        return render_template("certificates/revoke_confirm.html", cert=cert,
                               reason=form.reason.data.strip())
    if form.validate_on_submit():
        try:
            services.revoke(current_user, cert, form.reason.data)
        except services.CertificateError as exc:
            db.session.rollback()
            flash(_error(exc), "error")
        else:
            db.session.commit()
            flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "success")
            return redirect(url_for("certificates.office_detail", cert_id=cert.id))
    return render_template("certificates/office_detail.html", cert=cert, revoke_form=form,
                           reissue_form=ReissueForm(obj=cert),
                           verify_url=services.verification_url(cert.code)), 400


@bp.route("/certificates/office/<int:cert_id>/reissue", methods=["POST"])
@roles_required("officer")
def office_reissue(cert_id: int):
    """Issue a corrected replacement; the old certificate points to the new one."""
    cert = _scoped(cert_id)
    if cert.status == "replaced" and cert.replaced_by_id:
        return redirect(url_for("certificates.office_detail", cert_id=cert.replaced_by_id))
    form = ReissueForm()
    if form.validate_on_submit():
        corrections = {name: getattr(form, name).data for name in services.CORRECTABLE}
        try:
            new = services.reissue(current_user, cert, corrections)
        except services.CertificateError as exc:
            db.session.rollback()
            flash(_error(exc), "error")
        else:
            db.session.commit()
            flash(_("Certificate reissued as %(serial)s.", serial=new.serial), "success")
            return redirect(url_for("certificates.office_detail", cert_id=new.id))
    return render_template("certificates/office_detail.html", cert=cert, revoke_form=RevokeForm(),
                           reissue_form=form,
                           verify_url=services.verification_url(cert.code)), 400


def _issue_form() -> IssueForm:
    form = IssueForm()
    people = db.session.execute(
        select(User.id, User.full_name, User.birth_year)
        .where(user_condition(current_user, User.id), User.account_role == "member")
        .order_by(User.name_folded).limit(2000)
    ).all()
    form.user_id.choices = [("", _("Choose…"))] + [
        (p.id, f"{p.full_name} ({p.birth_year})" if p.birth_year else p.full_name) for p in people]
    choices = _choices()
    form.module_id.choices = [("", _("None"))] + [
        (m.id, m.title_en if _locale() == "en" else m.title_vi) for m in choices["modules"]]
    form.session_id.choices = [("", _("None"))] + [
        (s.id, f"{s.date.strftime('%d/%m/%Y')} · {s.title}") for s in choices["sessions"]]
    return form


def _locale() -> str:
    from lms.i18n import current_locale

    return current_locale()


@bp.route("/certificates/office/new", methods=["GET", "POST"])
@roles_required("officer")
def office_issue():
    """Issue a certificate by hand (person + module or session)."""
    form = _issue_form()
    if form.validate_on_submit():
        try:
            person = load_or_404(select(User).where(User.id == form.user_id.data,
                                                    user_condition(current_user, User.id)))
            cert = services.issue_manual(current_user, person.id, module_id=form.module_id.data,
                                         session_id=form.session_id.data)
        except services.CertificateError as exc:
            db.session.rollback()
            form.module_id.errors.append(_error(exc))
        else:
            db.session.commit()
            flash(_("Certificate %(serial)s issued.", serial=cert.serial), "success")
            return redirect(url_for("certificates.office_detail", cert_id=cert.id))
    return render_template("certificates/office_issue.html", form=form)
