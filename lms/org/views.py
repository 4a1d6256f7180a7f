"""Views of the org package: overview, teams, people, search, profile, communes (admin).

Join/leave/move views are in :mod:`lms.org.views_members`; import/export in
:mod:`lms.org.views_roster`.

Other packages add blocks to the member page with :func:`member_section` (e.g. the training
record): ``@member_section(order=20) def f(person, actor) -> str | None``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth import services as accounts
from lms.auth.forms import ConfirmForm
from lms.auth.permissions import (
    can_manage_account,
    commune_condition,
    get_commune_or_404,
    get_manageable_user_or_404,
    get_team_or_404,
    get_user_or_404,
    led_team_ids,
    role_of,
    roles_required,
    user_condition,
)
from lms.auth.views import auth_message, login_link, render_slip, slips_pdf_response
from lms.extensions import db, limiter
from lms.nav import home_section, nav_item
from lms.org import bp
from lms.org import services as org
from lms.org.forms import CommuneForm, ContactForm, OfficerForm, PersonForm
from lms.org.messages import KIND_LABELS, ROLE_LABELS, WARNING_LABELS, error_text
from lms.org.models import Commune, Team
from lms.privacy.services import can_erase as erasable

_MEMBER_SECTIONS: list[tuple[int, Callable]] = []


def member_section(order: int = 50):
    """Register a block of the member page: ``func(person, actor) -> HTML or None``."""

    def decorator(func: Callable) -> Callable:
        _MEMBER_SECTIONS.append((order, func))
        return func

    return decorator


def member_sections_for(person, actor) -> list[str]:
    """The rendered extra blocks of a member page, in order."""
    parts = []
    for _order, func in sorted(_MEMBER_SECTIONS, key=lambda item: item[0]):
        html = func(person, actor)
        if html:
            parts.append(html)
    return parts


nav_item("org.index", _l("Teams"), roles=("leader", "officer"), order=20)
nav_item("org.search", _l("Find a member"), roles=("officer",), order=21)
nav_item("org.communes", _l("Communes"), roles=("admin", "province"), order=22)
nav_item("org.profile", _l("My profile"), roles=("member", "leader", "officer", "province"),
         order=95)


def _labels() -> dict:
    return {"role_labels": ROLE_LABELS, "warning_labels": WARNING_LABELS,
            "kind_labels": KIND_LABELS}


@home_section(roles=("officer", "leader"), order=20)
def team_overview_section(user, role):
    """Home page: the officer's commune teams (warnings first) or the leader's own team."""
    if role == "leader":
        teams = db.session.scalars(select(Team).where(Team.id.in_(led_team_ids(user)))).all()
        if not teams:
            return None
        rows = []
        for team in teams:
            rows += org.team_overview(team.commune, team_ids=[team.id])
        return render_template("org/_home.html", rows=rows, commune=None, **_labels())
    if not user.commune_id:
        return None
    commune = db.session.get(Commune, user.commune_id)
    rows = org.team_overview(commune)
    return render_template("org/_home.html", rows=rows, commune=commune, **_labels())


@bp.route("/org/")
@login_required
def index():
    """Where "Teams" leads: the commune (officer), the team (leader), communes (admin)."""
    role = role_of(current_user)
    if role == "admin":
        return redirect(url_for("org.communes"))
    if role == "officer" and current_user.commune_id:
        return redirect(url_for("org.commune", commune_id=current_user.commune_id))
    if role == "leader":
        team_ids = sorted(led_team_ids(current_user))
        if len(team_ids) == 1:
            return redirect(url_for("org.team", team_id=team_ids[0]))
        teams = db.session.scalars(select(Team).where(Team.id.in_(team_ids))).all()
        return render_template("org/my_teams.html", teams=teams)
    return redirect(url_for("org.profile"))


@bp.route("/org/communes/<int:commune_id>")
@roles_required("officer")
def commune(commune_id: int):
    """Commune overview: every team with its active count, leader and warnings."""
    obj = get_commune_or_404(current_user, commune_id)
    rows = org.team_overview(obj)
    pending = org.pending_requests(obj.id)
    return render_template("org/commune.html", commune=obj, rows=rows, pending=pending,
                           **_labels())


@bp.route("/org/teams/<int:team_id>")
@roles_required("leader", "officer")
def team(team_id: int):
    """A team: its active members (role, phone when allowed) and its former members."""
    obj = get_team_or_404(current_user, team_id)
    pairs = org.team_members(obj, include_past=True)
    row = org.team_overview(obj.commune, team_ids=[obj.id])[0]
    today = org.local_today()
    active = [p for p in pairs if p[0].active_on(today)]
    past = [p for p in pairs if not p[0].active_on(today)]
    return render_template("org/team.html", team=obj, row=row, active=active, past=past,
                           **_labels())


@bp.route("/org/teams/<int:team_id>/slips", methods=["GET", "POST"])
@roles_required("officer")
def team_slips(team_id: int):
    """Print log-in slips for every active member of a team who has never logged in."""
    obj = get_team_or_404(current_user, team_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        pairs = org.issue_team_slips(obj, actor_id=current_user.id)
        db.session.commit()
        if request.form.get("format") == "pdf":
            from lms.normalize import fold

            name = "-".join(fold(obj.name).split()) or str(obj.id)
            return slips_pdf_response([(p, obj.name, pw) for p, pw in pairs],
                                      f"phieu-dang-nhap-{name}.pdf")
        login_url, login_qr = login_link()
        return render_template("org/slips.html", team=obj, pairs=pairs, login_url=login_url,
                               login_qr=login_qr)
    waiting = [p for _m, p in org.team_members(obj) if p.last_login_at is None]
    return render_template("org/slips_confirm.html", team=obj, form=form, waiting=waiting)


@bp.route("/org/people/<int:user_id>")
@login_required
def person(user_id: int):
    """A member: data, memberships over time, and blocks added by other packages."""
    obj = get_user_or_404(current_user, user_id)
    role = role_of(current_user)
    commune_id = current_user.commune_id if role == "officer" else None
    memberships = org.memberships_of(obj, commune_id)
    if role == "leader" and obj.id != current_user.id:
        led = led_team_ids(current_user)
        memberships = [m for m in memberships if m.team_id in led]
    return render_template("org/person.html", person=obj, memberships=memberships,
                           today=org.local_today(), sections=member_sections_for(obj, current_user),
                           manage=can_manage_account(current_user, obj),
                           can_erase=role in ("officer", "admin") and erasable(obj), **_labels())


@bp.route("/org/people/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required("officer")
def edit_person(user_id: int):
    """An officer corrects a person's data (only accounts the commune may change)."""
    obj = get_manageable_user_or_404(current_user, user_id)
    form = PersonForm(obj=obj)
    if request.method == "GET":
        form.phone.data = obj.phone.replace("+84", "0")
    if form.validate_on_submit():
        try:
            org.update_person(obj, current_user.id, full_name=form.full_name.data,
                              phone=form.phone.data, birth_year=form.birth_year.data,
                              gender=form.gender.data, occupation=form.occupation.data)
        except org.OrgError as exc:
            target = form.phone if "phone" in exc.code else form.full_name
            target.errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("org.person", user_id=obj.id))
    return render_template("org/person_edit.html", form=form, person=obj)


def _own_key() -> str:
    return f"profile:{current_user.get_id()}"


@bp.route("/org/me", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", key_func=_own_key, methods=["POST"], scope="profile")
def profile():
    """Your own profile: your teams; you may change your phone (with your password, since it
    is how you log in) and occupation."""
    form = ContactForm(obj=current_user)
    if request.method == "GET":
        form.phone.data = current_user.phone.replace("+84", "0")
        form.password.data = ""
    if form.validate_on_submit():
        try:
            new_phone = org.person_fields(phone=form.phone.data)["phone"]
            if new_phone != current_user.phone and not accounts.check_password(
                    current_user, form.password.data):
                form.password.errors.append(_("Enter your current password to change the "
                                              "phone number."))
                raise org.OrgError("password_needed")
            org.update_person(current_user, current_user.id, phone=form.phone.data,
                              occupation=form.occupation.data)
        except org.OrgError as exc:
            if exc.code != "password_needed":
                form.phone.errors.append(error_text(exc))
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("org.profile"))
    memberships = org.memberships_of(current_user)
    from lms.auth.sessions import live_sessions

    return render_template("org/profile.html", form=form, memberships=memberships,
                           confirm_form=ConfirmForm(),
                           live_sessions=len(live_sessions(current_user.id)),
                           today=org.local_today(),
                           sections=member_sections_for(current_user, current_user), **_labels())


@bp.route("/org/search")
@roles_required("leader", "officer")
def search():
    """Find people by name (diacritics and case ignored) or phone, within your scope."""
    q = request.args.get("q", "")[:100]
    people = org.search_people(user_condition(current_user, org.User.id), q) if q else []
    return render_template("org/search.html", q=q, people=people)


def _unit_error_text(exc) -> str:
    from lms.org.units import UnitError

    if isinstance(exc, UnitError) and exc.code == "already_linked":
        return _("%(name)s already has a commune (%(code)s).", name=exc.params.get("value"),
                 code=exc.params.get("commune"))
    if isinstance(exc, UnitError):
        return _("Pick a commune, ward or special zone from the official list.")
    return error_text(exc)


def _create_from_form(form: CommuneForm, province_code: int | None, is_admin: bool):
    """The commune the form asks for (official unit, or free-typed by the administrator)."""
    from lms.org import units

    if form.official_code.data:
        unit = units.unit_by_code(form.official_code.data)
        if unit is None or (province_code is not None and unit.province_code != province_code):
            raise units.UnitError("unknown_unit")
        return units.create_official_commune(unit, form.code.data or None, form.village_kind.data)
    if is_admin and (form.name.data or "").strip():
        return org.create_commune(form.code.data, form.name.data, form.province.data,
                                  form.village_kind.data)
    raise units.UnitError("unknown_unit")


@bp.route("/org/communes", methods=["GET", "POST"])
@roles_required("admin", "province")
def communes():
    """Every commune in scope, and the official list to create one from (search by name or
    code, diacritics ignored, results drawn by the server). A province officer creates only
    its own province's communes; the administrator may also type one that is not listed."""
    from lms.org import units

    is_admin = role_of(current_user) == "admin"
    province = None
    if not is_admin:
        province = db.session.get(org.Province, current_user.province_id)
        if province is None:
            abort(404)
    province_code = None if is_admin else province.official_code
    form = CommuneForm()
    if form.validate_on_submit():
        try:
            if not is_admin and province_code is None:
                raise units.UnitError("unknown_unit")
            obj = _create_from_form(form, province_code, is_admin)
        except (org.OrgError, units.UnitError) as exc:
            db.session.rollback()
            flash(_unit_error_text(exc), "error")
        else:
            db.session.commit()
            flash(_("The commune %(name)s is created.", name=obj.name), "success")
            return redirect(url_for("org.commune", commune_id=obj.id) if is_admin
                            else url_for("org.assign_officer", commune_id=obj.id))
    q = request.args.get("q", "")[:100]
    found = []
    if q and (is_admin or province_code is not None):
        results = units.search_units(q, province_code)
        linked = dict(db.session.execute(select(Commune.official_code, Commune.code).where(
            Commune.official_code.in_([u.code for u in results]))).all())
        found = [(unit, linked.get(unit.code)) for unit in results]
    rows = db.session.scalars(select(Commune).where(commune_condition(current_user, Commune.id))
                              .order_by(Commune.name)).all()
    return render_template("org/communes.html", communes=rows, form=form, q=q, found=found,
                           is_admin=is_admin, province=province)


@bp.route("/org/communes/<int:commune_id>/officers", methods=["GET", "POST"])
@roles_required("admin", "province")
def assign_officer(commune_id: int):
    """Make a person (existing or new) an officer of the commune: the administrator for any
    commune, a province officer for its own communes (a new account, or one of its officers)."""
    obj = get_commune_or_404(current_user, commune_id)
    form = OfficerForm()
    if form.validate_on_submit():
        person = accounts.find_by_phone(form.phone.data)
        password = None
        if person is not None and not can_manage_account(current_user, person):
            form.phone.errors.append(_("This phone number belongs to an account you cannot "
                                       "change. Ask the administrator."))
            person = None
        elif person is None:
            try:
                person, password = accounts.create_account(
                    full_name=form.full_name.data or "", phone=form.phone.data,
                    account_role="officer", commune_id=obj.id, actor_id=current_user.id)
            except accounts.AuthError as exc:
                (form.phone if "phone" in exc.code else form.full_name).errors.append(
                    auth_message(exc.code))
        if person is not None:
            org.assign_officer(obj, person, current_user.id)
            db.session.commit()
            if password:
                return render_slip(person, password)
            flash(_("%(name)s is now an officer of %(commune)s.", name=person.full_name,
                    commune=obj.name), "success")
            return redirect(url_for("org.assign_officer", commune_id=obj.id))
    officers = db.session.scalars(select(org.User).where(
        org.User.commune_id == obj.id, org.User.account_role == "officer")).all()
    return render_template("org/officers.html", commune=obj, form=form, officers=officers,
                           is_admin=role_of(current_user) == "admin")


from lms.org import views_members, views_roster  # noqa: E402,F401
