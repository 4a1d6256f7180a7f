"""Official administrative units (since 1 July 2025): 34 provinces, 3,321 commune-level units.

The list comes from the ``vietnam-provinces`` package; nothing of it is stored in the
database until a commune is created from it. Look-ups ignore case and diacritics:
``find_units("phuong duy tien")`` and ``find_units("13324")`` both give Phường Duy Tiên.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from lms.extensions import db
from lms.normalize import fold
from lms.org.models import Commune, Province

KIND_OF_DIVISION = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}
KIND_PREFIX = {"xa": "X", "phuong": "P", "dac_khu": "DK"}
# Place line of documents: the name without its kind ("Phường Duy Tiên" → "Duy Tiên").
_NAME_PREFIXES = ("Phường ", "Xã ", "Đặc khu ")


class UnitError(Exception):
    """A look-up or creation that cannot be done. ``code``: ``unknown_unit``, ``ambiguous``,
    ``unknown_province``, ``already_linked``, ``other_province``; ``candidates`` for ambiguous
    names; ``params`` fill the message."""

    def __init__(self, code: str, candidates: list[Unit] | None = None, **params):
        super().__init__(code)
        self.code = code
        self.candidates = candidates or []
        self.params = params


@dataclass(frozen=True)
class Unit:
    """One official commune-level unit."""

    code: int
    name: str
    kind: str  # xa | phuong | dac_khu
    province_code: int
    province_name: str

    @property
    def place_name(self) -> str:
        """The name without its kind, for the place line of documents."""
        for prefix in _NAME_PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name

    @property
    def label(self) -> str:
        """``Phường Duy Tiên (13324), Ninh Bình``."""
        return f"{self.name} ({self.code}), {self.province_name}"


@lru_cache(maxsize=1)
def _provinces() -> dict[int, str]:
    from vietnam_provinces import Province as OfficialProvince

    return {int(p.code): p.name for p in OfficialProvince.iter_all()}


@lru_cache(maxsize=1)
def all_units() -> tuple[Unit, ...]:
    """Every official commune-level unit, ordered by code."""
    from vietnam_provinces import Ward

    provinces = _provinces()
    units = []
    for ward in Ward.iter_all():
        kind = KIND_OF_DIVISION.get(getattr(ward.division_type, "value", ""), "xa")
        units.append(Unit(int(ward.code), ward.name, kind, int(ward.province_code),
                          provinces.get(int(ward.province_code), "")))
    return tuple(sorted(units, key=lambda u: u.code))


@lru_cache(maxsize=1)
def _index() -> tuple[dict[int, Unit], list[tuple[str, str, Unit]]]:
    by_code = {u.code: u for u in all_units()}
    folded = [(fold(u.name), fold(u.place_name), u) for u in all_units()]
    return by_code, folded


def province_names() -> dict[int, str]:
    """Official province code → name (34 provinces)."""
    return dict(_provinces())


def unit_by_code(code: int | str) -> Unit | None:
    """The unit with this official code, or None."""
    try:
        return _index()[0].get(int(str(code).strip()))
    except ValueError:
        return None


def official_province(text: str) -> tuple[int, str] | None:
    """``(code, name)`` of the official province named (diacritics, case and "Tỉnh"/"Thành
    phố" ignored) or numbered by ``text``; None if none matches."""
    wanted = fold(text or "").strip()
    for prefix in ("tinh ", "thanh pho "):
        if wanted.startswith(prefix):
            wanted = wanted[len(prefix):]
    for code, name in _provinces().items():
        if wanted in (fold(name), str(code)):
            return code, name
    return None


def search_units(query: str, province_code: int | None = None, limit: int = 20) -> list[Unit]:
    """Units whose name contains ``query`` (diacritics and case ignored) or whose code is it,
    exact names first; only one province's when ``province_code`` is given."""
    text = fold(query or "").strip()
    if not text:
        return []
    by_code, folded = _index()
    if text.isdigit():
        unit = by_code.get(int(text))
        found = [unit] if unit else []
    else:
        exact = [u for full, place, u in folded if text in (full, place)]
        partial = [u for full, _p, u in folded if text in full and u not in exact]
        found = exact + partial
    if province_code is not None:
        found = [u for u in found if u.province_code == province_code]
    return found[:limit]


def resolve_unit(text: str, province_code: int | None = None) -> Unit:
    """The one unit meant by an official code or an exact name (``Phường Duy Tiên`` or
    ``duy tien``). Raises :class:`UnitError` ``unknown_unit`` or ``ambiguous`` (with the
    candidates)."""
    text = (text or "").strip()
    by_code, folded = _index()
    if text.isdigit():
        unit = by_code.get(int(text))
        if unit is None or (province_code is not None and unit.province_code != province_code):
            raise UnitError("unknown_unit", value=text)
        return unit
    wanted = fold(text)
    matches = [u for full, place, u in folded if wanted in (full, place)]
    if province_code is not None:
        matches = [u for u in matches if u.province_code == province_code]
    if not matches:
        raise UnitError("unknown_unit", value=text)
    if len(matches) > 1:
        raise UnitError("ambiguous", candidates=matches, value=text)
    return matches[0]


def default_short_code(unit: Unit) -> str:
    """The commune's short code when none is given: ``P13324`` (P, X or DK and the code)."""
    return f"{KIND_PREFIX.get(unit.kind, 'X')}{unit.code}"


def ensure_province(code: int, name: str | None = None) -> Province:
    """The province row of an official province, created (or linked by name) when missing."""
    name = name or _provinces().get(code)
    if name is None:
        raise UnitError("unknown_province", value=str(code))
    province = db.session.scalar(select(Province).where(Province.official_code == code))
    if province is None:
        province = db.session.scalar(select(Province).where(Province.name == name))
        if province is None:
            province = Province(name=name)
            db.session.add(province)
        province.official_code = code
        db.session.flush()
    return province


def _apply_unit(commune: Commune, unit: Unit) -> None:
    commune.official_code = unit.code
    commune.unit_kind = unit.kind
    commune.name = unit.name
    commune.place_name = unit.place_name
    commune.province_id = ensure_province(unit.province_code, unit.province_name).id


def create_official_commune(unit: Unit, code: str | None = None,
                            village_kind: str = "to_dan_pho") -> Commune:
    """Create the commune of an official unit with its commune-level team.

    ``code`` is the short code (default :func:`default_short_code`). Raises
    :class:`UnitError` ``already_linked`` when the unit has a commune, or the
    ``lms.org.services.OrgError`` of a taken code.
    """
    from lms.org.services import create_commune

    existing = commune_of_unit(unit.code)
    if existing is not None:
        raise UnitError("already_linked", value=unit.name, commune=existing.code)
    commune = create_commune(code or default_short_code(unit), unit.name, None, village_kind)
    _apply_unit(commune, unit)
    db.session.flush()
    return commune


def link_commune(commune: Commune, unit: Unit) -> Commune:
    """Link an existing (free-typed) commune to an official unit: name, kind and province
    follow the official list; the short code stays."""
    existing = commune_of_unit(unit.code)
    if existing is not None and existing.id != commune.id:
        raise UnitError("already_linked", value=unit.name, commune=existing.code)
    _apply_unit(commune, unit)
    db.session.flush()
    return commune


def commune_of_unit(official_code: int) -> Commune | None:
    """The commune created for an official unit, if any."""
    return db.session.scalar(select(Commune).where(Commune.official_code == official_code))


def import_province(province_code: int, progress=None) -> dict:
    """Create every commune of an official province that has none yet (idempotent).

    ``progress(unit)`` is called for each unit. Returns ``{"created", "existing", "total"}``.
    """
    from vietnam_provinces import Ward

    ensure_province(province_code)
    linked = set(db.session.scalars(select(Commune.official_code).where(
        Commune.official_code.is_not(None))))
    taken = set(db.session.scalars(select(Commune.code)))
    created = existing = 0
    units = [unit_by_code(int(w.code)) for w in Ward.iter_by_province(province_code)]
    for unit in sorted((u for u in units if u), key=lambda u: u.code):
        if progress:
            progress(unit)
        if unit.code in linked:
            existing += 1
            continue
        code = default_short_code(unit)
        if code in taken:
            code = f"{code}-{unit.province_code}"
        create_official_commune(unit, code)
        taken.add(code)
        created += 1
    return {"created": created, "existing": existing, "total": created + existing}
