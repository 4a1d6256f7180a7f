"""Roster import and export (.xlsx / .csv), columns of DESIGN.md matched by header.

Import is two steps so nothing is written until the officer confirms:

1. :func:`read_roster` turns a file into *raw rows* (``{"row": n, field: text}``; plain JSON,
   kept in :class:`~lms.imports.ImportBatch` between preview and confirm);
2. :func:`check_rows` normalises them and lists every problem by row and column;
3. :func:`apply_rows` writes everything in the caller's transaction (all or nothing), matching
   people by phone: the same file again changes nothing, an updated file updates.

People created by an import get an account without a password; the officer prints their
log-in slips (temporary passwords) from the member page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lms.normalize import InvalidValue, clean_name, fold, normalize_phone, parse_date, split_phones
from lms.org.models import MEMBERSHIP_ROLES, Commune
from lms.spreadsheets import SpreadsheetError, TableSpec, find_table, records
from lms.timeutil import local_today

FIELDS = {
    "full_name": ["Họ và tên", "Họ tên", "Họ và tên thành viên", "Tên thành viên", "Tên", "Name",
                  "Full name"],
    "phone": ["Số điện thoại", "Điện thoại", "SĐT", "SDT", "Số ĐT", "ĐT", "Di động",
              "Điện thoại di động", "Số di động", "Số điện thoại liên hệ", "Phone",
              "Phone number", "Mobile"],
    "birth_year": ["Năm sinh", "Ngày sinh", "Ngày tháng năm sinh", "Birth year",
                   "Year of birth", "Date of birth"],
    "gender": ["Giới tính", "Gender", "Sex"],
    "village": ["Tổ dân phố", "TDP", "Thôn", "Ấp", "Bản", "Khu phố", "Thôn / tổ dân phố",
                "Thôn, tổ dân phố", "Thôn, bản", "Địa bàn", "Địa bàn phụ trách", "Village",
                "Hamlet", "Residential group", "Team"],
    "role": ["Vai trò", "Vai trò trong Tổ", "Chức danh trong Tổ", "Chức vụ trong Tổ",
             "Chức vụ trong Tổ CNSCĐ", "Chức danh trong Tổ CNSCĐ", "Nhiệm vụ trong Tổ",
             "Chức danh", "Role", "Position in the team"],
    # A plain "Chức vụ" is the role when its values are roles, else the occupation.
    "position": ["Chức vụ", "Position"],
    "occupation": ["Nghề nghiệp", "Nghề nghiệp / đơn vị", "Đơn vị", "Đơn vị công tác",
                   "Nơi công tác", "Chức vụ, đơn vị công tác", "Occupation", "Affiliation"],
    "joined_on": ["Ngày tham gia", "Ngày vào tổ", "Ngày vào Tổ CNSCĐ", "Ngày bổ sung",
                  "Ngày tham gia Tổ", "Joined on", "Joined", "Join date"],
    "left_on": ["Ngày rời tổ", "Ngày rời", "Ngày ra khỏi tổ", "Left on", "Left", "Leave date"],
}
REQUIRED = ("full_name", "phone", "joined_on")
SPEC = TableSpec(FIELDS, REQUIRED, date_fields=("joined_on", "left_on"))
ROLE_WORDS = {
    "leader": ["tổ trưởng", "trưởng", "tt", "leader", "team leader"],
    "deputy": ["tổ phó", "phó", "tp", "deputy", "deputy leader"],
    "member": ["thành viên", "tv", "member", ""],
    "collaborator": ["cộng tác viên", "ctv", "collaborator"],
}
# Words an office appends to a role: "Tổ trưởng Tổ CNSCĐ", "Thành viên tổ".
_ROLE_SUFFIXES = ("to cong nghe so cong dong", "to cnscd", "to cns", "cnscd", "to")
# Warnings: shown in the preview, the row is still imported.
WARNING_CODES = ("second_phone",)
GENDER_WORDS = {"male": ["nam", "male", "m"], "female": ["nữ", "nu", "female", "f"],
                "other": ["khác", "other"]}
VILLAGE_PREFIXES = ("to dan pho ", "tdp ", "thon ", "ap ", "ban ", "khu pho ", "to ")
_ROLE_OF = {fold(word): role for role, words in ROLE_WORDS.items() for word in words}
_GENDER_OF = {fold(word): g for g, words in GENDER_WORDS.items() for word in words}

# Export labels (Vietnamese: the office's own spreadsheets).
EXPORT_HEADERS = ["Họ và tên", "Số điện thoại", "Năm sinh", "Giới tính", None, "Vai trò",
                  "Nghề nghiệp", "Ngày tham gia", "Ngày rời tổ"]
KIND_HEADER = {"to_dan_pho": "Tổ dân phố", "thon": "Thôn", "ap": "Ấp", "ban": "Bản",
               "khu_pho": "Khu phố"}
ROLE_LABEL = {"leader": "Tổ trưởng", "deputy": "Tổ phó", "member": "Thành viên",
              "collaborator": "Cộng tác viên"}
GENDER_LABEL = {"male": "Nam", "female": "Nữ", "other": "Khác"}


# Unreadable file or missing required columns (``code`` and ``columns``).
RosterFileError = SpreadsheetError


def village_key(name: str | None) -> str:
    """A village name folded for matching: ``Tổ dân phố Hòa Lạc`` and ``hoa lac`` agree."""
    key = fold(name)
    for prefix in VILLAGE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):].strip()
    return key


def role_of(text: str | None) -> str | None:
    """A role from what offices write: ``Tổ trưởng``, ``TT``, ``Tổ phó Tổ CNSCĐ``,
    ``Thành viên tổ``, ``CTV`` …; ``None`` when it is not a role."""
    key = fold(text).replace(".", " ").strip()
    key = " ".join(key.split())
    if key in _ROLE_OF:
        return _ROLE_OF[key]
    for suffix in _ROLE_SUFFIXES:
        if key.endswith(" " + suffix):
            return _ROLE_OF.get(key[: -len(suffix)].strip())
    return None


def _position_use(raw: list[dict], columns: dict) -> str | None:
    """What a plain "Chức vụ" column is: ``'role'`` when most of its values are roles (and
    there is no role column), ``'occupation'`` when there is no occupation column, else
    ``None`` (not used)."""
    values = [r.get("position", "") for r in raw if r.get("position")]
    roles = sum(1 for v in values if v and role_of(v) is not None)
    if "role" not in columns and values and roles * 5 >= len(values) * 3:
        return "role"
    if "occupation" not in columns:
        return "occupation"
    return None


def read_roster(source, filename: str | None = None) -> tuple[list[dict], dict]:
    """Read a roster file into ``(raw rows, meta)``: raw rows are ``{"row": n, field: text}``
    (JSON, kept between preview and confirm); ``meta`` says where the table was (``kind``,
    ``sheet``, ``sheets``, ``header_row``), the skipped rows (``notes``), the columns not read
    (``unused``) and how a plain "Chức vụ" column was read (``position``). Raises
    :class:`RosterFileError`."""
    table = find_table(source, filename, SPEC)
    raw = records(table, SPEC.date_fields)
    unused = list(table.unused)
    use = _position_use(raw, table.columns) if "position" in table.columns else None
    if "position" in table.columns:
        for item in raw:
            value = item.pop("position", "")
            if use:
                item[use] = value
        if use is None:
            index = table.columns["position"]
            from lms.spreadsheets import column_letter

            unused.append({"column": column_letter(index), "header": table.headers[index]})
    meta = {"kind": table.kind, "sheet": table.sheet, "sheets": table.sheets,
            "header_row": table.header_row, "notes": table.notes, "unused": unused,
            "position": use, "position_header": table.header_of("position")}
    return raw, meta


@dataclass
class Checked:
    """The result of :func:`check_rows`."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    new_villages: list[str] = field(default_factory=list)

    def blocking(self, create_villages: bool = False) -> list[dict]:
        """Problems that stop the import (unknown villages do not when they will be created)."""
        return [p for p in self.problems if p["code"] not in WARNING_CODES
                and not (create_villages and p["code"] == "unknown_village")]


def _problem(problems, row, column, code, value="", **params):
    problems.append({"row": row, "column": column, "code": code, "value": value, **params})


def check_rows(commune: Commune, raw: list[dict], today: date | None = None) -> Checked:
    """Normalise raw rows and list every problem (row, column, code). Writes nothing."""
    from lms.org.roster_db import active_elsewhere, foreign_accounts, village_keys

    today = today or local_today()
    known = village_keys(commune.id)
    result = Checked()
    problems = result.problems
    seen: dict[tuple[str, str], list[tuple[int, date, date | None]]] = {}
    new_villages: dict[str, str] = {}
    for item in raw:
        n = item["row"]
        ok = True
        first_problem = len(problems)
        row = {"row": n}
        row["full_name"] = clean_name(item.get("full_name"))
        if not row["full_name"]:
            _problem(problems, n, "full_name", "name_required")
            ok = False
        phones = split_phones(item.get("phone", ""))
        phone_text = phones[0] if phones else ""
        if len(phones) > 1:
            _problem(problems, n, "phone", "second_phone", phones[1], first=phone_text)
        try:
            row["phone"] = normalize_phone(phone_text) if phone_text else None
        except InvalidValue:
            row["phone"] = None
        if row["phone"] is None:
            _problem(problems, n, "phone", "bad_phone" if phone_text else "phone_required",
                     phone_text)
            ok = False
        year = _year_text(item.get("birth_year", ""))
        row["birth_year"] = None
        if year:
            if year.isdigit() and 1900 <= int(year) <= today.year:
                row["birth_year"] = int(year)
            else:
                _problem(problems, n, "birth_year", "bad_birth_year", year)
                ok = False
        gender = item.get("gender", "")
        row["gender"] = _GENDER_OF.get(fold(gender)) if gender else None
        if gender and row["gender"] is None:
            _problem(problems, n, "gender", "unknown_gender", gender)
            ok = False
        row["occupation"] = clean_name(item.get("occupation")) or None
        role_text = item.get("role", "")
        row["role"] = role_of(role_text)
        if row["role"] is None:
            _problem(problems, n, "role", "unknown_role", role_text)
            ok = False
        village = clean_name(item.get("village"))
        key = village_key(village) if village else ""
        row["village"], row["village_key"] = village, key
        if key and key not in known:
            new_villages.setdefault(key, village)
            _problem(problems, n, "village", "unknown_village", village)
        dates = {}
        for name in ("joined_on", "left_on"):
            text = item.get(name, "")
            try:
                dates[name] = parse_date(text) if text else None
            except InvalidValue:
                dates[name] = None
                _problem(problems, n, name, "bad_date", text)
                ok = False
                continue
            if dates[name] and dates[name] > today:
                _problem(problems, n, name, "future_date", text)
                ok = False
        joined, left = dates["joined_on"], dates["left_on"]
        if joined is None and not item.get("joined_on"):
            _problem(problems, n, "joined_on", "joined_required")
            ok = False
        if joined and left and left < joined:
            _problem(problems, n, "left_on", "left_before_joined", item.get("left_on", ""))
            ok = False
        row["joined_on"] = joined.isoformat() if joined else None
        row["left_on"] = left.isoformat() if left else None
        if row["phone"] and joined:
            for first, other_joined, other_left in seen.get((row["phone"], key), []):
                if (left is None or left > other_joined) and (other_left is None
                                                              or other_left > joined):
                    _problem(problems, n, "phone", "duplicate_phone", phone_text, first=first)
                    ok = False
                    break
            seen.setdefault((row["phone"], key), []).append((n, joined, left))
        for problem in problems[first_problem:]:
            problem["name"] = row["full_name"]
        if ok:
            result.rows.append(row)
    names = {r["row"]: r["full_name"] for r in result.rows}
    active_phones = {r["phone"]: r["row"] for r in result.rows if r["left_on"] is None}
    for phone, other_name in active_elsewhere(commune.id, list(active_phones), today).items():
        for r in result.rows:
            if r["phone"] == phone and r["left_on"] is None:
                _problem(problems, r["row"], "phone", "other_commune", r["phone"],
                         commune=other_name, name=names[r["row"]])
    elsewhere = {p["value"] for p in problems if p["code"] == "other_commune"}
    foreign = foreign_accounts(commune.id, list(dict.fromkeys(r["phone"] for r in result.rows)))
    foreign -= elsewhere
    if foreign:
        kept = []
        for r in result.rows:
            if r["phone"] in foreign:
                _problem(problems, r["row"], "phone", "foreign_account", r["phone"],
                         name=r["full_name"])
            else:
                kept.append(r)
        result.rows = kept
    problems.sort(key=lambda p: (p["row"], list(FIELDS).index(p["column"])))
    result.new_villages = sorted(new_villages.values(), key=fold)
    return result


def _year_text(text: str) -> str:
    """A birth year from a "Năm sinh" or "Ngày sinh" cell: ``1985``, ``1985.0`` and
    ``12/03/1985`` all give ``1985``; anything else is returned as it is (and refused)."""
    text = (text or "").strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    if len(text) > 4:
        try:
            day = parse_date(text)
        except InvalidValue:
            return text
        return str(day.year) if day else text
    return text


def valid_roles() -> tuple[str, ...]:
    """The roles a roster may name."""
    return MEMBERSHIP_ROLES
