"""Province screens (Sở KH&CN): the dashboard of every commune, a commune's figures read-only,
the officers of its communes (reset, bulk creation), and the administrator's province accounts.

Read-only for the province except the officer accounts of its communes: every view that writes
anything else stays officer-only elsewhere (``roles_required("officer")`` keeps province out).
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from lms.auth import services as accounts
from lms.auth.forms import ConfirmForm
from lms.auth.models import User
from lms.auth.permissions import (
    get_commune_or_404,
    get_manageable_user_or_404,
    role_of,
    roles_required,
)
from lms.auth.views import auth_message, render_slip, slips_pdf_response
from lms.extensions import db
from lms.nav import home_section, nav_item
from lms.org.models import Province, Team
from lms.province import bp, officers
from lms.province import services as prov
from lms.province.forms import OfficerImportForm, ProvinceAccountForm
from lms.timeutil import local_today
from lms.training import compliance

nav_item("province.dashboard", _l("Province dashboard"), roles=("province",), order=15)
nav_item("province.accounts", _l("Province accounts"), roles=("admin",), order=23)


def _year() -> int:
    try:
        year = int(request.args.get("year", local_today().year))
    except ValueError:
        year = local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def current_province() -> Province:
    """The province officer's province; the administrator picks one with ``?province=ID``."""
    if role_of(current_user) == "admin":
        pid = request.args.get("province", type=int)
        stmt = select(Province).order_by(Province.name)
        if pid:
            stmt = select(Province).where(Province.id == pid)
        province = db.session.scalars(stmt).first()
    else:
        province = (db.session.get(Province, current_user.province_id)
                    if current_user.province_id else None)
    if province is None:
        abort(404)
    return province


def _headers() -> list[str]:
    return [_("Commune"), _("Code"), _("In scope"), _("Compliant"), _("New members"),
            _("Missing"), _("Compliant share")]


@bp.route("/province")
@roles_required("province")
def dashboard():
    """Every commune's figure for the year, sortable by each column, furthest behind first."""
    province = current_province()
    year = _year()
    sort = request.args.get("sort", "share")
    rows = prov.dashboard_rows(province.id, year)
    ordered = prov.sort_rows(rows, sort)
    total = prov.totals(rows)
    months = prov.sessions_per_month(province.id, year)
    chart = prov.share_chart_svg(ordered, _("Compliant share by commune"))
    args = {"province": province.id} if role_of(current_user) == "admin" else {}
    return render_template("province/dashboard.html", province=province, year=year, sort=sort,
                           rows=ordered, total=total, months=months, chart=chart, args=args)


@bp.route("/province/dashboard.xlsx")
@roles_required("province")
def dashboard_xlsx():
    """The dashboard table as XLSX."""
    province = current_province()
    year = _year()
    rows = prov.sort_rows(prov.dashboard_rows(province.id, year), "name")
    data = prov.export_xlsx(rows, prov.totals(rows), _headers(), f"{province.name} {year}")
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet",
                    headers={"Content-Disposition":
                             f'attachment; filename="tap-huan-tinh-{province.id}-{year}.xlsx"'})


@bp.route("/province/communes/<int:commune_id>")
@roles_required("province")
def commune(commune_id: int):
    """A commune's annual check, read-only: figures and teams, no names or phones."""
    obj = get_commune_or_404(current_user, commune_id)
    year = _year()
    report = compliance.commune_report(obj, year)
    officers_list = db.session.scalars(select(User).where(
        User.commune_id == obj.id, User.account_role == "officer")).all()
    teams = db.session.scalar(select(func.count(Team.id)).where(Team.commune_id == obj.id))
    return render_template("province/commune.html", commune=obj, report=report, year=year,
                           officers=officers_list, team_count=teams)


@bp.route("/province/officers/<int:user_id>/reset", methods=["GET", "POST"])
@roles_required("province")
def reset_officer(user_id: int):
    """A new temporary password for an officer of one of the province's communes."""
    person = get_manageable_user_or_404(current_user, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        password = accounts.set_temporary_password(person, actor_id=current_user.id,
                                                   commune_id=person.commune_id)
        db.session.commit()
        return render_slip(person, password)
    return render_template("auth/reset_password.html", person=person, form=form)


@bp.route("/province/officers/import", methods=["GET", "POST"])
@roles_required("province")
def import_officers():
    """Officer accounts in bulk from a spreadsheet (commune, full name, phone): every row is
    checked first and nothing is written while any problem remains; the communes missing are
    created from the official list. The temporary passwords come out as one PDF of slips."""
    province = current_province()
    form = OfficerImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        checked = officers.check_file(upload.stream, upload.filename, province)
        problems = [officers.problem_text(p) for p in checked.problems]
        if not problems:
            created = officers.apply_rows(checked, province, actor_id=current_user.id)
            db.session.commit()
            if not created:
                flash(_("Nothing to do: every officer in the file already has an account."),
                      "info")
                return redirect(url_for("province.import_officers"))
            return slips_pdf_response(created, "phieu-dang-nhap-can-bo.pdf")
    return render_template("province/officers_import.html", form=form, problems=problems,
                           province=province)


@bp.route("/province/accounts", methods=["GET", "POST"], endpoint="accounts")
@roles_required("admin")
def accounts_screen():
    """Administrator: every province with its Sở KH&CN accounts, and a form to create one."""
    if role_of(current_user) != "admin":
        abort(403)
    form = ProvinceAccountForm()
    if form.validate_on_submit():
        from lms.org import units

        province = units.ensure_province(int(form.province.data))
        try:
            user, password = prov.create_province_account(
                province, form.full_name.data, form.phone.data, current_user.id)
        except accounts.AuthError as exc:
            (form.phone if "phone" in exc.code else form.full_name).errors.append(
                auth_message(exc.code))
        else:
            db.session.commit()
            return render_slip(user, password)
    return render_template("province/accounts.html", form=form, rows=prov.province_accounts())


@home_section(roles=("province",), order=10)
def home_province(user, role):
    """The province officer's home page: the province's figure for this year."""
    if role != "province" or not user.province_id:
        return None
    province = db.session.get(Province, user.province_id)
    year = local_today().year
    total = prov.totals(prov.dashboard_rows(province.id, year))
    return render_template("province/_home.html", province=province, total=total, year=year)
