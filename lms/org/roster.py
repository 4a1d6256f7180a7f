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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from lms.normalize import InvalidValue, clean_name, fold, normalize_phone, parse_date
from lms.org.models import MEMBERSHIP_ROLES, Commune
from lms.spreadsheets import SpreadsheetError, cell_text, read_table
from lms.timeutil import local_today

FIELDS = {
    "full_name": ["Họ và tên", "Họ tên", "Tên", "Name", "Full name"],
    "phone": ["Số điện thoại", "Điện thoại", "SĐT", "SDT", "Phone", "Phone number", "Mobile"],
    "birth_year": ["Năm sinh", "Birth year", "Year of birth"],
    "gender": ["Giới tính", "Gender", "Sex"],
    "village": ["Tổ dân phố", "Thôn", "Ấp", "Bản", "Khu phố", "Thôn / tổ dân phố", "Village",
                "Hamlet", "Residential group", "Team"],
    "role": ["Vai trò", "Chức vụ", "Role", "Position"],
    "occupation": ["Nghề nghiệp", "Nghề nghiệp / đơn vị", "Đơn vị", "Occupation", "Affiliation"],
    "joined_on": ["Ngày tham gia", "Ngày vào tổ", "Joined on", "Joined", "Join date"],
    "left_on": ["Ngày rời tổ", "Ngày rời", "Left on", "Left", "Leave date"],
}
REQUIRED = ("full_name", "phone", "joined_on")
ROLE_WORDS = {
    "leader": ["tổ trưởng", "trưởng", "leader", "team leader"],
    "deputy": ["tổ phó", "phó", "deputy", "deputy leader"],
    "member": ["thành viên", "tv", "member", ""],
    "collaborator": ["cộng tác viên", "ctv", "collaborator"],
}
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


def open_roster(source, filename: str | None = None) -> tuple[dict[str, int], list[str], Iterator]:
    """Open a roster file: ``(column_of_field, headers, rows)``; raises :class:`RosterFileError`
    for an unreadable file or missing required columns."""
    return read_table(source, filename, FIELDS, REQUIRED)


def raw_rows(columns: dict[str, int], rows: Iterable) -> list[dict]:
    """Rows as JSON-ready dicts of text: ``{"row": 2, "full_name": "…", …}``."""
    out = []
    for number, values in rows:
        item = {"row": number}
        for name, index in columns.items():
            item[name] = cell_text(values[index]) if index < len(values) else ""
        out.append(item)
    return out


def read_roster(source, filename: str | None = None) -> tuple[list[dict], list[str]]:
    """Read a roster file into ``(raw_rows, headers)``."""
    columns, headers, rows = open_roster(source, filename)
    return raw_rows(columns, rows), headers


@dataclass
class Checked:
    """The result of :func:`check_rows`."""

    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    new_villages: list[str] = field(default_factory=list)

    def blocking(self, create_villages: bool = False) -> list[dict]:
        """Problems that stop the import (unknown villages do not when they will be created)."""
        return [p for p in self.problems
                if not (create_villages and p["code"] == "unknown_village")]


def _problem(problems, row, column, code, value="", **params):
    problems.append({"row": row, "column": column, "code": code, "value": value, **params})


def check_rows(commune: Commune, raw: list[dict], today: date | None = None) -> Checked:
    """Normalise raw rows and list every problem (row, column, code). Writes nothing."""
    from lms.org.roster_db import active_elsewhere, village_keys

    today = today or local_today()
    known = village_keys(commune.id)
    result = Checked()
    problems = result.problems
    seen: dict[tuple[str, str], list[tuple[int, date, date | None]]] = {}
    new_villages: dict[str, str] = {}
    for item in raw:
        n = item["row"]
        ok = True
        row = {"row": n}
        row["full_name"] = clean_name(item.get("full_name"))
        if not row["full_name"]:
            _problem(problems, n, "full_name", "name_required")
            ok = False
        phone_text = item.get("phone", "")
        try:
            row["phone"] = normalize_phone(phone_text) if phone_text else None
        except InvalidValue:
            row["phone"] = None
        if row["phone"] is None:
            _problem(problems, n, "phone", "bad_phone" if phone_text else "phone_required",
                     phone_text)
            ok = False
        year = item.get("birth_year", "")
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
        row["role"] = _ROLE_OF.get(fold(role_text))
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
        if ok:
            result.rows.append(row)
    active_phones = {r["phone"]: r["row"] for r in result.rows if r["left_on"] is None}
    for phone, other_name in active_elsewhere(commune.id, list(active_phones), today).items():
        for r in result.rows:
            if r["phone"] == phone and r["left_on"] is None:
                _problem(problems, r["row"], "phone", "other_commune", r["phone"],
                         commune=other_name)
    problems.sort(key=lambda p: (p["row"], list(FIELDS).index(p["column"])))
    result.new_villages = sorted(new_villages.values(), key=fold)
    return result


def valid_roles() -> tuple[str, ...]:
    """The roles a roster may name."""
    return MEMBERSHIP_ROLES
