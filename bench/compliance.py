"""Benchmark of the annual compliance report (DESIGN.md budgets).

Builds a data set quickly (executemany on SQLite, COPY on PostgreSQL), then times:
- one commune's report (budget < 100 ms);
- a province's per-commune summary, 25,000 members / 300,000 attendances (< 1 s on SQLite),
  beside the same figures computed by a naive per-member ORM loop (ratio printed);
- the province dashboard page (``/province``) at the province scale (< 1 s on SQLite);
- the national summary, 500,000 members in 3,000 communes / 6 million attendances
  (< 10 s on PostgreSQL) — only with ``--scale country`` or ``all``.

    .venv/bin/python bench/compliance.py --scale commune|province|country|all|tiny \
        [--database URL]

The database is emptied first (default: a fresh SQLite file in /tmp).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SCALES = {
    # communes, members per commune, teams per commune, sessions per year, attendances/member
    "tiny": (2, 30, 3, 4, 3),
    "commune": (1, 250, 27, 12, 12),
    "province": (100, 250, 25, 12, 12),
    "country": (3000, 167, 17, 12, 12),
}
YEAR = 2026
AS_OF = date(2026, 11, 24)


def _defaults(table, row: dict, now: datetime) -> dict:
    for column in table.columns:
        if column.name in row:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            row[column.name] = default.arg
        elif default is not None and default.is_callable:
            row[column.name] = now
        else:
            row[column.name] = None
    return row


def bulk(table, rows: list[dict]) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany otherwise."""
    from lms.extensions import db

    if not rows:
        return
    now = datetime.now(UTC)
    rows = [_defaults(table, dict(r), now) for r in rows]
    columns = [c.name for c in table.columns]
    engine = db.engine
    if engine.dialect.name == "postgresql":
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            names = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
            raw.commit()
        finally:
            raw.close()
        return
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'

    def plain(value):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, date):
            return value.isoformat()
        return value

    with engine.begin() as conn:
        for start in range(0, len(rows), 50_000):
            chunk = [tuple(plain(r[c]) for c in columns) for r in rows[start:start + 50_000]]
            conn.exec_driver_sql(sql, chunk)


def build(scale: str, province_name: str = "Tỉnh Thử") -> dict:
    """Create one province with the communes, teams, people and attendances of ``scale``."""
    from lms.auth.models import User
    from lms.org.models import Commune, Membership, Province, Team
    from lms.training.models import Attendance, TrainingSession, session_teams

    n_communes, per_commune, n_teams, per_year, per_member = SCALES[scale]
    bulk(Province.__table__, [{"id": 1, "name": province_name}])
    communes, teams, users, members, sessions, invited, atts = [], [], [], [], [], [], []
    uid = tid = sid = mid = aid = 0
    for ci in range(n_communes):
        cid = ci + 1
        communes.append({"id": cid, "code": f"C{cid:04d}", "name": f"Xã Thử {cid}",
                         "province_id": 1, "place_name": f"Thử {cid}", "signer_name": "A"})
        team_ids = []
        for ti in range(n_teams):
            tid += 1
            team_ids.append(tid)
            teams.append({"id": tid, "commune_id": cid, "village_id": None,
                          "name": f"Tổ {ti + 1}", "is_commune_level": ti == 0})
        session_ids = []
        for year in (YEAR - 1, YEAR):
            for k in range(per_year):
                sid += 1
                session_ids.append((sid, year))
                sessions.append({"id": sid, "commune_id": cid, "title": f"Lớp {year}-{k}",
                                 "date": date(year, 1 + k % 12, 10), "mode": "in_person",
                                 "cancelled_at": datetime(2026, 1, 1, tzinfo=UTC)
                                 if k == per_year - 1 else None})
                invited.extend({"session_id": sid, "team_id": t} for t in team_ids)
        for m in range(per_commune):
            uid += 1
            users.append({"id": uid, "full_name": f"Người {uid}", "name_folded": f"nguoi {uid}",
                          "phone": f"+849{uid:08d}", "must_change_password": False,
                          "account_role": "member", "locale": "vi", "active": True})
            joined = date(2026, 11, 15) if m % 25 == 1 else date(2024, 3, 1)
            left = date(2026, 5, 1) if m % 40 == 2 else None
            mid += 1
            members.append({"id": mid, "user_id": uid, "team_id": team_ids[m % n_teams],
                            "role": "leader" if m < n_teams else "member", "joined_on": joined,
                            "left_on": left})
            if m % 50 == 3:  # also in the commune-level team
                mid += 1
                members.append({"id": mid, "user_id": uid, "team_id": team_ids[0],
                                "role": "member", "joined_on": joined, "left_on": None})
            for k in range(per_member):
                s, year = session_ids[(m + k * 5) % len(session_ids)]
                status = "present"
                if m % 10 == 0 and year == YEAR:
                    status = "absent"
                elif k % 6 == 1:
                    status = "late"
                elif k % 9 == 2:
                    status = "excused"
                aid += 1
                atts.append({"id": aid, "session_id": s, "user_id": uid, "status": status,
                             "method": "import"})
        if len(atts) >= 400_000 or ci == n_communes - 1:
            for table, rows in ((Commune.__table__, communes), (Team.__table__, teams),
                                (User.__table__, users), (Membership.__table__, members),
                                (TrainingSession.__table__, sessions), (session_teams, invited),
                                (Attendance.__table__, atts)):
                bulk(table, rows)
                rows.clear()
    return {"communes": n_communes, "members": uid, "attendances": aid}


def naive_summary(province_id: int) -> dict:
    """The same per-commune figures by a per-member loop over the ORM (for comparison)."""
    from sqlalchemy import select

    from lms.extensions import db
    from lms.org.models import Commune, Membership, Team
    from lms.training.compliance import effective_rule
    from lms.training.models import Attendance, TrainingSession

    out = {}
    for commune in db.session.scalars(select(Commune).where(Commune.province_id == province_id)):
        rule = effective_rule(commune.id, YEAR)
        people: dict[int, date] = {}
        for team in db.session.scalars(select(Team).where(Team.commune_id == commune.id)):
            for m in db.session.scalars(select(Membership).where(Membership.team_id == team.id)):
                if m.active_on(AS_OF):
                    people[m.user_id] = min(people.get(m.user_id, m.joined_on), m.joined_on)
        compliant = new = 0
        for user_id, joined in people.items():
            n = 0
            for att in db.session.scalars(select(Attendance).where(Attendance.user_id == user_id)):
                s = db.session.get(TrainingSession, att.session_id)
                if (att.status in ("present", "late") and s.cancelled_at is None
                        and date(YEAR, 1, 1) <= s.date <= AS_OF):
                    n += 1
            if n >= rule["required_count"]:
                compliant += 1
            elif (date(YEAR, 12, 31) - joined).days < rule["grace_days"]:
                new += 1
        out[commune.id] = (len(people), compliant, new)
    return out


def province_dashboard(app) -> dict:
    """Time ``/province`` (every commune's figure, the chart, sessions per month) for a
    province officer of province 1 (budget < 1 s at 100 communes / 25,000 members)."""
    from lms.auth.models import User
    from lms.extensions import db
    from lms.privacy.services import PRIVACY_VERSION

    user = User(full_name="Cán bộ Sở", name_folded="can bo so", phone="+84899999999",
                account_role="province", province_id=1, must_change_password=False,
                privacy_version=PRIVACY_VERSION, locale="vi")
    db.session.add(user)
    db.session.commit()
    from lms.auth.sessions import start_session

    token = start_session(user)
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["sid"] = token

    def get():
        response = client.get(f"/province?year={YEAR}")
        assert response.status_code == 200, response.status_code
        return response

    t_dash, response = timed(get)
    return {"province_dashboard_s": round(t_dash, 3),
            "province_dashboard_kb": round(len(response.data) / 1024, 1)}


def timed(func, repeat: int = 3):
    """Best wall time of ``repeat`` runs and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def run(scale: str, database: str, naive: bool = True) -> dict:
    """Build ``scale`` in ``database`` and time the reports; returns the figures."""
    from lms import create_app
    from lms.extensions import db
    from lms.org.models import Commune
    from lms.training.compliance import commune_report
    from lms.training.summaries import commune_summaries

    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SQLALCHEMY_ENGINE_OPTIONS": {},
                      "SECRET_KEY": "bench"})
    figures = {"scale": scale}
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        figures.update(build(scale))
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        figures["build_s"] = round(time.perf_counter() - start, 2)
        commune = db.session.get(Commune, 1)
        t_one, report = timed(lambda: commune_report(commune, YEAR, AS_OF))
        figures["one_commune_ms"] = round(t_one * 1000, 1)
        figures["one_commune_in_scope"] = report.in_scope
        t_all, rows = timed(lambda: commune_summaries(YEAR, AS_OF, province_id=1),
                            repeat=1 if scale == "country" else 3)
        figures["summary_s"] = round(t_all, 3)
        figures.update(province_dashboard(app))
        figures["summary_in_scope"] = sum(r["in_scope"] for r in rows)
        if naive and scale in ("tiny", "province"):
            start = time.perf_counter()
            slow = naive_summary(1)
            figures["naive_s"] = round(time.perf_counter() - start, 2)
            figures["naive_ratio"] = round(figures["naive_s"] / max(t_all, 1e-6), 1)
            fast = {r["commune_id"]: (r["in_scope"], r["compliant"], r["new"]) for r in rows}
            figures["naive_agrees"] = slow == fast
        db.session.remove()
        db.engine.dispose()
    return figures


def main(argv=None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="commune",
                        choices=["tiny", "commune", "province", "country", "all"])
    parser.add_argument("--database", default=None,
                        help="SQLAlchemy URL (default: a fresh SQLite file in /tmp)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive ORM loop")
    args = parser.parse_args(argv)
    from lms.config import database_uri

    scales = ["commune", "province", "country"] if args.scale == "all" else [args.scale]
    for scale in scales:
        url = args.database or f"sqlite:////tmp/bench_compliance_{scale}.sqlite3"
        if url.startswith("sqlite:////"):
            Path(url[len("sqlite:///"):]).unlink(missing_ok=True)
        figures = run(scale, database_uri(url), naive=not args.no_naive)
        out = io.StringIO()
        for key, value in figures.items():
            out.write(f"{key:>22}: {value}\n")
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
