"""Figures beyond one commune's report: a person's own status, and every commune's totals
(a province or the whole country) in one set-based pass. The rule itself is in
:mod:`lms.training.compliance`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from sqlalchemy import Integer, bindparam, func, select

from lms.extensions import db
from lms.org.models import Commune
from lms.training.compliance import (
    _dialect,
    default_as_of,
    learning_paths,
    share,
    status_counts,
    status_tables,
)


def person_status(user_id: int, year: int, as_of: date | None = None) -> list[dict]:
    """A person's status in each commune where they are in scope (usually one).

    Each dict: commune_id, trainings, required, status (compliant / new / missing).
    """
    as_of = as_of or default_as_of(year)
    stmt = _person_status_statement(year, as_of, learning_paths(), _dialect())
    rows = db.session.execute(stmt, {"ps_user_id": user_id}).all()
    return [
        {"commune_id": r[0], "trainings": int(r[1] or 0), "required": int(r[2]), "status": r[3]}
        for r in rows
    ]


@lru_cache(maxsize=16)
def _person_status_statement(year: int, as_of: date, paths: tuple, dialect: str):
    """The statement of :func:`person_status`, built once per day and set of learning paths
    (every member's home page runs it; building it costs more than running it)."""
    _scope, ps = status_tables(year, as_of, user_id=bindparam("ps_user_id", type_=Integer),
                               paths=paths, dialect=dialect)
    return select(ps.c.commune_id, ps.c.trainings, ps.c.required, ps.c.status)


def commune_summaries(
    year: int, as_of: date | None = None, province_id: int | None = None
) -> list[dict]:
    """Per-commune totals for every commune (or a province's), in one set-based pass.

    Each dict: commune_id, code, name, province_id, in_scope, compliant, new, share.
    """
    as_of = as_of or default_as_of(year)
    _scope, ps = status_tables(year, as_of, province_id=province_id)
    totals = (
        select(ps.c.commune_id, *status_counts(ps.c.status)).group_by(ps.c.commune_id).subquery("t")
    )
    stmt = (
        select(
            Commune.id,
            Commune.code,
            Commune.name,
            Commune.province_id,
            func.coalesce(totals.c.in_scope, 0),
            func.coalesce(totals.c.compliant, 0),
            func.coalesce(totals.c.new, 0),
        )
        .outerjoin(totals, totals.c.commune_id == Commune.id)
        .order_by(Commune.code)
    )
    if province_id is not None:
        stmt = stmt.where(Commune.province_id == province_id)
    out = []
    for cid, code, name, pid, in_scope, compliant, new in db.session.execute(stmt):
        in_scope, compliant, new = int(in_scope), int(compliant), int(new)
        out.append(
            {
                "commune_id": cid,
                "code": code,
                "name": name,
                "province_id": pid,
                "in_scope": in_scope,
                "compliant": compliant,
                "new": new,
                "share": share(compliant, in_scope, new),
            }
        )
    return out


def summary_totals(rows: list[dict]) -> dict:
    """Add up :func:`commune_summaries` rows (a province's or the country's figure)."""
    in_scope = sum(r["in_scope"] for r in rows)
    compliant = sum(r["compliant"] for r in rows)
    new = sum(r["new"] for r in rows)
    return {
        "communes": len(rows),
        "in_scope": in_scope,
        "compliant": compliant,
        "new": new,
        "share": share(compliant, in_scope, new),
    }
