"""``lms demo``: idempotent demo data for trying the platform.

The core step here creates the two demo communes and the four demo accounts of DESIGN.md.
Feature packages add their own steps with :func:`demo_step` (rosters, content, sessions,
certificates); each step must be idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from lms.auth.models import User
from lms.extensions import db
from lms.normalize import fold
from lms.org.models import Commune, Membership, Team, Village

DEMO_PASSWORD = "demo1234"

DEMO_ACCOUNTS = (
    # phone, name, account role, birth year, gender, occupation
    ("+84900000001", "Quản trị hệ thống", "admin", 1985, "male", "Sở Khoa học và Công nghệ"),
    ("+84900000002", "Lê Thị Thu Hà", "officer", 1988, "female", "Phòng Văn hóa - Xã hội"),
    ("+84900000003", "Trần Văn Dũng", "member", 1979, "male", "Tổ trưởng tổ dân phố"),
    ("+84900000004", "Nguyễn Thị Mai", "member", 1996, "female", "Giáo viên"),
    ("+84900000005", "Phạm Minh Tuấn", "province", 1983, "male", "Sở Khoa học và Công nghệ"),
)
# The demo communes' official units: Phường Duy Tiên (Ninh Bình), Xã Tam Quang (Nghệ An).
DEMO_UNITS = {"DT": 13324, "TQ": 16933}

_STEPS: list[tuple[int, str, Callable]] = []


def demo_step(order: int, name: str):
    """Register an idempotent demo step ``func(ctx: dict)``, run in ``order``."""

    def decorator(func: Callable) -> Callable:
        if not any(existing == name for _, existing, _f in _STEPS):
            _STEPS.append((order, name, func))
        return func

    return decorator


def demo_password_hash() -> str:
    """One hash of the demo password, shared by every demo account (hashing is slow by design)."""
    from lms.auth.passwords import make_hash

    return make_hash(DEMO_PASSWORD, current_app.config["PASSWORD_HASH_METHOD"])


def get_or_create(model, defaults: dict | None = None, **keys):
    """Fetch the row matching ``keys`` or add a new one with ``defaults``."""
    obj = db.session.scalars(select(model).filter_by(**keys)).first()
    if obj is None:
        obj = model(**keys, **(defaults or {}))
        db.session.add(obj)
        db.session.flush()
    return obj


@demo_step(10, "communes and accounts")
def core_step(ctx: dict) -> None:
    """Provinces, the two demo communes (official units), their commune-level teams and the
    demo accounts (a province officer of Ninh Bình among them)."""
    from lms.org import units

    dt_unit, tq_unit = units.unit_by_code(DEMO_UNITS["DT"]), units.unit_by_code(DEMO_UNITS["TQ"])
    ninh_binh = units.ensure_province(dt_unit.province_code)
    nghe_an = units.ensure_province(tq_unit.province_code)
    duy_tien = get_or_create(
        Commune,
        code="DT",
        defaults=dict(
            name=dt_unit.name,
            province_id=ninh_binh.id,
            official_code=dt_unit.code,
            unit_kind=dt_unit.kind,
            village_kind="to_dan_pho",
            place_name=dt_unit.place_name,
            signer_on_behalf="TM. ỦY BAN NHÂN DÂN",
            signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            signer_name="Nguyễn Văn Hùng",
        ),
    )
    tam_quang = get_or_create(
        Commune,
        code="TQ",
        defaults=dict(
            name=tq_unit.name,
            province_id=nghe_an.id,
            official_code=tq_unit.code,
            unit_kind=tq_unit.kind,
            village_kind="ban",
            place_name=tq_unit.place_name,
            signer_on_behalf="TM. ỦY BAN NHÂN DÂN",
            signer_title="CHỦ TỊCH",
            signer_name="Lò Văn Thành",
        ),
    )
    for commune, unit in ((duy_tien, dt_unit), (tam_quang, tq_unit)):
        if commune.official_code is None:  # a database from before the official list
            units.link_commune(commune, unit)
    ctx["communes"] = {"DT": duy_tien, "TQ": tam_quang}
    for commune in (duy_tien, tam_quang):
        get_or_create(
            Team,
            commune_id=commune.id,
            village_id=None,
            defaults=dict(
                name=f"Tổ CNSCĐ {commune.name}",
                is_commune_level=True,
            ),
        )
    password_hash = ctx.setdefault("password_hash", demo_password_hash())
    users = {}
    for phone, name, role, birth_year, gender, occupation in DEMO_ACCOUNTS:
        user = db.session.scalars(select(User).where(User.phone == phone)).first()
        if user is None:
            user = User(
                phone=phone,
                full_name=name,
                name_folded=fold(name),
                account_role=role,
                birth_year=birth_year,
                gender=gender,
                occupation=occupation,
                password_hash=password_hash,
                must_change_password=False,
                commune_id=duy_tien.id if role == "officer" else None,
                province_id=ninh_binh.id if role == "province" else None,
            )
            db.session.add(user)
            db.session.flush()
        users[phone] = user
    ctx["users"] = users
    # The demo leader leads Tổ dân phố số 1; the demo member belongs to it.
    village = get_or_create(Village, commune_id=duy_tien.id, name="Tổ dân phố Hòa Lạc",
                            defaults=dict(kind="to_dan_pho"))
    team = get_or_create(Team, commune_id=duy_tien.id, village_id=village.id,
                         defaults=dict(name="Tổ CNSCĐ tổ dân phố Hòa Lạc"))
    start = date(2025, 3, 1)
    for phone, role in (("+84900000003", "leader"), ("+84900000004", "member")):
        get_or_create(
            Membership,
            user_id=users[phone].id,
            team_id=team.id,
            defaults=dict(role=role, joined_on=start, approved_on=start, decision_no="45/QĐ-UBND"),
        )
    ctx["demo_team"] = team


def run_demo() -> list[str]:
    """Run every registered step in order, committing after each; return the step names."""
    import importlib

    for name in ("org", "courses", "quizzes", "training", "certificates"):
        try:
            importlib.import_module(f"lms.{name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"lms.{name}.demo":
                raise
    ctx: dict = {}
    done = []
    for _order, name, func in sorted(_STEPS, key=lambda s: s[0]):
        func(ctx)
        db.session.commit()
        done.append(name)
    return done


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo communes, accounts and data (safe to run again)."""
    for name in run_demo():
        click.echo(f"demo: {name} ✓")
    click.echo(f"Demo accounts use the password {DEMO_PASSWORD!r}.")
