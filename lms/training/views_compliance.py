"""Compliance screens: the officer's dashboard, a team's view, downloads, reminders, the rule
and the training-history import."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms import imports
from lms.auth.permissions import get_team_or_404, led_team_ids, role_of, roles_required
from lms.extensions import db
from lms.imports import ImportBatch
from lms.nav import home_section, nav_item
from lms.normalize import InvalidValue, display_phone, parse_date
from lms.org.models import Commune
from lms.timeutil import local_today
from lms.training import bp, compliance, reports, rules, summaries
from lms.training import reminders as reminders_mod
from lms.training.access import phone_visible_ids
from lms.training.forms import ConfirmForm, ImportForm, RuleForm
from lms.training.messages import error_text
from lms.training.models import ComplianceRule
from lms.training.services import TrainingError

nav_item("training.compliance_dashboard", _l("Training check"), roles=("leader", "officer"),
         order=42)

SORTS = ("name", "share", "-share", "missing")


def _year() -> int:
    try:
        year = int(request.args.get("year", local_today().year))
    except ValueError:
        year = local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def _as_of(year: int):
    raw = request.args.get("as_of")
    if raw:
        try:
            return parse_date(raw)
        except InvalidValue:
            flash(_("Enter a date as dd/mm/yyyy."), "error")
    return compliance.default_as_of(year)


def _commune() -> Commune:
    """The officer's commune; admins pick one with ``?commune=CODE``."""
    if role_of(current_user) == "admin":
        code = request.args.get("commune")
        if code:
            try:
                return compliance.commune_by_code(code)
            except compliance.ComplianceError:
                abort(404)
        commune = db.session.scalars(select(Commune).order_by(Commune.code)).first()
        if commune is None:
            abort(404)
        return commune
    if role_of(current_user) != "officer" or not current_user.commune_id:
        abort(404)
    return db.session.get(Commune, current_user.commune_id)


def _report(commune: Commune, year: int):
    """The commune's report with the phones the actor may not see blanked (one more query)."""
    report = compliance.commune_report(commune, year, _as_of(year))
    people = [p for row in report.teams for p in (*row.missing, *row.new_people)]
    visible = phone_visible_ids(current_user, [p.user_id for p in people])
    for person in people:
        if person.user_id not in visible:
            person.phone = ""
    return report


def _sorted(teams, sort: str):
    if sort == "share":
        return sorted(teams, key=lambda t: (t.share is None, t.share or 0, t.team))
    if sort == "-share":
        return sorted(teams, key=lambda t: (t.share is None, -(t.share or 0), t.team))
    if sort == "missing":
        return sorted(teams, key=lambda t: (-len(t.missing), t.team))
    return teams


@bp.route("/compliance")
@login_required
def compliance_dashboard():
    """Officer: the commune's figure, per-team table, missing and new people."""
    if role_of(current_user) == "leader":
        teams = sorted(led_team_ids(current_user))
        if not teams:
            abort(404)
        return redirect(url_for("training.compliance_team", team_id=teams[0], **request.args))
    commune = _commune()
    year = _year()
    report = _report(commune, year)
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    return render_template("training/compliance.html", report=report, year=year, sort=sort,
                           teams=_sorted(report.teams, sort),
                           # JSON stays available to the CLI (lms compliance report).
                           formats=[f for f in reports.FORMATS if f != "json"],
                           commune=commune, is_admin=role_of(current_user) == "admin")


@bp.route("/compliance/teams/<int:team_id>")
@login_required
def compliance_team(team_id: int):
    """A team's status (its leader or the commune's officer)."""
    team = get_team_or_404(current_user, team_id)
    year = _year()
    report = _report(team.commune, year)
    row = next((t for t in report.teams if t.team_id == team.id), None)
    if row is None:
        abort(404)
    from lms.training.report_people import people_rows

    people = [p for p in people_rows(team.commune, year, report.as_of)
              if team.id in (p.team_ids or [])]
    visible = phone_visible_ids(current_user, [p.user_id for p in people])
    for person in people:
        if person.user_id not in visible:
            person.phone = ""
    return render_template("training/compliance_team.html", report=report, row=row, team=team,
                           year=year, people=people)


@bp.route("/compliance/report.<fmt>")
@roles_required("officer")
def compliance_download(fmt: str):
    """The report as json, csv, xlsx or pdf."""
    if fmt not in reports.FORMATS:
        abort(404)
    commune = _commune()
    year = _year()
    report = _report(commune, year)
    data = reports.render(report, fmt,
                          phone_filter=lambda ids: phone_visible_ids(current_user, ids))
    return Response(data, mimetype=reports.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{reports.filename(report, fmt)}"'})


def _reminder_people(report, team_id: int | None):
    """The missing people of one team (or the commune), each once with the team they are
    counted in first: ``(rows, [(person, team_row)])``."""
    rows = [t for t in report.teams if team_id is None or t.team_id == team_id]
    seen, people = set(), []
    for row in rows:
        for person in row.missing:
            if person.user_id not in seen:
                seen.add(person.user_id)
                people.append((person, row))
    return rows, people


def _reminder_scope():
    year = _year()
    team_id = request.args.get("team", type=int)
    if team_id:
        team = get_team_or_404(current_user, team_id)
        commune = team.commune
    else:
        team = None
        if role_of(current_user) == "leader":
            led = sorted(led_team_ids(current_user))
            if not led:
                abort(404)
            return redirect(url_for("training.reminders", team=led[0], year=year))
        commune = _commune()
    report = _report(commune, year)
    return year, team, report


def _team_choices(report) -> list:
    """The teams offered by the picker: the officer's commune, or the leader's own teams."""
    if role_of(current_user) == "leader":
        led = led_team_ids(current_user)
        return [t for t in report.teams if t.team_id in led]
    return report.teams


@bp.route("/compliance/reminders")
@roles_required("leader", "officer")
def reminders():
    """A message for a team's Zalo group (or the commune's group of team leaders) and a CSV
    for bulk SMS; a team picker."""
    scope = _reminder_scope()
    if not isinstance(scope, tuple):
        return scope
    year, team, report = scope
    rows, people = _reminder_people(report, team.id if team else None)
    if team is not None:
        upcoming = reminders_mod.next_session([team.id])
        text = reminders_mod.team_text(year, team.name, [p.name for p, _r in people], upcoming)
    else:
        upcoming = reminders_mod.next_session(reminders_mod.commune_team_ids(report.commune.id))
        by_team = [(r.team, [p.name for p in r.missing]) for r in rows if r.missing]
        text = reminders_mod.commune_text(year, report.commune.name, by_team, upcoming)
    return render_template("training/reminders.html", year=year, team=team,
                           people=[p for p, _r in people], text=text, report=report,
                           upcoming=upcoming, teams=_team_choices(report),
                           teams_missing=sum(1 for r in rows if r.missing))


@bp.route("/compliance/reminders.csv")
@roles_required("leader", "officer")
def reminders_csv():
    """phone, name, message, message without diacritics and its length, for bulk SMS
    (formula-safe); each message names the next session inviting the person's team."""
    from lms.auth.models import User
    from lms.spreadsheets import write_csv

    scope = _reminder_scope()
    if not isinstance(scope, tuple):
        return scope
    year, team, report = scope
    _rows, people = _reminder_people(report, team.id if team else None)
    # Only people whose phone the actor may see (an SMS needs the number).
    people = [(p, r) for p, r in people if p.phone]
    upcoming = reminders_mod.upcoming_by_team({r.team_id for _p, r in people})
    facts = dict((uid, (by, g)) for uid, by, g in db.session.execute(
        select(User.id, User.birth_year, User.gender).where(
            User.id.in_([p.user_id for p, _r in people]))).all()) if people else {}
    lines = []
    for person, row in people:
        you = reminders_mod.pronoun(*facts.get(person.user_id, (None, None)), year)
        session = upcoming.get(row.team_id)
        short = reminders_mod.sms_plain(year, person.name, you, session)
        lines.append([display_phone(person.phone).replace(" ", ""), person.name,
                      reminders_mod.sms_text(year, person.name, you, session), short,
                      len(short)])
    buffer = io.BytesIO()
    write_csv(buffer, ["phone", "name", "message", "message_plain", "plain_length"], lines)
    name = f"nhac-tap-huan-{report.commune.code}-{year}" + (f"-to-{team.id}" if team else "")
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.route("/compliance/rule", methods=["GET", "POST"])
@roles_required("officer")
def rule():
    """The commune's rule for a year."""
    commune = _commune()
    year = _year()
    obj = db.session.scalars(select(ComplianceRule).where(
        ComplianceRule.commune_id == commune.id, ComplianceRule.year == year)).first()
    form = RuleForm(obj=obj)
    if request.method == "GET" and obj is not None:
        form.deadline.data = obj.deadline.strftime("%d/%m/%Y") if obj.deadline else ""
    if form.validate_on_submit():
        try:
            deadline = parse_date(form.deadline.data)
        except InvalidValue:
            form.deadline.errors.append(_("Enter a date as dd/mm/yyyy."))
        else:
            data = rules.RuleData(
                required_count=form.required_count.data,
                online_path_counts=bool(form.online_path_counts.data),
                path_slug=form.path_slug.data, deadline=deadline,
                grace_days=form.grace_days.data if form.grace_days.data is not None else 60)
            try:
                rules.save_rule(current_user, commune, year, data)
            except TrainingError as exc:
                db.session.rollback()
                form.required_count.errors.append(error_text(exc))
            else:
                db.session.commit()
                flash(_("The rule for %(year)s is saved.", year=year), "success")
                params = {"year": year}
                if role_of(current_user) == "admin":
                    params["commune"] = commune.code
                return redirect(url_for("training.compliance_dashboard", **params))
    return render_template("training/rule.html", form=form, year=year, commune=commune)


@bp.route("/training/import", methods=["GET", "POST"])
@roles_required("officer")
def import_history():
    """Upload a training-history sheet: preview with every problem, nothing written yet."""
    from lms.training import importer
    from lms.training.import_preview import build_preview
    from lms.training.messages import file_error_text

    commune = _commune()
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            raw, meta = importer.read_file(upload, upload.filename)
        except importer.ImportFileError as exc:
            form.file.errors.append(file_error_text(exc))
        else:
            checked = importer.check_rows(commune, raw)
            imp = importer.save_preview(commune, raw, checked, filename=upload.filename,
                                        actor_id=current_user.id, meta=meta)
            db.session.commit()
            return render_template("training/import_preview.html", imp=imp,
                                   p=build_preview(commune, raw, meta), confirm=ConfirmForm())
    return render_template("training/import.html", form=form, commune=commune)


@bp.route("/training/import/template.xlsx")
@roles_required("officer")
def import_template():
    """The training-history template: headers, drop-down lists, an example, instructions."""
    from lms.training.import_template import template_bytes

    return Response(template_bytes(), headers={
        "Content-Disposition": 'attachment; filename="mau-lich-su-tap-huan.xlsx"'},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/training/import/<token>", methods=["POST"])
@roles_required("officer")
def import_confirm(token: str):
    """Apply a previewed import, all or nothing."""
    from lms.training import importer

    commune = _commune()
    imp = db.session.scalars(select(ImportBatch).where(
        ImportBatch.kind == "attendance", ImportBatch.token == token,
        ImportBatch.commune_id == commune.id)).first()
    if imp is None or not ConfirmForm().validate_on_submit():
        abort(404)
    try:
        stats = importer.confirm_import(imp, actor=current_user)
    except imports.ImportExpired as exc:
        db.session.rollback()
        flash(imports.expired_text(exc.hours), "error")
        return redirect(url_for("training.import_history"))
    except ValueError:
        db.session.rollback()
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for("training.import_history"))
    db.session.commit()
    from lms.training.import_template import stats_text

    flash(stats_text(stats), "success")
    return redirect(url_for("training.sessions"))


@home_section(roles=("officer",), order=30)
def home_officer(user, role):
    """The commune's figure for this year on the officer's home page."""
    if not user.commune_id:
        return None
    commune = db.session.get(Commune, user.commune_id)
    year = local_today().year
    report = compliance.commune_report(commune, year)
    return render_template("training/_home_officer.html", report=report, year=year)


@home_section(roles=("admin",), order=30)
def home_admin(user, role):
    """Every commune's figure for this year on the administrator's home page (one pass)."""
    if role != "admin":
        return None
    year = local_today().year
    rows = summaries.commune_summaries(year)
    return render_template("training/_home_admin.html", rows=rows, year=year,
                           totals=summaries.summary_totals(rows))
