"""Training history import: paper sign-in sheets, meeting participant lists, old sessions.

Columns (matched by header, Vietnamese or English, case and diacritics ignored): Ngày (date),
Tên lớp (session_title), Hình thức (mode), Số điện thoại (phone), Họ và tên (full_name),
Trạng thái (status: Có mặt / Đến muộn / Vắng có phép / Vắng).

Like the roster import: read → check (every problem by row and column, nothing written) →
apply in the caller's transaction, all or nothing. Sessions are matched by date and title
(case and diacritics ignored) within the commune and created when absent (``imported=True``,
inviting every team of the commune); people are matched by phone. The same file twice changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from lms import imports
from lms.auth.models import User
from lms.extensions import db
from lms.imports import ImportBatch
from lms.normalize import InvalidValue, clean_text, fold, normalize_phone, parse_date
from lms.org.models import Commune, Team
from lms.spreadsheets import SpreadsheetError, TableSpec, find_table, records
from lms.timeutil import local_today
from lms.training.models import TrainingSession
from lms.training.services import audit_session, set_status

FIELDS = {
    "date": ["Ngày", "Ngày học", "Ngày tập huấn", "Ngày tổ chức", "Date", "Session date"],
    "session_title": ["Tên lớp", "Lớp", "Tên lớp tập huấn", "Nội dung tập huấn", "Chuyên đề",
                      "Session", "Session title", "Title"],
    "mode": ["Hình thức", "Hình thức tổ chức", "Mode"],
    "phone": ["Số điện thoại", "Điện thoại", "SĐT", "SDT", "Số ĐT", "Di động", "Phone",
              "Phone number", "Mobile"],
    "full_name": ["Họ và tên", "Họ tên", "Tên thành viên", "Name", "Full name"],
    "status": ["Trạng thái", "Điểm danh", "Có mặt", "Tham dự", "Status", "Attendance"],
}
REQUIRED = ("date", "session_title", "phone")
# A sign-in sheet's signature column is read and dropped without a warning.
SPEC = TableSpec(FIELDS, REQUIRED, ignored=("Ký tên", "Ký nhận", "Chữ ký", "Signature"),
                 date_fields=("date",))
STATUS_WORDS = {
    "present": ["có mặt", "co mat", "present", "x", "có", "✓", "✔", "1", "v", "đã ký"],
    "late": ["đến muộn", "muộn", "đi muộn", "late"],
    "excused": ["vắng có phép", "có phép", "excused", "absent with leave"],
    "absent": ["vắng", "vắng không phép", "không phép", "absent"],
}
MODE_WORDS = {
    "in_person": ["trực tiếp", "tập trung", "in person", "in-person", "offline", ""],
    "online": ["trực tuyến", "online", "zoom", "google meet", "teams"],
    "hybrid": ["kết hợp", "trực tiếp và trực tuyến", "both", "hybrid"],
}
_STATUS_OF = {fold(w): s for s, words in STATUS_WORDS.items() for w in words}
_MODE_OF = {fold(w): m for m, words in MODE_WORDS.items() for w in words}
WARNINGS = ("name_mismatch", "no_mark")


# Unreadable file or missing required columns (``code`` and ``columns``).
ImportFileError = SpreadsheetError


@dataclass
class Checked:
    """Normalised rows and the problems found (warnings do not block)."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    def blocking(self) -> list[dict]:
        """Problems that stop the import."""
        return [p for p in self.problems if p["code"] not in WARNINGS]


def read_file(source, filename: str | None = None) -> tuple[list[dict], dict]:
    """``(raw rows, meta)`` of a spreadsheet: raw rows are ``{"row": n, field: text}``; meta
    says where the table was, the skipped rows and unused columns (as for the roster), and
    ``all_present`` when the sheet has no status column (a sign-in sheet lists who came).
    Raises :class:`ImportFileError`."""
    table = find_table(source, filename, SPEC)
    raw = records(table, SPEC.date_fields)
    all_present = "status" not in table.columns
    if all_present:
        for item in raw:
            item["status"] = "có mặt"
    meta = {"kind": table.kind, "sheet": table.sheet, "sheets": table.sheets,
            "header_row": table.header_row, "notes": table.notes, "unused": table.unused,
            "all_present": all_present}
    return raw, meta


def _problem(problems, row, column, code, value="", name=""):
    problems.append({"row": row, "column": column, "code": code, "value": value, "name": name})


def check_rows(commune: Commune, raw: list[dict], today: date | None = None) -> Checked:
    """Normalise rows and list every problem. Writes nothing; one query for the people."""
    today = today or local_today()
    result = Checked()
    problems = result.problems
    phones = {}
    for item in raw:
        try:
            phones[item["row"]] = normalize_phone(item.get("phone"))
        except InvalidValue:
            phones[item["row"]] = None
    known = {}
    wanted = sorted({p for p in phones.values() if p})
    for start in range(0, len(wanted), 500):
        for user in db.session.scalars(select(User).where(User.phone.in_(wanted[start:start + 500]))):
            known[user.phone] = user
    seen: dict[tuple, tuple[int, str]] = {}
    for item in raw:
        row = item["row"]
        ok = True
        first_problem = len(problems)
        if not clean_text(item.get("status")):
            # A blank under the status column of a sign-in sheet: nobody signed, nothing recorded.
            _problem(problems, row, "status", "no_mark", name=clean_text(item.get("full_name")))
            continue
        try:
            day = parse_date(item.get("date"))
            if day is None:
                raise InvalidValue("")
        except InvalidValue:
            _problem(problems, row, "date", "bad_date", item.get("date", ""))
            ok, day = False, None
        if day and day > today:
            _problem(problems, row, "date", "future_date", item.get("date", ""))
            ok = False
        title = clean_text(item.get("session_title"))
        if not title:
            _problem(problems, row, "session_title", "title_required")
            ok = False
        mode = _MODE_OF.get(fold(item.get("mode")))
        if mode is None:
            _problem(problems, row, "mode", "unknown_mode", item.get("mode", ""))
            ok = False
        status = _STATUS_OF.get(fold(item.get("status")))
        if status is None:
            _problem(problems, row, "status", "unknown_status", item.get("status", ""))
            ok = False
        phone = phones[row]
        user = known.get(phone) if phone else None
        if phone is None:
            _problem(problems, row, "phone", "bad_phone", item.get("phone", ""))
            ok = False
        elif user is None:
            _problem(problems, row, "phone", "unknown_phone", item.get("phone", ""))
            ok = False
        elif item.get("full_name") and fold(item["full_name"]) != user.name_folded:
            _problem(problems, row, "full_name", "name_mismatch", item["full_name"])
        name = user.full_name if user is not None else clean_text(item.get("full_name"))
        for problem in problems[first_problem:]:
            problem["name"] = name
        if not ok:
            continue
        key = (day, fold(title), user.id)
        if key in seen and seen[key][1] != status:
            _problem(problems, row, "status", "conflicting_rows", str(seen[key][0]), name)
            continue
        seen[key] = (row, status)
        result.rows.append({"row": row, "date": day, "title": title, "mode": mode,
                            "user_id": user.id, "status": status})
    return result


def apply_rows(commune: Commune, checked: Checked, *, actor=None) -> dict:
    """Write checked rows (refused if any blocking problem). Returns counts."""
    if checked.blocking():
        raise ValueError("blocking problems")
    stats = {"sessions_created": 0, "marked": 0, "unchanged": 0}
    if not checked.rows:
        return stats
    days = [r["date"] for r in checked.rows]
    sessions = {
        (s.date, fold(s.title)): s
        for s in db.session.scalars(select(TrainingSession).where(
            TrainingSession.commune_id == commune.id,
            TrainingSession.date >= min(days), TrainingSession.date <= max(days)))
    }
    teams = None
    from lms.training.models import Attendance

    for item in checked.rows:
        key = (item["date"], fold(item["title"]))
        session = sessions.get(key)
        if session is None:
            if teams is None:
                teams = list(db.session.scalars(select(Team).where(Team.commune_id == commune.id)))
            session = TrainingSession(commune_id=commune.id, title=item["title"], date=item["date"],
                                      mode=item["mode"], imported=True, teams=teams,
                                      created_by_id=actor.id if actor else None)
            db.session.add(session)
            db.session.flush()
            audit_session(actor, session, None)
            sessions[key] = session
            stats["sessions_created"] += 1
        current = db.session.scalars(select(Attendance.status).where(
            Attendance.session_id == session.id, Attendance.user_id == item["user_id"])).first()
        if current == item["status"]:
            stats["unchanged"] += 1
            continue
        set_status(actor, session, item["user_id"], item["status"], method="import",
                   check_permission=False)
        stats["marked"] += 1
    return stats


def save_preview(commune: Commune, raw: list[dict], checked: Checked, *, filename: str,
                 actor_id: int | None, meta: dict | None = None) -> ImportBatch:
    """Keep the raw rows of a previewed file under a random token until confirmed."""
    return imports.save_preview("attendance", commune.id, raw, checked.problems,
                                filename=filename, actor_id=actor_id, meta=meta)


def confirm_import(imp: ImportBatch, *, actor=None) -> dict:
    """Apply a previewed import (checked again now); a second confirm changes nothing."""
    commune = db.session.get(Commune, imp.commune_id)
    return imports.confirm(imp, lambda rows: apply_rows(commune, check_rows(commune, rows),
                                                        actor=actor))
