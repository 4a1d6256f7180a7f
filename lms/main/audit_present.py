"""Turn raw audit events into lines a person can read: names instead of ids, translated field
names and values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Module
from lms.extensions import db
from lms.i18n import current_locale
from lms.org.models import Team
from lms.training.models import TrainingSession

REFERENCES = {
    "user_id": (_l("Member"), User, User.full_name),
    "team_id": (_l("Team"), Team, Team.name),
    "session_id": (_l("Training session"), TrainingSession, TrainingSession.title),
    "module_id": (_l("Module"), Module, None),
}

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
}


def _value_labels() -> dict[str, object]:
    from lms.org.messages import ROLE_LABELS
    from lms.training.messages import METHOD_LABELS, STATUS_LABELS

    labels: dict[str, object] = {}
    labels.update(STATUS_LABELS)
    labels.update(METHOD_LABELS)
    labels.update(ROLE_LABELS)
    labels.update({
        "valid": _l("Valid"), "revoked": _l("Revoked"), "replaced": _l("Replaced"),
        "pending": _l("Pending"), "approved": _l("Approved"), "rejected": _l("Rejected"),
        "join": _l("Join"), "leave": _l("Leave"), "session": _l("Training session"),
        "module": _l("Module"), "officer": _l("Commune officer"),
    })
    return labels


def _names(events) -> dict[str, dict[int, str]]:
    """One query per kind of reference: ids → names."""
    wanted: dict[str, set[int]] = {key: set() for key in REFERENCES}
    for event in events:
        for data in (event.before or {}, event.after or {}):
            for key in REFERENCES:
                if isinstance(data.get(key), int):
                    wanted[key].add(data[key])
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


def _show(value, labels) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"  # ISO date → dd/mm/yyyy
    return str(value)


def present(events) -> list[dict]:
    """For each event: ``subjects`` [(label, name)] and ``changes`` [(label, before, after)]."""
    names = _names(events)
    labels = _value_labels()
    out = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        subjects = []
        for key, (label, _model, _column) in REFERENCES.items():
            ref = after.get(key, before.get(key))
            if isinstance(ref, int):
                subjects.append((label, names[key].get(ref, f"#{ref}")))
        changes = []
        for key in dict.fromkeys([*before, *after]):
            if key in REFERENCES or key.endswith("_id"):
                continue
            old, new = before.get(key), after.get(key)
            if before and old == new:
                continue
            if not before and new in (None, ""):
                continue
            changes.append((FIELD_LABELS.get(key, key),
                            _show(old, labels) if before else None, _show(new, labels)))
        out.append({"event": event, "subjects": subjects, "changes": changes})
    return out
