"""``lms reports make``: a periodic report as .docx or PDF."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.cli_helpers import commune_or_exit
from lms.extensions import db


@click.group("reports")
def reports_group() -> None:
    """Periodic training reports (Báo cáo kết quả tập huấn Tổ CNSCĐ)."""


@reports_group.command("make")
@click.option("--commune", "commune_code", default=None, help="Commune code, e.g. DT.")
@click.option("--province", "province_code", default=None,
              help="Province: official code (37), name, or database id.")
@click.option("--period", required=True, help="2026-11, 2026-Q4 or 2026.")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf"]), default=None,
              help="Default: from the output file's extension.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "issued", default=None, help="Date of the document (dd/mm/yyyy).")
@with_appcontext
def reports_make(commune_code, province_code, period, fmt, output: Path, issued) -> None:
    """Write the report of a commune or a province for a period."""
    from lms.normalize import InvalidValue, parse_date
    from lms.org.models import Province
    from lms.org.units import official_province
    from lms.reports import services as rep
    from lms.timeutil import local_today

    if bool(commune_code) == bool(province_code):
        raise click.UsageError("Give either --commune or --province.")
    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in ("docx", "pdf"):
        raise click.UsageError("Use --format docx|pdf or an output ending in .docx or .pdf.")
    try:
        per = rep.period_or_error(period)
        day = parse_date(issued) if issued else local_today()
    except (rep.ReportError, InvalidValue) as exc:
        raise click.UsageError(f"Bad period or date: {period} {issued or ''}".strip()) from exc
    if commune_code:
        commune = commune_or_exit(commune_code)
        doc = rep.commune_document(commune, per, day, rep.report_for(per, commune=commune))
    else:
        found = official_province(province_code)
        province = None
        if found:
            province = db.session.scalar(select(Province).where(
                (Province.official_code == found[0]) | (Province.name == found[1])))
        if province is None and province_code.isdigit():
            province = db.session.get(Province, int(province_code))
        if province is None:
            raise click.ClickException(f"No province {province_code!r} in the database.")
        doc = rep.province_document(province, per, day, rep.report_for(per, province=province))
    output.write_bytes(rep.render(doc, fmt))
    click.echo(f"Wrote {output}")


commands = [reports_group]
