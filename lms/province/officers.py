"""Officer accounts of a province's communes in bulk, from a spreadsheet.

Columns (matched by header, Vietnamese or English): commune (official code or name), full
name, phone. Every row is checked before anything is written; a commune missing from the
database is created from the official list; a phone that already belongs to an officer of the
same commune is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.normalize import InvalidValue, clean_name, normalize_phone
from lms.org import units
from lms.org.models import Commune, Province
from lms.spreadsheets import SpreadsheetError, cell_text, read_table

FIELDS = {
    "commune": ["Xã/phường", "Xã, phường", "Xã", "Phường", "Đơn vị", "Mã xã", "Commune", "Unit"],
    "full_name": ["Họ và tên", "Họ tên", "Full name", "Name"],
    "phone": ["Số điện thoại", "SĐT", "Điện thoại", "Phone"],
}
REQUIRED = ("commune", "full_name", "phone")


@dataclass
class Checked:
    """Rows ready to apply (``(row, unit, name, phone)``) and the problems found."""

    rows: list[tuple[int, units.Unit, str, str]] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


def check_file(stream, filename: str, province: Province) -> Checked:
    """Read and check every row (nothing is written)."""
    checked = Checked()
    if province.official_code is None:
        checked.problems.append({"row": None, "code": "not_official", "value": province.name})
        return checked
    try:
        columns, _headers, rows = read_table(stream, filename, FIELDS, REQUIRED)
    except SpreadsheetError as exc:
        checked.problems.append({"row": None, "code": "file", "value": exc.code})
        return checked
    seen: set[str] = set()
    for number, values in rows:
        def cell(name, values=values):
            index = columns.get(name)
            return cell_text(values[index]) if index is not None and index < len(values) else ""

        try:
            unit = units.resolve_unit(cell("commune"), province.official_code)
        except units.UnitError as exc:
            checked.problems.append({"row": number, "code": exc.code, "value": cell("commune")})
            continue
        name = clean_name(cell("full_name"))
        if not name:
            checked.problems.append({"row": number, "code": "name_required", "value": ""})
            continue
        try:
            phone = normalize_phone(cell("phone"))
        except InvalidValue:
            checked.problems.append({"row": number, "code": "bad_phone", "value": cell("phone")})
            continue
        if phone in seen:
            checked.problems.append({"row": number, "code": "duplicate_phone", "value": phone})
            continue
        seen.add(phone)
        checked.rows.append((number, unit, name, phone))
    phones = [r[3] for r in checked.rows]
    existing = {u.phone: u for u in db.session.scalars(select(User).where(User.phone.in_(phones)))}
    for number, unit, _name, phone in checked.rows:
        person = existing.get(phone)
        if person is None:
            continue
        commune = units.commune_of_unit(unit.code)
        if person.account_role != "officer" or commune is None or person.commune_id != commune.id:
            checked.problems.append({"row": number, "code": "phone_taken", "value": phone})
    return checked


def apply_rows(checked: Checked, province: Province, actor_id: int | None) -> list[tuple]:
    """Create the missing communes and the new officer accounts; returns
    ``(person, commune name, temporary password)`` for the slips."""
    from lms.auth import services as accounts
    from lms.org.services import assign_officer

    created = []
    for _number, unit, name, phone in checked.rows:
        commune = units.commune_of_unit(unit.code) or units.create_official_commune(unit)
        if db.session.scalar(select(User.id).where(User.phone == phone)):
            continue
        person, password = accounts.create_account(full_name=name, phone=phone,
                                                   account_role="officer",
                                                   commune_id=commune.id, actor_id=actor_id)
        assign_officer(commune, person, actor_id)
        created.append((person, commune.name, password))
    return created


def problem_text(problem: dict) -> str:
    """A problem of the file as a translated sentence."""
    row, value = problem.get("row"), problem.get("value")
    messages = {
        "file": _("The file cannot be read (.xlsx or .csv with the columns commune, full name "
                  "and phone)."),
        "unknown_unit": _("“%(value)s” is not a commune, ward or special zone of the province.",
                          value=value),
        "ambiguous": _("“%(value)s” names several units; use the official code.", value=value),
        "not_official": _("This province is not linked to the official list; ask the "
                          "administrator."),
        "name_required": _("The full name is missing."),
        "bad_phone": _("“%(value)s” is not a phone number.", value=value),
        "duplicate_phone": _("The phone number %(value)s appears twice.", value=value),
        "phone_taken": _("The phone number %(value)s belongs to an account you cannot change. "
                         "Ask the administrator.", value=value),
    }
    text = messages.get(problem["code"], problem["code"])
    return _("Row %(row)s: %(text)s", row=row, text=text) if row else text


def communes_of(province: Province) -> list[Commune]:
    """The province's communes, by name."""
    return list(db.session.scalars(select(Commune).where(Commune.province_id == province.id)
                                   .order_by(Commune.name)))
