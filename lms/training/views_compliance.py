"""Compliance screens: the officer's dashboard, a team's view, downloads, reminders, the rule
and the training-history import."""

from __future__ import annotations

import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.permissions import get_team_or_404, led_team_ids, role_of, roles_required
from lms.extensions import db
from lms.imports import ImportBatch
from lms.nav import home_section, nav_item
from lms.normalize import InvalidValue, display_phone, parse_date
from lms.org.models import Commune
from lms.timeutil import local_today
from lms.training import bp, compliance, reports, summaries
from lms.training.forms import ConfirmForm, ImportForm, RuleForm
from lms.training.models import ComplianceRule, TrainingSession

nav_item("training.compliance", _l("Annual training check"), roles=("leader", "officer"),
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
    report = compliance.commune_report(commune, year, _as_of(year))
    sort = request.args.get("sort", "name")
    sort = sort if sort in SORTS else "name"
    return render_template("training/compliance.html", report=report, year=year, sort=sort,
                           teams=_sorted(report.teams, sort), formats=reports.FORMATS,
                           commune=commune, is_admin=role_of(current_user) == "admin")


@bp.route("/compliance/teams/<int:team_id>")
@login_required
def compliance_team(team_id: int):
    """A team's status (its leader or the commune's officer)."""
    team = get_team_or_404(current_user, team_id)
    year = _year()
    report = compliance.commune_report(team.commune, year, _as_of(year))
    row = next((t for t in report.teams if t.team_id == team.id), None)
    if row is None:
        abort(404)
    return render_template("training/compliance_team.html", report=report, row=row, team=team,
                           year=year)


@bp.route("/compliance/report.<fmt>")
@roles_required("officer")
def compliance_download(fmt: str):
    """The report as json, csv, xlsx or pdf."""
    if fmt not in reports.FORMATS:
        abort(404)
    commune = _commune()
    year = _year()
    report = compliance.commune_report(commune, year, _as_of(year))
    return Response(reports.render(report, fmt), mimetype=reports.MIMETYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{reports.filename(report, fmt)}"'})


def _reminder_people(report, team_id: int | None):
    rows = [t for t in report.teams if team_id is None or t.team_id == team_id]
    seen, people = set(), []
    for row in rows:
        for person in row.missing:
            if person.user_id not in seen:
                seen.add(person.user_id)
                people.append(person)
    return rows, people


def next_session(commune_id: int) -> TrainingSession | None:
    """The commune's next training session that is not cancelled (today or later)."""
    return db.session.scalars(
        select(TrainingSession)
        .where(TrainingSession.commune_id == commune_id,
               TrainingSession.cancelled_at.is_(None),
               TrainingSession.date >= local_today())
        .order_by(TrainingSession.date, TrainingSession.start_time)
    ).first()


def _session_phrase(session: TrainingSession | None) -> str:
    if session is None:
        return "Đề nghị các anh/chị theo dõi lịch tập huấn trên ứng dụng học tập và đăng ký lớp gần nhất."
    when = f"ngày {session.date.strftime('%d/%m/%Y')}"
    if session.start_time:
        when = f"{session.start_time.strftime('%H:%M')} {when}"
    place = f" tại {session.place}" if session.place else ""
    return f"Lớp gần nhất: “{session.title}”, {when}{place}. Đề nghị các anh/chị sắp xếp tham gia."


def reminder_text(year: int, names: list[str], team: str | None,
                  session: TrainingSession | None = None) -> str:
    """The ready-to-paste Zalo message (Vietnamese, the office's language)."""
    who = ", ".join(names)
    group = team or "Tổ công nghệ số cộng đồng"
    return (f"Kính gửi các thành viên {group}: theo kế hoạch năm {year}, mỗi thành viên cần "
            f"tham gia ít nhất 01 lớp tập huấn trong năm. Các thành viên sau chưa tham gia lớp "
            f"tập huấn nào: {who}. {_session_phrase(session)} Trân trọng cảm ơn!")


def sms_text(year: int, name: str, session: TrainingSession | None = None) -> str:
    """One person's SMS reminder (Vietnamese)."""
    return (f"Kính gửi {name}: năm {year} anh/chị chưa tham gia lớp tập huấn của Tổ công nghệ "
            f"số cộng đồng. {_session_phrase(session)} Trân trọng.")


def _reminder_scope():
    year = _year()
    team_id = request.args.get("team", type=int)
    if team_id:
        team = get_team_or_404(current_user, team_id)
        commune = team.commune
    else:
        team = None
        if role_of(current_user) == "leader":
            abort(404)
        commune = _commune()
    report = compliance.commune_report(commune, year, _as_of(year))
    return year, team, report


@bp.route("/compliance/reminders")
@roles_required("leader", "officer")
def reminders():
    """A message for the team's Zalo group and a CSV for bulk SMS."""
    year, team, report = _reminder_scope()
    _rows, people = _reminder_people(report, team.id if team else None)
    text = reminder_text(year, [p.name for p in people], team.name if team else None,
                         next_session(report.commune.id))
    return render_template("training/reminders.html", year=year, team=team, people=people,
                           text=text, report=report)


@bp.route("/compliance/reminders.csv")
@roles_required("leader", "officer")
def reminders_csv():
    """phone, name, message for bulk SMS (formula-safe)."""
    from lms.spreadsheets import write_csv

    year, team, report = _reminder_scope()
    _rows, people = _reminder_people(report, team.id if team else None)
    upcoming = next_session(report.commune.id)
    buffer = io.BytesIO()
    write_csv(buffer, ["phone", "name", "message"],
              [[display_phone(p.phone).replace(" ", ""), p.name, sms_text(year, p.name, upcoming)]
               for p in people])
    return Response(buffer.getvalue(), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="nhac-tap-huan-{year}.csv"'})


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
            if obj is None:
                obj = ComplianceRule(commune_id=commune.id, year=year)
                db.session.add(obj)
            obj.required_count = form.required_count.data
            obj.online_path_counts = bool(form.online_path_counts.data)
            obj.path_slug = (form.path_slug.data or "").strip() or compliance.DEFAULT_PATH_SLUG
            obj.deadline = deadline
            obj.grace_days = form.grace_days.data if form.grace_days.data is not None else 60
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
    from lms.training.messages import file_error_text, problem_text

    commune = _commune()
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            raw = importer.read_file(upload, upload.filename)
        except importer.ImportFileError as exc:
            form.file.errors.append(file_error_text(exc))
        else:
            checked = importer.check_rows(commune, raw)
            imp = importer.save_preview(commune, raw, checked, filename=upload.filename,
                                        actor_id=current_user.id)
            db.session.commit()
            return render_template(
                "training/import_preview.html", imp=imp, checked=checked,
                blocking=checked.blocking(), problems=[
                    (p, problem_text(p), p in checked.blocking()) for p in checked.problems],
                confirm=ConfirmForm())
    return render_template("training/import.html", form=form, commune=commune)


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
    except ValueError:
        db.session.rollback()
        flash(_("The file has problems; nothing was imported."), "error")
        return redirect(url_for("training.import_history"))
    db.session.commit()
    flash(_("Imported: %(s)s new sessions, %(m)s attendances recorded, %(u)s unchanged.",
            s=stats.get("sessions_created", 0), m=stats.get("marked", 0),
            u=stats.get("unchanged", 0)), "success")
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
