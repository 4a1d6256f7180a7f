"""A training morning on a province instance, with a server killed in the middle.

Starts PostgreSQL (if down) and Redis (if down), two gunicorn instances of 2 workers each and
nginx in front of them, all on 127.0.0.1; builds a commune of N members with a training
session running now; then, within S seconds, every member logs in, opens a lesson, checks in
to the session with the current QR code, starts the module quiz, saves each answer as it is
chosen (autosave) and submits. K seconds in, one gunicorn instance is killed (SIGKILL) and
started again R seconds later; a step that meets the dead server is tried again, as a person
taps again. At the end it prints the requests, the errors and retries by kind, p50 / p95 /
max, and audits the database: every member has exactly one attendance, every answer whose
save was acknowledged is stored, every acknowledged submit is graded once.

Targets: 0 lost or duplicated records, 0 errors left after the retries, p95 < 500 ms.

    .venv/bin/python bench/training_day.py [--members 500] [--seconds 60] [--kill-at 20]
        [--restart-after 10] [--no-kill] [--database postgresql://…/training_day | sqlite]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadkit import (  # noqa: E402
    Browser,
    Gunicorn,
    Nginx,
    Stats,
    StepFailed,
    free_port,
)

SECRET = "training-day-secret"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/training_day"
_RADIO = re.compile(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"')


def ensure_services(database: str) -> bool:
    """Start PostgreSQL (when the run uses it) and Redis if they are down; whether Redis is
    there to share the rate-limit counters of the two instances."""
    if database.startswith("postgresql") and subprocess.run(
            ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode != 0:
        cluster = sorted(os.listdir("/etc/postgresql"))[0]
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"],
                       check=False)
        for _ in range(30):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
                break
            time.sleep(1)
    if not shutil.which("redis-cli"):
        return False
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True
                      ).returncode != 0 and shutil.which("redis-server"):
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",
                        "--port", "6379", "--save", "", "--appendonly", "no"], check=False)
        time.sleep(1)
    return subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True
                          ).returncode == 0


def fresh_database(url: str, tmp: Path) -> str:
    """A new empty database for the run: PostgreSQL dropped and created again, or a SQLite
    file in ``tmp``."""
    if url == "sqlite":
        return f"sqlite:///{tmp / 'training-day.sqlite3'}"
    from sqlalchemy import create_engine, text

    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "training_day"
    admin = create_engine(url.replace(parts.path, "/postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url


def prepare(members: int) -> dict:
    """Schema, content, a commune of ``members`` people in teams of 10, and a session
    running now that invites every team."""
    from datetime import datetime, timedelta

    from lms import create_app
    from lms.courses.loader import sync_content
    from lms.courses.models import Lesson, Module
    from lms.extensions import db
    from lms.quizzes.models import Quiz
    from lms.timeutil import local_now
    from lms.training.models import TrainingSession
    from tests import factories

    # Members' passwords are hashed at the production cost, as the servers would store them,
    # so every log-in of the morning pays the real key derivation.
    app = create_app()
    with app.app_context():
        db.create_all()
        sync_content(ROOT / "content")
        commune = factories.commune(code="TD", name="Phường Thử Tải")
        teams = [factories.team(commune, f"Tổ CNSCĐ tổ dân phố số {n + 1}")
                 for n in range(max(1, (members + 9) // 10))]
        people = [factories.member_of(teams[i % len(teams)], f"Thành viên số {i + 1:03d}")
                  for i in range(members)]
        now = local_now()
        start = max(now - timedelta(minutes=10), now.replace(hour=0, minute=0))
        end = min(now + timedelta(hours=3), now.replace(hour=23, minute=59))
        session = TrainingSession(commune_id=commune.id, title="Tập huấn kỹ năng số buổi sáng",
                                  date=now.date(), start_time=start.time().replace(
                                      second=0, microsecond=0),
                                  end_time=end.time().replace(second=0, microsecond=0))
        session.teams = teams
        db.session.add(session)
        db.session.commit()
        module = db.session.scalars(db.select(Module).join(Quiz, Quiz.module_id == Module.id)
                                    .order_by(Module.position)).first()
        lesson = db.session.scalars(db.select(Lesson).where(Lesson.module_id == module.id)
                                    .order_by(Lesson.position)).first()
        info = {"session_id": session.id, "module": module.slug, "lesson": lesson.slug,
                "people": [(p.id, "0" + p.phone[3:]) for p in people]}
        db.session.remove()
        db.engine.dispose()
    assert datetime  # (imported for readers of the prepared times)
    return info


class Member:
    """One member's morning."""

    def __init__(self, user_id: int, phone: str, browser: Browser):
        self.user_id, self.phone, self.browser = user_id, phone, browser
        self.checked_in = False
        self.attempt_id: int | None = None
        self.saved: list[tuple[str, str]] = []
        self.submitted = False
        self.failed = ""

    def run(self, info: dict, token_of) -> None:
        b = self.browser
        module = info["module"]
        try:
            b.request("GET", "/login", step="login page")
            response, _t = b.form("/login", {"phone": self.phone, "password": info["password"]},
                                  expect=(302,), step="log in")
            # The phone follows the redirects, as a browser does: the home page after
            # logging in, the result after submitting.
            b.request("GET", urlsplit(response.getheader("Location")).path, step="home")
            b.request("GET", f"/learn/{module}/{info['lesson']}", step="lesson")
            b.request("GET", f"/checkin/{token_of(info['session_id'])}", step="scan QR")
            b.form("/checkin/complete", {}, expect=(200,), step="check in")
            self.checked_in = True
            quiz = f"/modules/{module}/quiz"
            b.request("GET", quiz, step="quiz intro")
            response, _t = b.form(quiz, {"seen": "0"}, expect=(302,), step="start quiz")
            attempt = urlsplit(response.getheader("Location")).path
            self.attempt_id = int(attempt.rstrip("/").split("/")[-1])
            _r, page = b.request("GET", attempt, step="quiz page")
            chosen: dict[str, str] = {}
            for name, value in _RADIO.findall(page):
                chosen.setdefault(name, value)
            for name, value in chosen.items():
                b.form(f"{attempt}/save", {name: value}, expect=(200,), step="autosave",
                       headers={"X-Requested-With": "fetch", "Accept": "application/json"})
                self.saved.append((name, value))
            response, _t = b.form(f"{attempt}/submit", list(chosen.items()), expect=(302,),
                                  step="submit")
            self.submitted = True
            b.request("GET", urlsplit(response.getheader("Location")).path, step="result")
        except StepFailed as exc:
            self.failed = str(exc)
        finally:
            b.close()


def _holds(stored, answer) -> bool:
    """The stored answer holds what one save sent (a save of one matching pair adds to the
    pairs saved before)."""
    if isinstance(stored, dict) and isinstance(answer, dict):
        return all(stored.get(k) == v for k, v in answer.items())
    return stored == answer


def audit(info: dict, members: list[Member]) -> dict:
    """What the database holds against what the members were told."""
    from sqlalchemy import func, select
    from werkzeug.datastructures import MultiDict

    from lms import create_app
    from lms.extensions import db
    from lms.quizzes import grading
    from lms.quizzes.models import Attempt, AttemptAnswer
    from lms.quizzes.services import question_data
    from lms.training.models import Attendance

    app = create_app()
    result = {"attendance_lost": 0, "attendance_duplicated": 0, "answers_lost": 0,
              "submits_lost": 0, "submits_duplicated": 0}
    examples: list = []
    with app.app_context():
        counts = dict(db.session.execute(
            select(Attendance.user_id, func.count()).where(
                Attendance.session_id == info["session_id"]).group_by(Attendance.user_id)).all())
        for m in members:
            n = counts.get(m.user_id, 0)
            if m.checked_in and n == 0:
                result["attendance_lost"] += 1
            if n > 1:
                result["attendance_duplicated"] += 1
        result["members_without_attendance"] = sum(1 for m in members
                                                   if counts.get(m.user_id, 0) == 0)
        for m in members:
            if m.attempt_id is None:
                continue
            attempt = db.session.get(Attempt, m.attempt_id)
            stored = dict(db.session.execute(select(AttemptAnswer.question_id,
                                                    AttemptAnswer.value).where(
                AttemptAnswer.attempt_id == attempt.id)).all())
            datas = question_data(attempt)
            for name, value in m.saved:
                expected = grading.parse_answers(attempt.layout, datas, MultiDict([(name, value)]))
                for qid, answer in expected.items():
                    if not _holds(stored.get(int(qid)), answer):
                        result["answers_lost"] += 1
                        examples.append((name, value, answer, stored.get(int(qid))))
            graded = db.session.scalar(select(func.count()).select_from(Attempt).where(
                Attempt.user_id == m.user_id, Attempt.submitted_at.is_not(None),
                Attempt.score.is_not(None)))
            if m.submitted and graded == 0:
                result["submits_lost"] += 1
            if graded > 1:
                result["submits_duplicated"] += 1
        db.session.remove()
        db.engine.dispose()
    result["answers_lost_examples"] = examples[:3]
    return result


def main(argv: list[str] | None = None) -> dict:
    """Run the morning; print the figures and the audit; return them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-at", type=float, default=20.0)
    parser.add_argument("--restart-after", type=float, default=10.0)
    parser.add_argument("--no-kill", action="store_true")
    parser.add_argument("--database", default=os.environ.get("TRAINING_DAY_DATABASE", DEFAULT_PG),
                        help="a PostgreSQL URL (its database is dropped and created again) "
                             "or 'sqlite'")
    parser.add_argument("--threads", type=int, default=48)
    args = parser.parse_args(argv)

    redis = ensure_services(args.database)
    tmp = Path(tempfile.mkdtemp(prefix="training-day-"))
    database = fresh_database(args.database, tmp)
    nginx_port, ports = free_port(), [free_port(), free_port()]
    env = {"DATABASE_URL": database, "SECRET_KEY": SECRET, "LMS_INSTANCE_DIR": str(tmp),
           "BASE_URL": f"http://127.0.0.1:{nginx_port}", "TRUSTED_PROXIES": "1",
           "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/14" if redis else "memory://",
           "LOG_JSON": "0"}
    os.environ.update(env)
    if redis:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-n", "14", "FLUSHDB"],
                       capture_output=True)
    began_prepare = time.perf_counter()
    info = prepare(args.members)
    from tests.factories import PASSWORD

    info["password"] = PASSWORD
    prepared = time.perf_counter() - began_prepare
    servers = [Gunicorn(p, env, workers=2, log=tmp / f"gunicorn-{p}.log").start() for p in ports]
    proxy = Nginx(nginx_port, ports, tmp / "nginx").start()
    warm = Stats()  # the servers were up before the morning: each worker has served a page
    for port in ports:
        for _ in range(4):
            Browser(port, warm).request("GET", "/login")

    from lms import create_app
    from lms.training.checkin import make_token

    app = create_app()
    token_lock = threading.Lock()

    def token_of(session_id: int) -> str:
        with token_lock, app.app_context():  # what the QR screen shows at this moment
            return make_token(session_id)

    stats = Stats()
    members = [Member(uid, phone, Browser(nginx_port, stats)) for uid, phone in info["people"]]
    events: list[str] = []
    began = time.monotonic()

    def killer() -> None:
        time.sleep(max(0.0, args.kill_at - (time.monotonic() - began)))
        servers[0].kill()
        events.append(f"{time.monotonic() - began:.1f}s: killed gunicorn :{ports[0]} (SIGKILL)")
        time.sleep(args.restart_after)
        servers[0].start()
        events.append(f"{time.monotonic() - began:.1f}s: gunicorn :{ports[0]} started again")

    kill_thread = None
    if not args.no_kill:
        kill_thread = threading.Thread(target=killer, daemon=True)
        kill_thread.start()
    spread = args.seconds * 0.75 / max(1, len(members))

    def launch(index: int) -> None:
        wait = began + index * spread - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        members[index].run(info, token_of)

    try:
        with ThreadPoolExecutor(max_workers=min(args.threads, len(members))) as pool:
            list(pool.map(launch, range(len(members))))
        wall = time.monotonic() - began
        if kill_thread:
            kill_thread.join(timeout=args.kill_at + args.restart_after + 30)
    finally:
        retried = proxy.retried()
        proxy.stop()
        for server in servers:
            server.stop()
    checks = audit(info, members)
    summary = stats.summary()
    failed = [m.failed for m in members if m.failed]
    result = {"members": len(members), "wall_s": round(wall, 1), "prepare_s": round(prepared, 1),
              **summary, "nginx_retried": retried, "members_failed": len(failed), **checks,
              "events": events, "database": database.split("@")[-1]}
    print(f"training_day: {len(members)} members in {wall:.1f} s on {result['database']} "
          f"(nginx + 2 gunicorn × 2 workers; prepared in {prepared:.1f} s)")
    for line in events:
        print(f"  {line}")
    print(f"  requests {summary['requests']}, p50 {summary['p50_ms']} ms, p95 "
          f"{summary['p95_ms']} ms, max {summary['max_ms']} ms; nginx passed {retried} "
          f"request(s) to the other server")
    print("  p50/p95 ms by step: " + ", ".join(f"{k} {a}/{b}" for k, (a, b) in
                                             stats.steps().items()))
    print(f"  retried by the members: {summary['retries'] or 'none'}")
    print(f"  errors left after retries: {summary['errors'] or 'none'}")
    print(f"  audit: attendance lost {checks['attendance_lost']}, duplicated "
          f"{checks['attendance_duplicated']}, members without attendance "
          f"{checks['members_without_attendance']}; answers lost {checks['answers_lost']}; "
          f"submits lost {checks['submits_lost']}, graded twice {checks['submits_duplicated']}")
    for example in checks["answers_lost_examples"]:
        print(f"  answer lost: {example}")
    for line in failed[:5]:
        print(f"  failed: {line}")
    shutil.rmtree(tmp, ignore_errors=True)
    return result


def passed(result: dict, smoke: bool = False) -> bool:
    """The targets: nothing lost or duplicated, no error left, p95 < 500 ms (not for smoke)."""
    clean = not any(result[k] for k in ("attendance_lost", "attendance_duplicated",
                                        "members_without_attendance", "answers_lost",
                                        "submits_lost", "submits_duplicated", "members_failed"))
    return clean and not result["errors"] and (smoke or result["p95_ms"] < 500)


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if passed(outcome) else 1)
