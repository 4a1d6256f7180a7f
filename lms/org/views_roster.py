"""Roster import (upload → preview with every problem → confirm) and export."""

from __future__ import annotations

import io

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import imports
from lms.auth.permissions import commune_condition, get_commune_or_404, load_or_404, roles_required
from lms.extensions import db
from lms.imports import ImportBatch
from lms.org import bp
from lms.org.forms import ConfirmImportForm, ImportForm
from lms.org.messages import error_text, roster_file_error_text, unit_words
from lms.org.models import Commune
from lms.org.roster import RosterFileError, check_rows, read_roster
from lms.org.roster_db import confirm_import, export_rows, save_preview
from lms.org.roster_preview import build_preview, stats_text
from lms.org.roster_template import template_bytes
from lms.org.services import OrgError
from lms.spreadsheets import write_rows

MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@bp.route("/org/communes/<int:commune_id>/import", methods=["GET", "POST"])
@roles_required("officer")
def import_roster(commune_id: int):
    """Upload a roster; the preview lists every problem and nothing is written yet."""
    commune = get_commune_or_404(current_user, commune_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            raw, meta = read_roster(upload, upload.filename)
        except RosterFileError as exc:
            form.file.errors.append(roster_file_error_text(exc))
        else:
            checked = check_rows(commune, raw)
            imp = save_preview(commune, raw, checked, filename=upload.filename or "",
                               actor_id=current_user.id, meta=meta)
            db.session.commit()
            return redirect(url_for("org.import_preview", token=imp.token))
    return render_template("org/import.html", form=form, commune=commune)


def _import_or_404(token: str) -> ImportBatch:
    return load_or_404(select(ImportBatch).join(Commune).where(
        ImportBatch.kind == "roster", ImportBatch.token == token,
        commune_condition(current_user, Commune.id)))


@bp.route("/org/imports/<token>", methods=["GET", "POST"])
@roles_required("officer")
def import_preview(token: str):
    """The preview: every problem by row and column; confirm writes all or nothing."""
    imp = _import_or_404(token)
    commune = db.session.get(Commune, imp.commune_id)
    if imp.status == "applied":
        return render_template("org/import_done.html", imp=imp, commune=commune,
                               stats=imp.result or {}, summary=stats_text(imp.result or {}))
    if imports.is_expired(imp):
        flash(imports.expired_text(), "error")
        return redirect(url_for("org.import_roster", commune_id=commune.id))
    preview = build_preview(commune, imp.rows, imp.meta)
    form = ConfirmImportForm()
    if form.validate_on_submit():
        if preview["state"] != "ready":
            flash(_("The file has problems; nothing was imported."), "error")
            return redirect(url_for("org.import_preview", token=imp.token))
        try:
            stats = confirm_import(imp, actor_id=current_user.id,
                                   create_villages=form.create_villages.data == "y")
        except imports.ImportExpired:
            db.session.rollback()
            flash(imports.expired_text(), "error")
            return redirect(url_for("org.import_roster", commune_id=commune.id))
        except OrgError as exc:
            db.session.rollback()
            flash(error_text(exc), "error")
        else:
            db.session.commit()
            flash(_("The roster is imported."), "success")
            return render_template("org/import_done.html", imp=imp, commune=commune,
                                   stats=stats, summary=stats_text(stats))
    return render_template("org/import_preview.html", imp=imp, commune=commune, form=form,
                           p=preview, words=unit_words(commune))


@bp.route("/org/communes/<int:commune_id>/import/template.xlsx")
@roles_required("officer")
def roster_template(commune_id: int):
    """The roster template: headers, drop-down lists, one example row, instructions."""
    commune = get_commune_or_404(current_user, commune_id)
    data = template_bytes(commune)
    return Response(data, mimetype=MIMETYPES["xlsx"], headers={
        "Content-Disposition": f'attachment; filename="mau-danh-sach-{commune.code}.xlsx"'})


@bp.route("/org/communes/<int:commune_id>/roster.<fmt>")
@roles_required("officer")
def export_roster(commune_id: int, fmt: str):
    """Download the roster as .xlsx or .csv (safe against formula injection)."""
    commune = get_commune_or_404(current_user, commune_id)
    if fmt not in MIMETYPES:
        return redirect(url_for("org.commune", commune_id=commune.id))
    headers, rows = export_rows(commune)
    stream = io.BytesIO()
    write_rows(stream, fmt, headers, rows, **({"title": commune.code} if fmt == "xlsx" else {}))
    filename = f"roster-{commune.code}.{fmt}"
    return Response(stream.getvalue(), mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
