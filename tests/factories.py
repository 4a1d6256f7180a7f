"""Test factories: small functions that add realistic rows and flush (CTFd style)."""

from __future__ import annotations

import itertools
from datetime import date

from flask import current_app

from lms.auth.models import User
from lms.auth.passwords import make_hash
from lms.extensions import db
from lms.normalize import fold
from lms.org.models import Commune, Membership, Province, Team, Village
from lms.privacy.services import PRIVACY_VERSION

PASSWORD = "correct horse 42"
_seq = itertools.count(1)
_hashes: dict[str, str] = {}


def _password_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _hashes:
        _hashes[method] = make_hash(PASSWORD, method)
    return _hashes[method]


def phone() -> str:
    """A fresh valid mobile number."""
    return f"+8491{next(_seq):07d}"


def province(name: str | None = None) -> Province:
    obj = Province(name=name or f"Tỉnh {next(_seq)}")
    db.session.add(obj)
    db.session.flush()
    return obj


def commune(code: str | None = None, name: str | None = None, **fields) -> Commune:
    n = next(_seq)
    obj = Commune(
        code=code or f"C{n}",
        name=name or f"Xã Thử Nghiệm {n}",
        place_name=fields.pop("place_name", "Thử Nghiệm"),
        **fields,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def village(commune: Commune, name: str | None = None, kind: str = "to_dan_pho") -> Village:
    obj = Village(commune_id=commune.id, name=name or f"Tổ dân phố số {next(_seq)}", kind=kind)
    db.session.add(obj)
    db.session.flush()
    return obj


def team(commune: Commune | None = None, name: str | None = None, commune_level: bool = False) -> Team:
    commune = commune or globals()["commune"]()
    village_obj = None if commune_level else village(commune)
    obj = Team(
        commune_id=commune.id,
        village_id=village_obj.id if village_obj else None,
        name=name or (f"Tổ CNSCĐ {village_obj.name}" if village_obj else "Tổ CNSCĐ cấp xã"),
        is_commune_level=commune_level,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def user(
    full_name: str = "Nguyễn Văn An",
    phone_number: str | None = None,
    account_role: str = "member",
    commune: Commune | None = None,
    must_change_password: bool = False,
    **fields,
) -> User:
    obj = User(
        full_name=full_name,
        name_folded=fold(full_name),
        phone=phone_number or phone(),
        password_hash=_password_hash(),
        must_change_password=must_change_password,
        account_role=account_role,
        commune_id=commune.id if commune else None,
        **{"privacy_version": PRIVACY_VERSION, **fields},
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def officer(commune: Commune, full_name: str = "Lê Thị Cán Bộ") -> User:
    return user(full_name=full_name, account_role="officer", commune=commune)


def admin() -> User:
    return user(full_name="Quản Trị Viên", account_role="admin")


def membership(
    person: User,
    team_obj: Team,
    role: str = "member",
    joined_on: date = date(2025, 1, 1),
    left_on: date | None = None,
) -> Membership:
    obj = Membership(
        user_id=person.id, team_id=team_obj.id, role=role, joined_on=joined_on, left_on=left_on,
        approved_on=joined_on, decision_no="01/QĐ-UBND",
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def member_of(team_obj: Team, full_name: str = "Trần Thị Bình", role: str = "member", **kw) -> User:
    """A new person with an active membership in ``team_obj``."""
    person = user(full_name=full_name)
    membership(person, team_obj, role=role, **kw)
    return person


def commit() -> None:
    db.session.commit()
