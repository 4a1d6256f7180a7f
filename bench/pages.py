"""Lesson page throughput: a commune in a temporary SQLite database, gunicorn with 2 workers,
one logged-in member, and an HTTP load generator (wrk if installed, else a threaded Python client
with keep-alive). Bounded in time; prints requests/s and p95.

    .venv/bin/python bench/pages.py [--seconds 10] [--connections 16] [--members 300]

Budget (DESIGN.md): ≥ 300 requests/s on 2 workers.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
WRK = "/usr/bin/wrk"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("WRK p95_us=%d requests=%d errors=%d\\n", latency:percentile(95),
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_data(env: dict, members: int) -> tuple[str, str]:
    """Schema, shipped content and a commune of ``members`` members with some progress.
    Returns (phone of the member who logs in, a lesson URL)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import select
    from werkzeug.security import generate_password_hash

    from lms import create_app
    from lms.auth.models import User
    from lms.courses.loader import sync_content
    from lms.courses.models import Lesson, LessonProgress, Module
    from lms.extensions import db
    from lms.normalize import fold
    from lms.org.models import Commune, Membership, Team, Village
    from lms.privacy.services import PRIVACY_VERSION

    app = create_app()
    with app.app_context():
        db.create_all()
        sync_content(ROOT / "content")
        commune = Commune(code="BENCH", name="Xã Thử Tải", place_name="Thử Tải")
        db.session.add(commune)
        db.session.flush()
        password_hash = generate_password_hash(PASSWORD, method=env["PASSWORD_HASH_METHOD"])
        lessons = list(db.session.scalars(select(Lesson.id)))
        first_phone = None
        teams = []
        for number in range(max(1, members // 8)):
            village = Village(commune_id=commune.id, name=f"Thôn {number + 1}")
            db.session.add(village)
            db.session.flush()
            team = Team(commune_id=commune.id, village_id=village.id, name=f"Tổ CNSCĐ thôn {number + 1}")
            db.session.add(team)
            teams.append(team)
        db.session.flush()
        from datetime import date

        for number in range(members):
            name = f"Nguyễn Văn Thử {number}"
            user = User(full_name=name, name_folded=fold(name), phone=f"+8498{number:07d}",
                        password_hash=password_hash, must_change_password=False, locale="vi",
                        privacy_version=PRIVACY_VERSION)
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, team_id=teams[number % len(teams)].id,
                                      role="member", joined_on=date(2025, 1, 1)))
            for lesson_id in lessons[: number % len(lessons)]:
                db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson_id))
            first_phone = first_phone or user.phone
        db.session.commit()
        module = db.session.scalars(select(Module).order_by(Module.position)).first()
        lesson = next(x for x in module.lessons if not x.retired)
        return first_phone, f"/learn/{module.slug}/{lesson.slug}"


def wait_ready(port: int, timeout: float = 20.0) -> None:
    """Wait until the server answers /healthz."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def login(port: int, phone: str) -> str:
    """Log in through the real form (CSRF on); return the Cookie header value."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urlencode({"phone": phone, "password": PASSWORD, "csrf_token": token})
    conn.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                          "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login failed: {response.status}")
    return response.getheader("Set-Cookie", "").split(";")[0]


def run_wrk(port: int, path: str, cookie: str, seconds: int, connections: int) -> dict:
    """Load with wrk; parse requests/s and p95."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name,
             "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    match = re.search(r"WRK p95_us=(\d+) requests=(\d+) errors=(\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"tool": "wrk", "rps": rate, "p95_ms": int(match.group(1)) / 1000,
            "requests": int(match.group(2)),
            "errors": int(match.group(3)) + (int(non2xx.group(1)) if non2xx else 0)}


def run_python(port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
    """Load with threads, each on one keep-alive connection."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0.0
    return {"tool": "python", "rps": len(latencies) / elapsed, "p95_ms": p95,
            "requests": len(latencies), "errors": errors[0]}


def main(argv: list[str] | None = None) -> int:
    """Build the data, start gunicorn, measure, print, stop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "LMS_INSTANCE_DIR": str(tmp),
        "SECRET_KEY": "bench-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_LIMIT": "1000 per minute",
    }
    server = None
    try:
        phone, path = build_data(env, args.members)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env={**os.environ, **env},
        )
        wait_ready(port)
        cookie = login(port, phone)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        size = len(response.read())
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        use_wrk = os.path.exists(WRK) and not args.python_client
        runner = run_wrk if use_wrk else run_python
        result = runner(port, path, cookie, args.seconds, args.connections)
        print(f"lesson page {path} ({size} bytes HTML), {args.members} members, "
              f"2 gunicorn workers, {args.connections} connections, {args.seconds}s, {result['tool']}")
        print(f"requests/s: {result['rps']:.0f}")
        print(f"p95 ms: {result['p95_ms']:.1f}")
        print(f"requests: {result['requests']}  errors: {result['errors']}")
        print(f"budget ≥ 300 requests/s: {'met' if result['rps'] >= 300 else 'NOT met'}")
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
