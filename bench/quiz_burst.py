"""A classroom burst: N members open, start and submit the same quiz within S seconds.

Runs gunicorn (2 workers, 127.0.0.1, a free port) on a temporary SQLite database prepared
with the members, one module quiz and a signed session cookie per member, then replays each
member's flow (intro → start → attempt page → submit → result) with real HTTP requests and
prints p50/p95/max latency and the error count. Target (DESIGN.md): no error, p95 < 300 ms.

    .venv/bin/python bench/quiz_burst.py [--members 200] [--seconds 10] [--timeout 180]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "quiz-burst-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict, members: int) -> tuple[str, list[str]]:
    """Create the schema, the members, the quiz; return the module slug and session cookies."""
    os.environ.update(env)
    from lms import create_app
    from lms.courses.models import Module
    from lms.extensions import db
    from lms.quizzes.loader import sync_quiz, validate_quiz
    from tests import factories

    app = create_app({"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    cookies = []
    with app.app_context():
        db.create_all()
        commune = factories.commune(code="BENCH")
        team = factories.team(commune)
        people = [factories.member_of(team, full_name=f"Thành viên {i}") for i in range(members)]
        files = sorted((ROOT / "content").glob("*/quiz.yaml"))
        if files:
            path = files[0]
        else:  # pragma: no cover - content not written yet
            import yaml

            from tests.quizzes.conftest import QUIZ

            path = Path(env["LMS_INSTANCE_DIR"]) / "quiz.yaml"
            path.write_text(yaml.safe_dump(QUIZ, allow_unicode=True), encoding="utf-8")
        module = Module(slug="bench-quiz", title_vi="Bài kiểm tra", title_en="Quiz", position=1)
        db.session.add(module)
        db.session.flush()
        errors: list = []
        data = validate_quiz(path, "bench-quiz", errors)
        if data is None:
            raise SystemExit("\n".join(str(e) for e in errors))
        sync_quiz(module, data)
        db.session.commit()
        serializer = app.session_interface.get_signing_serializer(app)
        from lms.auth.sessions import start_session

        tokens = [start_session(person) for person in people]
        db.session.commit()
        for person, token in zip(people, tokens, strict=True):
            cookies.append(serializer.dumps({"_user_id": str(person.id), "_fresh": True,
                                             "lang": "vi", "sid": token}))
        db.engine.dispose()
    return "bench-quiz", cookies


class Member:
    """One member's browser: a cookie and a keep-alive connection."""

    def __init__(self, port: int, cookie: str, timings: list, errors: list, lock):
        self.port, self.cookie = port, cookie
        self.timings, self.errors, self.lock = timings, errors, lock

    def request(self, method: str, path: str, body: str | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": f"session={self.cookie}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = time.perf_counter() - began
        with self.lock:
            self.timings.append(elapsed)
        set_cookie = response.getheader("Set-Cookie") or ""
        match = re.search(r"session=([^;]+)", set_cookie)
        if match:
            self.cookie = match.group(1)
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status}")
        return response, text

    def run(self, slug: str) -> None:
        try:
            _r, intro = self.request("GET", f"/modules/{slug}/quiz")
            token = re.search(r'name="csrf_token" value="([^"]+)"', intro).group(1)
            response, _t = self.request("POST", f"/modules/{slug}/quiz",
                                        f"csrf_token={token}&seen=0")
            attempt_path = response.getheader("Location")
            _r, page = self.request("GET", attempt_path)
            fields = [("csrf_token", token)]
            seen_radio = set()
            for name, value in re.findall(r'type="(?:radio|checkbox)" name="([^"]+)" value="([^"]+)"',
                                          page):
                if name not in seen_radio:
                    seen_radio.add(name)
                    fields.append((name, value))
            from urllib.parse import urlencode

            response, _t = self.request("POST", attempt_path + "/submit", urlencode(fields))
            self.request("GET", response.getheader("Location"))
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            with self.lock:
                self.errors.append(repr(exc))


def main(argv: list[str] | None = None) -> int:
    """Run the burst; print the figures; exit 1 on any error or if p95 ≥ 300 ms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="quiz-burst-"))
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "SECRET_KEY": SECRET,
        "LMS_INSTANCE_DIR": str(tmp), "BASE_URL": "http://127.0.0.1",
    }
    slug, cookies = prepare(env, args.members)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env={**os.environ, **env},
    )
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        timings: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        members = [Member(port, c, timings, errors, lock) for c in cookies]
        began = time.monotonic()
        spacing = args.seconds / max(1, len(members))

        def launch(index: int) -> None:
            wait = began + index * spacing - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if time.monotonic() < deadline:
                members[index].run(slug)

        with ThreadPoolExecutor(max_workers=min(64, len(members))) as pool:
            list(pool.map(launch, range(len(members))))
        wall = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(timeout=20)
    timings.sort()
    p50 = statistics.median(timings) * 1000 if timings else 0
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)] * 1000 if timings else 0
    worst = timings[-1] * 1000 if timings else 0
    print(f"members={len(cookies)} requests={len(timings)} wall={wall:.1f}s "
          f"p50={p50:.0f}ms p95={p95:.0f}ms max={worst:.0f}ms errors={len(errors)}")
    for error in errors[:5]:
        print("  error:", error)
    return 0 if not errors and p95 < 300 else 1


if __name__ == "__main__":
    sys.exit(main())
