"""Translated messages for org domain errors, roster problems and labels."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
    "future_date": lambda p: _("The date %(value)s is in the future.", **p),
    "joined_required": lambda p: _("The date of joining is missing."),
    "left_before_joined": lambda p: _("The date of leaving %(value)s is before the date of joining.",
                                      **p),
    "other_commune": lambda p: _(
        "This person is already an active member in %(commune)s.", **p),
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
    "already_decided": lambda p: _("This proposal has already been decided."),
    "decision_required": lambda p: _("Enter the decision number."),
    "decided_before_proposed": lambda p: _("The decision date is before the proposal date."),
    "roster_problems": lambda p: _("The file has %(count)s problem(s); nothing was imported.", **p),
    "no_commune_team": lambda p: _("This commune has no commune-level team."),
}

_FILE_ERRORS = {
    "format": lambda: _("Choose an .xlsx or .csv file."),
    "unreadable": lambda: _("This file cannot be read. Save it again as .xlsx or .csv."),
    "encoding": lambda: _("This CSV file is not UTF-8. Save it again as “CSV UTF-8”."),
    "empty": lambda: _("The file is empty."),
}


def problem_text(problem: dict, with_place: bool = True) -> str:
    """A roster problem as one translated sentence, with its row and column."""
    params = {k: v for k, v in problem.items() if k not in ("row", "column", "code")}
    message = _PROBLEMS.get(problem["code"], lambda p: problem["code"])(params)
    if not with_place:
        return message
    return _("Row %(row)s, %(column)s: %(message)s", row=problem["row"],
             column=COLUMN_LABELS.get(problem["column"], problem["column"]), message=message)


def error_text(exc) -> str:
    """The translated message of an :class:`~lms.org.services.OrgError`."""
    return _ERRORS.get(exc.code, lambda p: _("Something is not right. Please try again."))(
        exc.params)


def roster_file_error_text(exc) -> str:
    """The translated message of a :class:`~lms.org.roster.RosterFileError`."""
    if exc.code == "missing_columns":
        return _("Columns missing: %(columns)s.",
                 columns=", ".join(str(COLUMN_LABELS[c]) for c in exc.columns))
    return _FILE_ERRORS.get(exc.code, _FILE_ERRORS["unreadable"])()
