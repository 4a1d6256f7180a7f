"""Normalisation at the boundaries: names to NFC, phones to +84…, dates from dd/mm/yyyy."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

_SPACES = re.compile(r"\s+")
_PHONE_NOISE = re.compile(r"[\s.\-()/]")


class InvalidValue(ValueError):
    """A value from a form, a spreadsheet or the CLI that cannot be normalised."""


def clean_text(value: str | None) -> str:
    """NFC-normalise and collapse white space; ``None`` becomes ``''``."""
    if value is None:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def clean_name(value: str | None) -> str:
    """A person's or place's name: NFC, single spaces, trimmed."""
    return clean_text(value)


def fold(value: str | None) -> str:
    """Lower-case and strip diacritics (``Nguyễn Văn Ánh`` → ``nguyen van anh``) for search."""
    text = clean_text(value).lower().replace("đ", "d").replace("Đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def normalize_phone(value: str | None) -> str:
    """Return a Vietnamese phone number as ``+84`` and 9 or 10 digits, or raise :class:`InvalidValue`.

    Accepts ``0912 345 678``, ``0912.345.678``, ``+84912345678``, ``84912345678`` and the
    same for landlines (``0226 3xxx xxx``).
    """
    raw = clean_text(value)
    if raw.endswith(".0") and raw[:-2].isdigit():  # numbers read from spreadsheets as floats
        raw = raw[:-2]
    raw = _PHONE_NOISE.sub("", raw)
    if raw.startswith("+84"):
        national = raw[3:]
    elif raw.startswith("0084"):
        national = raw[4:]
    elif raw.startswith("84") and len(raw) in (11, 12):
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    elif (len(raw) == 9 and raw[:1] in "35789") or (len(raw) == 10 and raw[:1] == "2"):
        national = raw  # a spreadsheet stored the number as a number and dropped the 0
    else:
        raise InvalidValue(value)
    if national.startswith("0"):
        national = national[1:]
    if not national.isdigit():
        raise InvalidValue(value)
    mobile = len(national) == 9 and national[0] in "35789"
    landline = len(national) == 10 and national[0] == "2"
    if not (mobile or landline):
        raise InvalidValue(value)
    return "+84" + national


_PHONE_SEPARATORS = re.compile(r"[,;/\n|]|\s+-\s+|\s+(?:hoặc|hoac|or|và|va)\s+", re.I)


def split_phones(value: str | None) -> list[str]:
    """The phone numbers written in one cell: ``0912 345 678 / 0987 654 321`` → both, in
    order (separated by ``,`` ``;`` ``/`` a line break, a spaced dash or "hoặc")."""
    parts = [p.strip() for p in _PHONE_SEPARATORS.split(clean_text(value) if value else "")]
    return [p for p in parts if p]


def display_phone(value: str | None) -> str:
    """``+84912345678`` → ``0912 345 678`` for people to read."""
    if not value or value.startswith("erased:"):
        return ""
    national = "0" + value[3:] if value.startswith("+84") else value
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:4]} {national[4:8]} {national[8:]}"


def parse_date(value) -> date | None:
    """Parse ``dd/mm/yyyy`` (also ``d/m/yyyy``, ``dd-mm-yyyy``, ISO, and spreadsheet dates).

    Empty values give ``None``; anything else unreadable raises :class:`InvalidValue`.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(str(value))
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError as exc:
        raise InvalidValue(value) from exc
    raise InvalidValue(value)
