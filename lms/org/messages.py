"""Translated messages for org domain errors, roster problems and labels."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.normalize import fold

ROLE_LABELS = {
    "leader": _l("Team leader"),
    "deputy": _l("Deputy leader"),
    "member": _l("Member"),
    "collaborator": _l("Collaborator"),
}
KIND_LABELS = {
    "to_dan_pho": _l("Residential group"),
    "thon": _l("Village (thôn)"),
    "ap": _l("Hamlet (ấp)"),
    "ban": _l("Village (bản)"),
    "khu_pho": _l("Quarter (khu phố)"),
}
GENDER_LABELS = {"male": _l("Male"), "female": _l("Female"), "other": _l("Other")}
COLUMN_LABELS = {
    "full_name": _l("Full name"),
    "phone": _l("Phone"),
    "birth_year": _l("Birth year"),
    "gender": _l("Gender"),
    "village": _l("Village / residential group"),
    "role": _l("Role"),
    "occupation": _l("Occupation"),
    "joined_on": _l("Joined on"),
    "left_on": _l("Left on"),
}
WARNING_LABELS = {
    "too_small": _l("Fewer members than the commune's minimum"),
    "too_large": _l("More members than the commune's maximum"),
    "no_leader": _l("No team leader"),
    "two_leaders": _l("More than one team leader"),
}
# What a kind of unit is called in a sentence ("the ward has no residential group …").
UNIT_WORDS = {"xa": _l("commune"), "phuong": _l("ward"), "dac_khu": _l("special zone")}
VILLAGE_WORDS = {
    "to_dan_pho": (_l("residential group"), _l("residential groups")),
    "thon": (_l("village (thôn)"), _l("villages (thôn)")),
    "ap": (_l("hamlet"), _l("hamlets")),
    "ban": (_l("village (bản)"), _l("villages (bản)")),
    "khu_pho": (_l("quarter"), _l("quarters")),
}
ACTION_LABELS = {
    "new": _l("new person"),
    "joins": _l("joins the team"),
    "updated": _l("updated"),
    "leaving": _l("leaving"),
    "unchanged": _l("unchanged"),
}

_PROBLEMS = {
    "name_required": lambda p: _("The full name is missing."),
    "phone_required": lambda p: _("The phone number is missing."),
    "bad_phone": lambda p: _("“%(value)s” is not a valid Vietnamese phone number.", **p),
    "duplicate_phone": lambda p: _(
        "The phone number %(value)s is already on row %(first)s for the same team.", **p),
    "bad_birth_year": lambda p: _("“%(value)s” is not a birth year.", **p),
    "unknown_gender": lambda p: _("Unknown gender “%(value)s” (use Nam, Nữ or Khác).", **p),
    "unknown_village": lambda p: _(
        "There is no village or residential group “%(value)s” in this commune.", **p),
    "unknown_role": lambda p: _(
        "Unknown role “%(value)s” (use Tổ trưởng, Tổ phó, Thành viên or Cộng tác viên).", **p),
    "bad_date": lambda p: _("“%(value)s” is not a date (use dd/mm/yyyy).", **p),
    "second_phone": lambda p: _(
        "Two phone numbers in one cell: %(first)s is used, %(value)s is not imported.", **p),
    "future_date": lambda p: _("The date %(value)s is in the future.", **p),
    "joined_required": lambda p: _("The date of joining is missing."),
    "left_before_joined": lambda p: _("The date of leaving %(value)s is before the date of joining.",
                                      **p),
    "other_commune": lambda p: _(
        "This person is already an active member in %(commune)s.", **p),
    "foreign_account": lambda p: _(
        "The phone number %(value)s belongs to an account you cannot change. Ask the "
        "administrator.", **p),
}

_ERRORS = {
    "code_required": lambda p: _("Enter the code and the name."),
    "code_taken": lambda p: _("The code %(code)s is already used.", **p),
    "bad_kind": lambda p: _("Choose a kind of village from the list."),
    "village_required": lambda p: _("Enter the name of the village."),
    "name_required": lambda p: _("Enter the full name."),
    "bad_phone": lambda p: _("This is not a valid Vietnamese phone number."),
    "phone_taken": lambda p: _("This phone number already has an account."),
    "bad_birth_year": lambda p: _("Enter a birth year between 1900 and this year."),
    "bad_gender": lambda p: _("Choose a gender from the list."),
    "bad_role": lambda p: _("Choose a role from the list."),
    "future_date": lambda p: _("The date cannot be in the future."),
    "already_member": lambda p: _("This person is already an active member of this team."),
    "already_left": lambda p: _("This membership has already ended."),
    "left_before_joined": lambda p: _("The date of leaving is before the date of joining."),
    "other_commune": lambda p: _("This person is already an active member in %(commune)s.", **p),
    "same_team": lambda p: _("Choose a different team."),
    "foreign_account": lambda p: _(
        "This phone number belongs to an account you cannot change. Ask the administrator."),
    "already_decided": lambda p: _("This proposal has already been decided."),
    "decision_required": lambda p: _("Enter the decision number."),
    "decided_before_proposed": lambda p: _("The decision date is before the proposal date."),
    "roster_problems": lambda p: _("The file has %(count)s problem(s); nothing was imported.", **p),
    "no_commune_team": lambda p: _("This commune has no commune-level team."),
}



# One line for the same problem on many rows ("Rows 2–61: the phone number is not valid").
_GROUPS = {
    "name_required": _l("the full name is missing"),
    "phone_required": _l("the phone number is missing"),
    "bad_phone": _l("the phone number is not a valid Vietnamese phone number"),
    "duplicate_phone": _l("the same phone number is on an earlier row for the same team"),
    "bad_birth_year": _l("the birth year cannot be read"),
    "unknown_gender": _l("unknown gender (use Nam, Nữ or Khác)"),
    "unknown_role": _l("unknown role (use Tổ trưởng, Tổ phó, Thành viên or Cộng tác viên)"),
    "bad_date": _l("a date cannot be read (use dd/mm/yyyy)"),
    "future_date": _l("a date is in the future"),
    "joined_required": _l("the date of joining is missing"),
    "left_before_joined": _l("the date of leaving is before the date of joining"),
    "other_commune": _l("already an active member in another commune"),
    "foreign_account": _l("the phone number belongs to an account you cannot change"),
    "second_phone": _l("two phone numbers in one cell (the first is used)"),
}


def unit_kind(commune) -> str:
    """``xa``, ``phuong`` or ``dac_khu``: the stored kind, else read from the name."""
    if commune.unit_kind:
        return commune.unit_kind
    name = fold(commune.name)
    if name.startswith("phuong"):
        return "phuong"
    if name.startswith("dac khu"):
        return "dac_khu"
    return "xa"


def unit_words(commune) -> dict[str, str]:
    """What to call the commune and its villages in a sentence: ``unit`` (phường),
    ``village`` (tổ dân phố) and ``villages`` (plural)."""
    one, many = VILLAGE_WORDS.get(commune.village_kind, VILLAGE_WORDS["to_dan_pho"])
    return {"unit": str(UNIT_WORDS[unit_kind(commune)]), "village": str(one),
            "villages": str(many)}


def problem_text(problem: dict, with_place: bool = True) -> str:
    """A roster problem as one translated sentence, with its row, the person and the column."""
    params = {k: v for k, v in problem.items() if k not in ("row", "column", "code", "name")}
    message = _PROBLEMS.get(problem["code"], lambda p: problem["code"])(params)
    if not with_place:
        return message
    column = COLUMN_LABELS.get(problem["column"], problem["column"])
    if problem.get("name"):
        return _("Row %(row)s (%(name)s), %(column)s: %(message)s", row=problem["row"],
                 name=problem["name"], column=column, message=message)
    return _("Row %(row)s, %(column)s: %(message)s", row=problem["row"], column=column,
             message=message)


def group_text(code: str, problems: list[dict]) -> str:
    """One line for the same problem on many rows, naming the first people."""
    from lms.imports_preview import people_text, rows_label

    return _("%(rows)s: %(problem)s — %(people)s.", rows=rows_label(p["row"] for p in problems),
             problem=_GROUPS.get(code, code), people=people_text([p.get("name", "")
                                                                  for p in problems]))


def error_text(exc) -> str:
    """The translated message of an :class:`~lms.org.services.OrgError`."""
    return _ERRORS.get(exc.code, lambda p: _("Something is not right. Please try again."))(
        exc.params)


def roster_file_error_text(exc) -> str:
    """The translated message of a :class:`~lms.org.roster.RosterFileError`."""
    from lms.imports_preview import file_error_text

    return file_error_text(exc, COLUMN_LABELS)
