"""``lms attendance import`` and ``lms compliance report``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.cli_helpers import commune_or_exit
from lms.extensions import db
from lms.normalize import InvalidValue, parse_date


@click.group("attendance")
def attendance_group() -> None:
    """Training attendance."""


@attendance_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@with_appcontext
def attendance_import(file: Path, code: str, dry_run: bool) -> None:
    """Import training history (.xlsx, .xls, .csv or .txt). Prints the same preview as the
    web page, in the interface language (LMS_LANGUAGE=vi|en); exits 1 on errors."""
    from lms.cli_helpers import cli_locale, echo_preview, finish_import
    from lms.training.import_preview import build_preview
    from lms.training.import_template import stats_text
    from lms.training.importer import ImportFileError, apply_rows, check_rows, read_file
    from lms.training.messages import file_error_text

    commune = commune_or_exit(code)
    with cli_locale():
        try:
            raw, meta = read_file(file, file.name)
        except ImportFileError as exc:
            click.echo(file_error_text(exc), err=True)
            sys.exit(1)
        preview = build_preview(commune, raw, meta)
        echo_preview(preview, [f"{s['date']:%d/%m/%Y} {s['title']}: {s['status_text']}"
                               for s in preview["sessions"]])
        finish_import(preview, dry_run, lambda: stats_text(apply_rows(
            commune, check_rows(commune, raw), actor=None)))


@attendance_group.command("close-due")
@with_appcontext
def attendance_close_due() -> None:
    """Close the attendance of every session past its end plus the commune's grace (cron,
    e.g. every 15 minutes); certificates of attendance are issued then."""
    from flask_babel import ngettext

    from lms.cli_helpers import cli_locale
    from lms.training.closing import close_due

    closed = close_due()
    db.session.commit()
    for session in closed:
        click.echo(f"{session.id}\t{session.date.isoformat()}\t{session.title}")
    with cli_locale():
        click.echo(ngettext("Attendance closed for %(num)d session.",
                            "Attendance closed for %(num)d sessions.", len(closed)), err=True)


@click.group("compliance")
def compliance_group() -> None:
    """The annual training requirement."""


@compliance_group.command("report")
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("--year", type=int, required=True)
@click.option("--as-of", "as_of", default=None, help="dd/mm/yyyy or yyyy-mm-dd (default: today "
              "for the current year, 31/12 for past years).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]),
              default="json", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: standard output).")
@with_appcontext
def compliance_report(code: str, year: int, as_of: str | None, fmt: str,
                      output: Path | None) -> None:
    """The annual compliance report of a commune."""
    from lms.training.compliance import ComplianceError, commune_report
    from lms.training.reports import render

    commune = commune_or_exit(code)
    try:
        day = parse_date(as_of) if as_of else None
    except InvalidValue as exc:
        raise click.BadParameter(f"not a date: {as_of!r}", param_hint="--as-of") from exc
    try:
        report = commune_report(commune, year, day)
    except ComplianceError as exc:
        raise click.BadParameter(f"bad year: {year}", param_hint="--year") from exc
    data = render(report, fmt)
    if output:
        output.write_bytes(data)
        click.echo(f"Wrote {output} ({len(data)} bytes).", err=True)
    elif fmt in ("json", "csv"):
        click.echo(data.decode("utf-8").lstrip("\ufeff"), nl=fmt == "json")
    else:
        if sys.stdout.isatty():
            raise click.UsageError(f"Use -o FILE for the {fmt} format.")
        sys.stdout.buffer.write(data)


commands = [attendance_group, compliance_group]
