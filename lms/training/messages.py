"""Translated messages and labels of the training package."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "excused": _l("Excused"),
    "absent": _l("Absent"),
}
MODE_LABELS = {
    "in_person": _l("In person"),
    "online": _l("Online"),
    "hybrid": _l("In person and online"),
}
METHOD_LABELS = {
    "manual": _l("marked"),
    "qr": _l("QR check-in"),
    "on_behalf": _l("checked in by the leader"),
    "import": _l("imported"),
}
COLUMN_LABELS = {
    "date": _l("Date"),
    "session_title": _l("Session title"),
    "mode": _l("Mode"),
    "phone": _l("Phone"),
    "full_name": _l("Full name"),
    "status": _l("Status"),
}

_ERRORS = {
    "bad_code": lambda p: _("This check-in code is not valid. Scan the code on the screen again."),
    "expired": lambda p: _("This check-in code has expired. Scan the new code on the screen."),
    "other_session": lambda p: _("This code belongs to another training session."),
    "not_found": lambda p: _("This training session does not exist."),
    "cancelled": lambda p: _("This training session was cancelled."),
    "too_early": lambda p: _("Check-in has not opened yet: it opens 30 minutes before the start."),
    "closed": lambda p: _("Check-in for this session is closed: the session has ended."),
    "no_membership": lambda p: _("Only members of a community digital technology team can check in."),
    "not_allowed": lambda p: _("You may not mark attendance for this person."),
    "bad_status": lambda p: _("Choose a status from the list."),
    "title_required": lambda p: _("Enter the session title."),
    "bad_mode": lambda p: _("Choose a mode from the list."),
    "end_before_start": lambda p: _("The end time must be after the start time."),
    "bad_capacity": lambda p: _("The capacity must be a positive number."),
    "bad_link": lambda p: _("The meeting link must start with https://."),
    "reason_required": lambda p: _("Enter the reason for cancelling."),
    "unknown_commune": lambda p: _("No commune with the code(s) %(codes)s.",
                                   codes=p.get("codes", "")),
    "no_teams": lambda p: _("Invite at least one team."),
}

_PROBLEMS = {
    "bad_date": lambda p: _("The date %(value)s is not a valid date (dd/mm/yyyy).", value=p["value"]),
    "future_date": lambda p: _("The date %(value)s is in the future.", value=p["value"]),
    "title_required": lambda p: _("The session title is missing."),
    "unknown_mode": lambda p: _("Unknown mode %(value)s.", value=p["value"]),
    "unknown_status": lambda p: _(
        "Unknown status %(value)s (use Có mặt, Đến muộn, Vắng có phép or Vắng).", value=p["value"]),
    "bad_phone": lambda p: _("%(value)s is not a valid phone number.", value=p["value"]),
    "unknown_phone": lambda p: _("Nobody has the phone number %(value)s.", value=p["value"]),
    "name_mismatch": lambda p: _(
        "The name %(value)s does not match the name registered for this phone number.",
        value=p["value"]),
    "conflicting_rows": lambda p: _(
        "Another status for the same person and session is given in row %(value)s.",
        value=p["value"]),
}

_FILE_ERRORS = {
    "format": lambda e: _("Upload an .xlsx or .csv file."),
    "unreadable": lambda e: _("The file cannot be read. Save it again as .xlsx or .csv."),
    "encoding": lambda e: _("The CSV file is not UTF-8. Save it as 'CSV UTF-8'."),
    "empty": lambda e: _("The file is empty."),
    "missing_columns": lambda e: _("Columns missing: %(columns)s.", columns=", ".join(
        str(COLUMN_LABELS.get(c, c)) for c in e.columns)),
}


def error_text(exc) -> str:
    """The translated message for a :class:`TrainingError`."""
    func = _ERRORS.get(exc.code)
    return func(getattr(exc, "params", {})) if func else _("Something is not right. Please try again.")


def problem_text(problem: dict, with_place: bool = True) -> str:
    """A translated import problem, prefixed with its row and column."""
    text = _PROBLEMS.get(problem["code"], lambda p: problem["code"])(problem)
    if not with_place:
        return text
    column = COLUMN_LABELS.get(problem.get("column"), problem.get("column", ""))
    return _("Row %(row)s, %(column)s: %(text)s", row=problem["row"], column=column, text=text)


def file_error_text(exc) -> str:
    """The translated message for an :class:`ImportFileError`."""
    return _FILE_ERRORS.get(exc.code, lambda e: _("The file cannot be read."))(exc)
