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
# Short labels of the four-state control on the attendance sheet (one line at 360 px).
SHORT_STATUS_LABELS = {
    "present": _l("Present"),
    "late": _l("Came late"),
    "excused": _l("On leave"),
    "absent": _l("Absent"),
}
METHOD_LABELS = {
    "manual": _l("marked"),
    "qr": _l("QR check-in"),
    "code": _l("typed check-in code"),
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
    "own_attendance": lambda p: _(
        "You cannot mark your own attendance: check in with the session's QR code."),
    "not_open": lambda p: _(
        "Present, late and absent can be recorded from %(when)s (30 minutes before the start). "
        "Before that, only “excused” can be recorded.", when=_when(p.get("opens"))),
    "bad_status": lambda p: _("Choose a status from the list."),
    "attendance_closed": lambda p: _("The attendance of this session is closed."),
    "closed_officer_only": lambda p: _(
        "The attendance of this session is closed: only the commune office can change it."),
    "change_reason_required": lambda p: _(
        "The attendance is closed: give the reason for the change."),
    "not_started": lambda p: _("The attendance can be closed once the session has started."),
    "already_undone": lambda p: _("This has already been undone."),
    "has_attendance": lambda p: _(
        "This session has attendance records, so it cannot be deleted. Cancel it instead."),
    "title_required": lambda p: _("Enter the session title."),
    "bad_mode": lambda p: _("Choose a mode from the list."),
    "end_before_start": lambda p: _("The end time must be after the start time."),
    "bad_capacity": lambda p: _("The capacity must be a positive number."),
    "bad_link": lambda p: _("The meeting link must start with https://."),
    "reason_required": lambda p: _("Enter the reason for cancelling."),
    "unknown_commune": lambda p: _("No commune with the code(s) %(codes)s.",
                                   codes=p.get("codes", "")),
    "no_teams": lambda p: _("Invite at least one team."),
    "bad_rule": lambda p: _("The trainings required must be between 1 and 20 and the grace "
                            "period between 0 and 366 days."),
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
    "no_mark": lambda p: _("Nothing under the status column: nothing is recorded for this row."),
}
# One line for the same problem on many rows.
_GROUPS = {
    "bad_date": _l("the date cannot be read (use dd/mm/yyyy)"),
    "future_date": _l("the date is in the future"),
    "title_required": _l("the session title is missing"),
    "unknown_mode": _l("unknown mode"),
    "unknown_status": _l("unknown status (use Có mặt, Đến muộn, Vắng có phép or Vắng)"),
    "bad_phone": _l("the phone number is not valid"),
    "unknown_phone": _l("nobody on the platform has this phone number (import the roster first)"),
    "name_mismatch": _l("the name differs from the name registered for the phone number"),
    "conflicting_rows": _l("another status for the same person and session on an earlier row"),
    "no_mark": _l("nothing under the status column, nothing recorded"),
}



def _when(value) -> str:
    """``07:30 10/03/2026`` in Vietnam time (empty for None)."""
    if value is None:
        return ""
    from lms.timeutil import LOCAL_TZ

    return value.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")


def error_text(exc) -> str:
    """The translated message for a :class:`TrainingError`."""
    func = _ERRORS.get(exc.code)
    return func(getattr(exc, "params", {})) if func else _("Something is not right. Please try again.")


def problem_text(problem: dict, with_place: bool = True) -> str:
    """A translated import problem, prefixed with its row, the person and the column."""
    text = _PROBLEMS.get(problem["code"], lambda p: problem["code"])(problem)
    if not with_place:
        return text
    column = COLUMN_LABELS.get(problem.get("column"), problem.get("column", ""))
    if problem.get("name"):
        return _("Row %(row)s (%(name)s), %(column)s: %(text)s", row=problem["row"],
                 name=problem["name"], column=column, text=text)
    return _("Row %(row)s, %(column)s: %(text)s", row=problem["row"], column=column, text=text)


def group_text(code: str, problems: list[dict]) -> str:
    """One line for the same problem on many rows, naming the first people."""
    from lms.imports_preview import people_text, rows_label

    return _("%(rows)s: %(problem)s — %(people)s.", rows=rows_label(p["row"] for p in problems),
             problem=_GROUPS.get(code, code),
             people=people_text([p.get("name", "") for p in problems]))


def file_error_text(exc) -> str:
    """The translated message for an :class:`ImportFileError`."""
    from lms.imports_preview import file_error_text as shared

    return shared(exc, COLUMN_LABELS)
