"""``lms communes add|link|import``: communes from the official list of administrative units.

    lms communes add 13324                      # official code
    lms communes add "Phường Duy Tiên" --code DT # official name (diacritics and case ignored)
    lms communes add KB "Xã Kim Bảng" --province "Ninh Bình"   # free-typed (old form)
    lms communes link DT 13324                  # link a free-typed commune to the official list
    lms communes import --province "Ninh Bình"  # every commune of the province (idempotent)
"""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from lms.cli_helpers import commune_or_exit
from lms.extensions import db
from lms.org import units
from lms.org.services import OrgError, create_commune

_KINDS = click.Choice(["to_dan_pho", "thon", "ap", "ban", "khu_pho"])


def _unit_or_exit(text: str, province_code: int | None = None) -> units.Unit:
    try:
        return units.resolve_unit(text, province_code)
    except units.UnitError as exc:
        if exc.code == "ambiguous":
            lines = "\n".join(f"  {u.label}" for u in exc.candidates)
            raise click.ClickException(
                f"“{text}” names {len(exc.candidates)} units; give the official code:\n{lines}"
            ) from exc
        raise click.ClickException(f"“{text}” is not an official commune, ward or special "
                                   "zone name or code.") from exc


def _province_or_exit(text: str | None) -> int | None:
    if not text:
        return None
    found = units.official_province(text)
    if found is None:
        raise click.ClickException(f"“{text}” is not one of the 34 provinces.")
    return found[0]


@click.group("communes")
def communes_group() -> None:
    """Communes (xã, phường, đặc khu)."""


@communes_group.command("add")
@click.argument("unit_or_code")
@click.argument("name", required=False)
@click.option("--province", default=None,
              help="Province (limits the official look-up; with a free-typed name, created "
                   "when new).")
@click.option("--code", "short_code", default=None, help="Short code, e.g. DT.")
@click.option("--kind", default="to_dan_pho", type=_KINDS)
@with_appcontext
def communes_add(unit_or_code: str, name: str | None, province: str | None,
                 short_code: str | None, kind: str) -> None:
    """Create a commune and its commune-level team.

    With one argument (official code or name) name, kind and province come from the official
    list; with two (CODE NAME) the commune is free-typed.
    """
    try:
        if name is None:
            unit = _unit_or_exit(unit_or_code, _province_or_exit(province))
            commune = units.create_official_commune(unit, short_code, kind)
        else:
            commune = create_commune(short_code or unit_or_code, name, province, kind)
    except units.UnitError as exc:
        raise click.ClickException(
            f"{exc.params.get('value')} already has the commune {exc.params.get('commune')}."
        ) from exc
    except OrgError as exc:
        raise click.ClickException(f"{exc.code} {exc.params or ''}".strip()) from exc
    db.session.commit()
    official = f" [{commune.official_code}]" if commune.official_code else ""
    click.echo(f"Created {commune.code}: {commune.name}{official}")


@communes_group.command("link")
@click.argument("code")
@click.argument("official")
@with_appcontext
def communes_link(code: str, official: str) -> None:
    """Link an existing commune (short CODE) to an official unit (code or name)."""
    commune = commune_or_exit(code)
    unit = _unit_or_exit(official)
    try:
        units.link_commune(commune, unit)
    except units.UnitError as exc:
        raise click.ClickException(
            f"{unit.name} already has the commune {exc.params.get('commune')}.") from exc
    db.session.commit()
    click.echo(f"Linked {commune.code} to {unit.label}")


@communes_group.command("import")
@click.option("--province", required=True, help="Province name or official code.")
@with_appcontext
def communes_import(province: str) -> None:
    """Create every commune of a province from the official list (safe to run again)."""
    code = _province_or_exit(province)
    name = units.province_names()[code]
    total = sum(1 for u in units.all_units() if u.province_code == code)
    with click.progressbar(length=total, label=name, file=sys.stderr) as bar:
        stats = units.import_province(code, progress=lambda _unit: bar.update(1))
    db.session.commit()
    click.echo(f"{name}: tạo mới {stats['created']} xã/phường/đặc khu, "
               f"đã có {stats['existing']}, tổng cộng {stats['total']}.")


commands = [communes_group]
