"""Data rights as plain functions: what is held about a person, the notice, erasure.

"Everything held about me" is found from the schema itself: every table with a ``user_id``
column pointing at ``users`` holds rows about that person (a table added later is included
without a change here). Columns that name an *actor* (``marked_by_id``, ``actor_id`` …) are
not followed: those rows are about someone else. Secrets (password and token hashes) are
never exported.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from sqlalchemy import Table, select, update

from lms import audit
from lms.auth.models import User
from lms.extensions import db
from lms.models_base import utcnow

PRIVACY_VERSION = "2026-01"
SECRET_COLUMNS = {"password_hash", "token_hash"}
ERASED_NAME = "Người đã xóa dữ liệu"


class PrivacyError(Exception):
    """A domain error with a message key the views translate."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def needs_notice(user: User) -> bool:
    """Whether the person has not yet acknowledged the current privacy notice."""
    return user.privacy_version != PRIVACY_VERSION


def acknowledge(user: User) -> None:
    """Record that the person read the current notice (audited). The caller commits."""
    user.privacy_ack_at = utcnow()
    user.privacy_version = PRIVACY_VERSION
    audit.record("user.privacy_ack", "user", user.id, actor_id=user.id,
                 after={"version": PRIVACY_VERSION})


def personal_tables() -> list[Table]:
    """Every table whose ``user_id`` column points at ``users`` (rows about one person)."""
    tables = []
    for table in db.metadata.sorted_tables:
        column = table.columns.get("user_id")
        if column is not None and any(fk.column.table.name == "users" for fk in column.foreign_keys):
            tables.append(table)
    return tables


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _rows(table: Table, condition) -> list[dict]:
    keep = [c for c in table.columns if c.name not in SECRET_COLUMNS]
    result = db.session.execute(select(*keep).where(condition).order_by(*table.primary_key))
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def my_data(user: User) -> dict[str, list[dict]]:
    """Everything held about ``user``: ``{table name: [row, …]}`` — the account itself, every
    table with the person's ``user_id``, and the audit events about the account."""
    users = db.metadata.tables["users"]
    data = {"users": _rows(users, users.c.id == user.id)}
    for table in personal_tables():
        data[table.name] = _rows(table, table.c.user_id == user.id)
    events = db.metadata.tables["audit_events"]
    data["audit_events"] = _rows(events, (events.c.object_type == "user")
                                 & (events.c.object_id == user.id))
    return data


def my_data_xlsx(data: dict[str, list[dict]]) -> bytes:
    """The same data as an XLSX workbook, one sheet per table (formula-safe cells)."""
    import json

    from openpyxl import Workbook

    from lms.spreadsheets import safe_cell

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in data.items():
        sheet = workbook.create_sheet(title=name[:31])
        headers = list(rows[0]) if rows else ["—"]
        sheet.append(headers)
        for row in rows:
            values = []
            for key in headers:
                value = row.get(key)
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, ensure_ascii=False)
                values.append(safe_cell(value))
            sheet.append(values)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def can_erase(person: User) -> bool:
    """Only a person who has left every team, and is a plain member account, can be erased."""
    from lms.auth.permissions import active_on
    from lms.org.models import Membership
    from lms.timeutil import local_today

    if person.erased_at is not None or person.account_role != "member":
        return False
    return not db.session.scalar(select(Membership.id).where(
        Membership.user_id == person.id, active_on(local_today())).limit(1))


def erase(person: User, *, actor_id: int, commune_id: int | None, reason: str) -> None:
    """Erase a person who has left: name and phone replaced, other details cleared, account
    closed and every session ended, certificates revoked with the reason; memberships and
    attendance rows stay (anonymous), so every past figure stays as it was. Copies of the
    name and phone in join proposals and in the audit log are blanked too. The caller commits.
    """
    from lms.auth.sessions import end_sessions
    from lms.certificates.models import Certificate
    from lms.certificates.services import revoke
    from lms.normalize import clean_text
    from lms.org.models import MembershipRequest

    reason = clean_text(reason)
    if not reason:
        raise PrivacyError("reason_required")
    if not can_erase(person):
        raise PrivacyError("still_active")
    actor = db.session.get(User, actor_id)
    for cert in db.session.scalars(select(Certificate).where(
            Certificate.user_id == person.id, Certificate.status == "valid")):
        revoke(actor, cert, reason)
    db.session.execute(update(Certificate).where(Certificate.user_id == person.id)
                       .values(holder_name=ERASED_NAME, holder_birth_year=None))
    db.session.execute(update(MembershipRequest).where(MembershipRequest.user_id == person.id)
                       .values(full_name=ERASED_NAME, phone=f"erased:{person.id}",
                               birth_year=None, gender=None, occupation=None))
    events = db.session.scalars(select(audit.AuditEvent).where(
        audit.AuditEvent.object_type == "user", audit.AuditEvent.object_id == person.id))
    for event in events:
        event.before = _scrub(event.before)
        event.after = _scrub(event.after)
    person.full_name = ERASED_NAME
    person.name_folded = "nguoi da xoa du lieu"
    person.phone = f"erased:{person.id}"[:16]
    person.birth_year = person.gender = person.occupation = None
    person.password_hash = None
    person.active = False
    person.erased_at = utcnow()
    end_sessions(person.id)
    audit.record("user.erase", "user", person.id, actor_id=actor_id, commune_id=commune_id,
                 after={"reason": reason})


def _scrub(data: dict | None) -> dict | None:
    if not data:
        return data
    return {key: ("—" if key in ("full_name", "phone", "birth_year", "occupation") else value)
            for key, value in data.items()}
