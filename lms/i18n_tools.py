"""Catalogue maintenance: ``python -m lms.i18n_tools fill-english | check``.

Message ids are English, so the English catalogue is the identity translation; this fills it
after every extract. ``check`` lists untranslated or fuzzy Vietnamese entries.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def _load(locale: str):
    path = ROOT / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return path, read_po(handle, locale=locale)


def fill_english() -> None:
    """Copy every msgid into the English msgstr (plural forms included)."""
    path, catalog = _load("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = tuple(message.id)
        else:
            message.string = message.id
        if "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)


def apply_json(locale: str, json_path: str) -> int:
    """Fill ``locale`` entries from a JSON object ``{msgid: msgstr}``; return how many changed.

    Plural entries take a list of strings. Entries not in the catalogue are ignored.
    """
    import json

    translations = json.loads(Path(json_path).read_text(encoding="utf-8"))
    path, catalog = _load(locale)
    changed = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in translations:
            value = translations[key]
            if isinstance(message.id, (list, tuple)):
                # Vietnamese has a single plural form: one string serves every count.
                value = value if isinstance(value, list) else [value]
                message.string = tuple(value[:1] * max(1, catalog.num_plurals))
            else:
                message.string = value[0] if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            changed += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    return changed


def problems(locale: str) -> list[str]:
    """Untranslated or fuzzy entries of a catalogue."""
    _path, catalog = _load(locale)
    bad = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not all(strings) or message.fuzzy:
            bad.append(message.id if isinstance(message.id, str) else message.id[0])
    return bad


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill-english":
        fill_english()
    elif command == "apply":
        print(apply_json(sys.argv[2], sys.argv[3]), "entries filled")
    elif command == "check":
        missing = problems("vi")
        for item in missing:
            print(item)
        sys.exit(1 if missing else 0)
    else:
        sys.exit(f"unknown command {command!r}")
