"""Turn raw audit events into lines a person can read: a translated sentence per action, names
instead of ids, translated field names and values (dates as dd/mm/yyyy, teams by name)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Module
from lms.extensions import db
from lms.i18n import current_locale
from lms.org.models import Team
from lms.training.models import TrainingSession

# Every action written with ``lms.audit.record`` (or an ``AuditEvent`` insert) anywhere in lms/
# has its sentence here; tests/test_audit_log.py fails on an action missing from this table.
ACTION_LABELS = {
    "attendance.mark": _l("Attendance marked"),
    "attendance.close": _l("Attendance closed"),
    "attendance.undo": _l("Attendance mark undone"),
    "session.delete": _l("Training session deleted"),
    "session.create": _l("Training session created"),
    "session.update": _l("Training session changed"),
    "session.cancel": _l("Session cancelled"),
    "rule.create": _l("Training rule set"),
    "rule.update": _l("Training rule changed"),
    "membership.join": _l("Membership started"),
    "membership.leave": _l("Membership ended"),
    "membership.role": _l("Role in the team changed"),
    "membership.import": _l("Membership imported from a roster file"),
    "membership_request.join": _l("Join proposal recorded"),
    "membership_request.leave": _l("Leave proposal recorded"),
    "membership_request.approve": _l("Proposal approved"),
    "membership_request.reject": _l("Proposal rejected"),
    "user.create": _l("Account created"),
    "user.import": _l("Personal details imported from a roster file"),
    "user.update": _l("Personal details changed"),
    "user.phone": _l("Phone number changed"),
    "user.role": _l("Account type changed"),
    "user.officer": _l("Officer assigned"),
    "user.password_reset": _l("Temporary password issued"),
    "user.password_change": _l("Password changed"),
    "user.privacy_ack": _l("Privacy notice read"),
    "user.erase": _l("Personal data erased"),
    "user.slip": _l("Log-in slip printed"),
    "user.logout_all": _l("Logged out on every device"),
    "certificate.issue": _l("Certificate issued"),
    "certificate.manual": _l("Certificate issued by hand"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.reissue": _l("Certificate reissued"),
}

REFERENCES = {
    "user_id": (_l("Member"), User, User.full_name),
    "team_id": (_l("Team"), Team, Team.name),
    "session_id": (_l("Training session"), TrainingSession, TrainingSession.title),
    "module_id": (_l("Module"), Module, None),
}
# Lists of ids shown as the names they stand for.
LIST_REFERENCES = {"team_ids": "team_id", "module_ids": "module_id"}
# Values that say what the event is about (shown with the names, not as a change).
SUBJECT_VALUES = {"year": _l("Year")}
# The object an event is about, when its data does not name it.
OBJECT_REFERENCES = {"training_session": "session_id", "user": "user_id"}

FIELD_LABELS = {
    "status": _l("Status"), "method": _l("How"), "serial": _l("Serial number"),
    "kind": _l("Kind"), "role": _l("Role"), "joined_on": _l("Joined on"),
    "left_on": _l("Left on"), "leave_reason": _l("Reason for leaving"),
    "approved_on": _l("Approved on"), "decision_no": _l("Decision number"),
    "leave_approved_on": _l("Leave approved on"), "leave_decision_no": _l("Leave decision number"),
    "reason": _l("Reason"), "replaced_by": _l("Replaced by"), "corrections": _l("Corrections"),
    "full_name": _l("Full name"), "phone": _l("Phone number"), "decided_on": _l("Decided on"),
    "birth_year": _l("Birth year"), "gender": _l("Gender"), "occupation": _l("Occupation"),
    "account_role": _l("Account type"), "cancel_reason": _l("Reason"),
    "had_password": _l("Had a password"), "temporary": _l("Temporary password"),
    # training sessions
    "title": _l("Title"), "date": _l("Date"), "start_time": _l("Start time"),
    "end_time": _l("End time"), "mode": _l("Mode"), "place": _l("Place"),
    "meeting_link": _l("Meeting link"), "trainer": _l("Trainer"), "capacity": _l("Capacity"),
    "issues_certificates": _l("Issues attendance certificates"),
    "late_grace_minutes": _l("Late after (minutes from the start)"),
    "imported": _l("Imported"), "team_ids": _l("Invited teams"),
    "automatic": _l("Closed automatically"), "batch_id": _l("Undone action"),
    "module_ids": _l("Modules covered"),
    # compliance rule
    "required_count": _l("Trainings required in the year"),
    "online_path_counts": _l("Completing the online learning path counts as one training"),
    "path_slug": _l("Learning path (code)"), "deadline": _l("Deadline for the online path"),
    "grace_days": _l("Grace period for new members (days)"),
}
# Free text typed by people: never looked up in the value labels.
FREE_TEXT = {"title", "place", "trainer", "meeting_link", "path_slug", "reason", "cancel_reason",
             "full_name", "occupation", "decision_no", "leave_decision_no", "leave_reason",
             "serial", "replaced_by"}


def _value_labels() -> dict[str, object]:
    from lms.org.messages import ROLE_LABELS
    from lms.training.messages import METHOD_LABELS, MODE_LABELS, STATUS_LABELS

    labels: dict[str, object] = {}
    labels.update(STATUS_LABELS)
    labels.update(METHOD_LABELS)
    labels.update(ROLE_LABELS)
    labels.update(MODE_LABELS)
    labels.update({
        "valid": _l("Valid"), "revoked": _l("Revoked"), "replaced": _l("Replaced"),
        "pending": _l("Pending"), "approved": _l("Approved"), "rejected": _l("Rejected"),
        "join": _l("Join"), "leave": _l("Leave"), "session": _l("Training session"),
        "module": _l("Module"), "officer": _l("Commune officer"),
    })
    return labels


def _refs(event) -> dict:
    """The event's data with the object it is about added as a reference (``session_id``…)."""
    data = {**(event.before or {}), **(event.after or {})}
    key = OBJECT_REFERENCES.get(event.object_type)
    if key and key not in data and isinstance(event.object_id, int):
        data[key] = event.object_id
    return data


def _names(events) -> dict[str, dict[int, str]]:
    """One query per kind of reference: ids → names."""
    wanted: dict[str, set[int]] = {key: set() for key in REFERENCES}
    for event in events:
        for data in (event.before or {}, event.after or {}, _refs(event)):
            for key in REFERENCES:
                if isinstance(data.get(key), int):
                    wanted[key].add(data[key])
            for key, ref in LIST_REFERENCES.items():
                if isinstance(data.get(key), list):
                    wanted[ref].update(v for v in data[key] if isinstance(v, int))
    names: dict[str, dict[int, str]] = {key: {} for key in REFERENCES}
    locale = current_locale()
    for key, ids in wanted.items():
        if not ids:
            continue
        _label, model, column = REFERENCES[key]
        if model is Module:
            rows = db.session.execute(
                select(Module.id, Module.title_en if locale == "en" else Module.title_vi)
                .where(Module.id.in_(ids)))
        else:
            rows = db.session.execute(select(model.id, column).where(model.id.in_(ids)))
        names[key] = dict(rows.all())
    return names


def _show(key: str, value, labels, names) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if key in LIST_REFERENCES and isinstance(value, list):
        found = names[LIST_REFERENCES[key]]
        return ", ".join(sorted(found.get(v, f"#{v}") for v in value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and key not in FREE_TEXT and value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"  # ISO date → dd/mm/yyyy
    return str(value)


def present(events) -> list[dict]:
    """For each event: ``label`` (the translated sentence of its action), ``subjects``
    [(label, name)] and ``changes`` [(label, before, after)] (before is None for a creation)."""
    names = _names(events)
    labels = _value_labels()
    out = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        refs = _refs(event)
        subjects = []
        for key, (label, _model, _column) in REFERENCES.items():
            ref = refs.get(key)
            if isinstance(ref, int):
                subjects.append((label, names[key].get(ref, f"#{ref}")))
        for key, label in SUBJECT_VALUES.items():
            if refs.get(key) is not None:
                subjects.append((label, str(refs[key])))
        changes = []
        for key in dict.fromkeys([*before, *after]):
            if key in REFERENCES or key in SUBJECT_VALUES or key.endswith("_id"):
                continue
            old, new = before.get(key), after.get(key)
            if before and old == new:
                continue
            if not before and new in (None, ""):
                continue
            changes.append((FIELD_LABELS.get(key, key),
                            _show(key, old, labels, names) if before else None,
                            _show(key, new, labels, names)))
        out.append({"event": event, "label": action_label(event.action),
                    "subjects": subjects, "changes": changes})
    return out


def action_label(action: str) -> str:
    """The translated sentence of an audit action (the action itself if unknown)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
