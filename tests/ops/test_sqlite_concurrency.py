"""The embedded SQLite database under concurrent writes, against real gunicorn workers:
two officers marking the same roster, parallel autosaves of one attempt and a QR check-in
burst give no "database is locked", no 500, and lose nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r'''
import json, re, sys, threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
sys.path.insert(0, sys.argv[1])
from bench.loadkit import Browser, Gunicorn, Stats, StepFailed, free_port
from bench.training_day import prepare
import os

port = free_port()
info = prepare(50)
from lms import create_app
from lms.extensions import db
from tests import factories
from lms.training.models import TrainingSession
app = create_app()
with app.app_context():
    from lms.org.models import Commune
    commune = db.session.scalars(db.select(Commune)).first()
    officers = [factories.officer(commune, full_name=f"Cán bộ {n}") for n in (1, 2)]
    db.session.commit()
    officer_phones = ["0" + o.phone[3:] for o in officers]
    from lms.training.checkin import make_token
    token = make_token(info["session_id"])
server = Gunicorn(port, {}, workers=2, threads=4, log=os.environ["GUNICORN_LOG"]).start()
stats = Stats()
from tests.factories import PASSWORD
people = info["people"]
results = {"marks": 0, "saves": 0, "checkins": 0, "failed": []}
lock = threading.Lock()

def login(b, phone):
    b.request("GET", "/login")
    b.form("/login", {"phone": phone, "password": PASSWORD}, expect=(302,))

def officer(n):
    b = Browser(port, stats, retries=0)
    login(b, officer_phones[n])
    b.request("GET", f"/training/sessions/{info['session_id']}/attendance")
    for uid, _phone in people[:30]:
        status = "present" if n == 0 else "late"
        b.form(f"/training/sessions/{info['session_id']}/attendance/{uid}", {"status": status},
               headers={"Accept": "application/json"}, expect=(200, 302))
        with lock:
            results["marks"] += 1

def checkin(index):
    uid, phone = people[30 + index]
    b = Browser(port, stats, retries=0)
    login(b, phone)
    b.request("GET", f"/checkin/{token}")
    b.form("/checkin/complete", {}, expect=(200,))
    with lock:
        results["checkins"] += 1

saver = Browser(port, stats, retries=0)
login(saver, people[0][1])
quiz = f"/modules/{info['module']}/quiz"
saver.request("GET", quiz)
response, _ = saver.form(quiz, {"seen": "0"}, expect=(302,))
attempt = response.getheader("Location").split("//", 1)[-1]
attempt = "/" + attempt.split("/", 1)[1] if not attempt.startswith("/") else attempt
_, page = saver.request("GET", attempt)
fields = {}
for name, value in re.findall(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"', page):
    fields.setdefault(name, value)

def save(item):
    name, value = item
    b = Browser(port, stats, retries=0)
    b.cookie, b.csrf = saver.cookie, saver.csrf
    b.form(f"{attempt}/save", {name: value}, expect=(200,),
           headers={"X-Requested-With": "fetch", "Accept": "application/json"})
    with lock:
        results["saves"] += 1

def guarded(func, arg):
    try:
        func(arg)
    except StepFailed as exc:
        with lock:
            results["failed"].append(str(exc))

jobs = [(officer, 0), (officer, 1)] + [(checkin, i) for i in range(20)] + \
       [(save, item) for item in list(fields.items()) * 3]
try:
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(lambda job: guarded(*job), jobs))
finally:
    server.stop()
results["fields"] = len(fields)
results["names"] = list(fields)
results["attempt_id"] = int(attempt.rstrip("/").split("/")[-1])
results["session_id"] = info["session_id"]
results["people"] = people
print("RESULT " + json.dumps(results))
'''


def test_sqlite_concurrent_writes_against_gunicorn(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'lms.sqlite3'}",
           "SECRET_KEY": "sqlite-concurrency", "LMS_INSTANCE_DIR": str(tmp_path),
           "BASE_URL": "http://127.0.0.1", "RATELIMIT_STORAGE_URI": "memory://",
           "GUNICORN_LOG": str(tmp_path / "gunicorn.log")}
    env.pop("TEST_DATABASE_URL", None)
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    import json

    result = json.loads(run.stdout.split("RESULT ", 1)[1])
    log = (tmp_path / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    assert "database is locked" not in log and "Traceback" not in log, log[-3000:]
    assert result["failed"] == [], result["failed"]
    assert result["marks"] == 60 and result["checkins"] == 20
    assert result["saves"] == 3 * result["fields"] > 0

    import sqlite3

    conn = sqlite3.connect(tmp_path / "lms.sqlite3")
    per_person = dict(conn.execute(
        "SELECT user_id, COUNT(*) FROM attendances WHERE session_id = ? GROUP BY user_id",
        (result["session_id"],)).fetchall())
    ids = [uid for uid, _phone in result["people"]]
    assert all(per_person.get(uid) == 1 for uid in ids[:50]), per_person
    saved = conn.execute("SELECT COUNT(*) FROM attempt_answers WHERE attempt_id = ?",
                         (result["attempt_id"],)).fetchone()[0]
    assert saved == len({name.split("-")[0] for name in result["names"]})
    conn.close()
