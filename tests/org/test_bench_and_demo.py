"""Smoke runs: the import benchmark and the demo step."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.extensions import db
from lms.org.models import Commune, Membership, Team


def test_bench_smoke():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_import_roster", Path(__file__).parents[2] / "bench" / "import_roster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.main(rows=50)
    assert result["people_created"] == 50 and result["memberships_created"] == 50


def test_demo_is_idempotent(app):
    from lms.demo import run_demo

    run_demo()
    first = db.session.scalar(select(func.count(Membership.id)))
    run_demo()
    assert db.session.scalar(select(func.count(Membership.id))) == first
    dt = db.session.scalar(select(Commune).where(Commune.code == "DT"))
    from lms.org.services import team_overview

    rows = team_overview(dt)
    village_rows = [r for r in rows if not r.team.is_commune_level]
    assert len(village_rows) == 27
    assert all(5 <= r.active <= 10 for r in village_rows), [(r.team.name, r.active) for r in rows]
    tq = db.session.scalar(select(Commune).where(Commune.code == "TQ"))
    assert db.session.scalar(select(func.count(Team.id)).where(Team.commune_id == tq.id)) == 19
