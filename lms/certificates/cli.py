"""``lms certificates list`` and ``lms certificates print``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.certificates import batch, services
from lms.cli_helpers import commune_or_exit
from lms.courses.models import Module
from lms.extensions import db
from lms.normalize import InvalidValue, parse_date


def _date(value: str | None, name: str):
    try:
        return parse_date(value)
    except InvalidValue as exc:
        raise click.BadParameter(f"{value!r} is not a date (dd/mm/yyyy)", param_hint=name) from exc


@click.group("certificates")
def certificates_group() -> None:
    """Certificates (giấy chứng nhận)."""


@certificates_group.command("list")
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
@click.option("--status", type=click.Choice(["valid", "revoked", "replaced"]), default=None)
@with_appcontext
def list_command(code: str, fmt: str, status: str | None) -> None:
    """List a commune's certificates (serial, code, holder, kind, status)."""
    commune = commune_or_exit(code)
    stmt = services.commune_certificates(commune.id, services.Filters(status=status))
    rows = [
        {"serial": c.serial, "code": c.code, "holder": c.holder_name, "kind": c.kind,
         "status": c.status, "title": c.title_vi, "issued_on": c.issued_on.isoformat()}
        for c in db.session.scalars(stmt)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['serial']}\t{row['code']}\t{row['status']}\t{row['kind']}\t{row['holder']}")


@certificates_group.command("print")
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("--session", "session_id", type=int, default=None, help="Training session id.")
@click.option("--team", "team_id", type=int, default=None, help="Team id.")
@click.option("--module", "module_slug", default=None, help="Module slug.")
@click.option("--from", "date_from", default=None, help="Issued on or after (dd/mm/yyyy).")
@click.option("--to", "date_to", default=None, help="Issued on or before (dd/mm/yyyy).")
@click.option("--status", type=click.Choice(["valid", "revoked", "replaced"]), default=None,
              help="Default: valid certificates only.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.pdf (one print-ready PDF) or FILE.zip (one PDF per certificate).")
@with_appcontext
def print_command(code: str, session_id, team_id, module_slug, date_from, date_to, status,
                  lang: str, output: Path) -> None:
    """Print certificates in a batch: one PDF, one certificate per page, or a ZIP."""
    commune = commune_or_exit(code)
    module_id = None
    if module_slug:
        module_id = db.session.scalar(select(Module.id).where(Module.slug == module_slug))
        if module_id is None:
            raise click.ClickException(f"No module with slug {module_slug!r}.")
    filters = services.Filters(
        session_id=session_id, team_id=team_id, module_id=module_id,
        date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"), status=status,
    )
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".zip"):
        raise click.BadParameter("the output must end in .pdf or .zip", param_hint="-o")
    certs = batch.batch_certificates(commune.id, filters)
    if not certs:
        raise click.ClickException("No certificate matches these filters.")
    base_url = current_app.config["BASE_URL"]
    data = (batch.batch_zip if suffix == ".zip" else batch.batch_pdf)(certs, base_url, lang)
    output.write_bytes(data)
    click.echo(f"{len(certs)} certificate(s) → {output} ({len(data) // 1024} KB)")


commands = [certificates_group]
