"""``lms communes add`` and ``lms members import|export``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.cli_helpers import commune_or_exit
from lms.extensions import db
from lms.org.services import OrgError, create_commune


@click.group("communes")
def communes_group() -> None:
    """Communes (xã, phường)."""


@communes_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--province", default=None, help="Province name (created when new).")
@click.option("--kind", default="to_dan_pho",
              type=click.Choice(["to_dan_pho", "thon", "ap", "ban", "khu_pho"]))
@with_appcontext
def communes_add(code: str, name: str, province: str | None, kind: str) -> None:
    """Create a commune and its commune-level team."""
    try:
        commune = create_commune(code, name, province, kind)
    except OrgError as exc:
        raise click.ClickException(f"{exc.code} {exc.params or ''}".strip()) from exc
    db.session.commit()
    click.echo(f"Created {commune.code}: {commune.name}")


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
    """Import a roster (.xlsx or .csv). Prints every problem; exits 1 when there are any."""
    from lms.org.messages import problem_text, roster_file_error_text
    from lms.org.roster import RosterFileError, check_rows, open_roster, raw_rows
    from lms.org.roster_db import apply_rows

    commune = commune_or_exit(code)
    try:
        columns, _headers, rows = open_roster(file, file.name)
        with click.progressbar(rows, label="Reading", file=sys.stderr) as bar:
            raw = raw_rows(columns, bar)
    except RosterFileError as exc:
        click.echo(roster_file_error_text(exc), err=True)
        sys.exit(1)
    checked = check_rows(commune, raw)
    blocking = checked.blocking(create_villages)
    for problem in checked.problems:
        fixable = create_villages and problem["code"] == "unknown_village"
        click.echo(("note: " if fixable else "") + problem_text(problem), err=True)
    if blocking:
        click.echo(f"{len(blocking)} problem(s); nothing was imported.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"{len(checked.rows)} row(s) checked, no problems (dry run: nothing written).")
        return
    try:
        stats = apply_rows(commune, checked, actor_id=None, create_villages=create_villages)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    click.echo(", ".join(f"{key}: {value}" for key, value in stats.items()))


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


commands = [communes_group, members_group]
