"""Serial numbers and public verification codes of certificates.

- Serial: ``<COMMUNE CODE>-<YEAR>-<NNNNN>``, numbered per commune and year (the number is taken
  as max + 1 and the unique constraint on (commune, year, number) settles races: the caller
  retries on ``IntegrityError``).
- Verification code: 12 characters drawn with :mod:`secrets` from an alphabet without look-alike
  characters (no 0/O, 1/I/L): 12 × log2(31) ≈ 59 random bits. Stored without separators, shown
  grouped by four (``ABCD-EFGH-JKMN``); input is read case-insensitively with spaces and dashes
  ignored.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
_NOISE = re.compile(r"[\s\-_.·]+")


def new_code() -> str:
    """A fresh random verification code (≈ 59 bits of entropy)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(value: str | None) -> str:
    """What a person typed or scanned → the stored form (upper case, no spaces or dashes).

    Returns ``""`` when the value cannot be a code (wrong characters or length), so callers
    can answer "not found" without querying.
    """
    text = _NOISE.sub("", (value or "").strip()).upper()
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return ""
    return text


def group_code(code: str) -> str:
    """``ABCDEFGHJKMN`` → ``ABCD-EFGH-JKMN`` (easier to read aloud and type)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def format_serial(commune_code: str, year: int, number: int) -> str:
    """``DT``, 2026, 12 → ``DT-2026-00012``."""
    return f"{commune_code.upper()}-{year}-{number:05d}"


_SERIAL = re.compile(r"^\s*(?:S[OỐ]\s*[:.]?\s*)?[A-Z0-9]{1,12}\s*[-/ ]\s*(19|20)\d{2}\s*[-/ ]\s*\d{1,6}\s*$",
                     re.IGNORECASE)


def looks_like_serial(value: str | None) -> bool:
    """Whether someone typed a serial number (``DT-2026-00182``, ``Số: DT-2026-00182``)
    instead of the verification code. Serials are never looked up: they are sequential."""
    return bool(_SERIAL.match(value or ""))
