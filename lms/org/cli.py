"""``lms members import|export`` (the communes commands are in :mod:`lms.org.cli_communes`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.cli_helpers import commune_or_exit


@click.group("members")
def members_group() -> None:
    """Team rosters."""


@members_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("--dry-run", is_flag=True, help="Check only; write nothing.")
@click.option("--create-villages", is_flag=True, help="Create villages the file names.")
@with_appcontext
def members_import(file: Path, code: str, dry_run: bool, create_villages: bool) -> None:
    """Import a roster (.xlsx, .xls, .csv or .txt). Prints the same preview as the web page,
    in the interface language (LMS_LANGUAGE=vi|en); exits 1 when there are problems."""
    from flask_babel import gettext as _

    from lms.cli_helpers import cli_locale, echo_preview, finish_import
    from lms.org.messages import roster_file_error_text
    from lms.org.roster import RosterFileError, check_rows, read_roster
    from lms.org.roster_db import apply_rows
    from lms.org.roster_preview import build_preview, stats_text

    commune = commune_or_exit(code)
    with cli_locale():
        try:
            raw, meta = read_roster(file, file.name)
        except RosterFileError as exc:
            click.echo(roster_file_error_text(exc), err=True)
            sys.exit(1)
        preview = build_preview(commune, raw, meta, cli=True)
        click.echo(_("%(file)s: %(counts)s", file=file.name, counts=preview["counts_text"]))
        echo_preview(preview, [preview["villages"]] if preview["villages"] else [])
        if preview["state"] != "errors" and preview["villages"] and not create_villages:
            click.echo(_("Nothing was imported."), err=True)
            sys.exit(1)
        finish_import(preview, dry_run, lambda: stats_text(apply_rows(
            commune, check_rows(commune, raw), actor_id=None, create_villages=create_villages)))


@members_group.command("export")
@click.option("--commune", "code", required=True, help="Commune code, e.g. DT.")
@click.option("-o", "--output", "output", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="FILE.xlsx or FILE.csv")
@with_appcontext
def members_export(code: str, output: Path) -> None:
    """Export the roster (every membership, past ones too) to .xlsx or .csv."""
    from lms.org.roster_db import export_rows
    from lms.spreadsheets import SpreadsheetError, file_format, write_rows

    commune = commune_or_exit(code)
    try:
        fmt = file_format(output.name)
    except SpreadsheetError as exc:
        raise click.ClickException("The output file must end in .xlsx or .csv.") from exc
    headers, rows = export_rows(commune)
    write_rows(output, fmt, headers, rows, **({"title": commune.code} if fmt == "xlsx" else {}))
    click.echo(f"Wrote {len(rows)} row(s) to {output}")


from lms.org.cli_communes import communes_group  # noqa: E402

commands = [communes_group, members_group]
