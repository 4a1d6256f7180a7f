"""Lighthouse mobile scores (performance, accessibility) for the pages members open.

Targets: performance ≥ 0.95 and accessibility 1.0 on every member page. Serves the
app with the demo data on a free local port, logs in as the demo member, passes the session
cookie to Lighthouse and prints the scores. Needs Node.js and Chromium; installs Lighthouse into
bench/lighthouse/ from the npm registry on first use.

    .venv/bin/python -m bench.lighthouse [PATH ...]     # default: /login, /, /learn, a lesson, a quiz intro and attempt, certificates
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent / "lighthouse"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")


class LighthouseUnavailable(RuntimeError):
    """Lighthouse could not be installed (no npm registry, no Node.js)."""


def lighthouse_bin() -> Path:
    """The Lighthouse CLI, installed with npm on first use."""
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        try:
            subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund"], cwd=HERE,
                           check=True, timeout=600, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise LighthouseUnavailable(f"npm install failed: {exc}") from exc
    return binary


def score(url: str, cookie: str | None) -> dict:
    """Run Lighthouse on one URL; return ``{"performance": x, "accessibility": y}``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        command = [str(lighthouse_bin()), url, "--quiet", f"--chrome-flags={CHROME_FLAGS}",
                   "--only-categories=performance,accessibility", "--form-factor=mobile",
                   "--output=json", f"--output-path={out}"]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "/usr/bin/chromium")
        subprocess.run(command, check=True, env=env, timeout=240)
        report = json.loads(out.read_text())
    return {name: cat["score"] for name, cat in report["categories"].items()}


def member_paths(client) -> list[str]:
    """The first lesson, its module's quiz intro and a started attempt of that quiz."""
    from lms.courses.models import Lesson, Module
    from lms.extensions import db

    module = db.session.scalars(db.select(Module).order_by(Module.position)).first()
    if module is None:
        return []
    lesson = db.session.scalars(db.select(Lesson).where(Lesson.module_id == module.id)
                                .order_by(Lesson.position)).first()
    paths = [f"/learn/{module.slug}/{lesson.slug}"] if lesson else []
    paths.append(f"/modules/{module.slug}/quiz")
    start = client.post(f"/modules/{module.slug}/quiz")
    if start.status_code == 302:
        paths.append(start.headers["Location"])
    return paths


def main(paths: list[str] | None = None) -> dict:
    """Serve the demo app, score each path, print and return the scores."""
    from werkzeug.serving import make_server

    from bench.page_weight import member_client
    from lms import create_app
    from lms.demo import DEMO_PASSWORD, run_demo
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/lh.sqlite3", "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            run_demo()
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per page, not per file
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        client = member_client(app.test_client(), "+84900000004", DEMO_PASSWORD)
        cookie = client.get_cookie("session")
        cookie_header = f"session={cookie.value}" if cookie else None
        if not paths:
            with app.app_context():
                paths = ["/login", "/", "/learn", *member_paths(client), "/certificates/mine"]
        results = {}
        for path in paths:
            anonymous = path == "/login"
            with app.app_context():
                probe = app.test_client() if anonymous else client
                exists = probe.get(path).status_code == 200
            if not exists:
                print(f"{path}: skipped (not 200)")
                continue
            results[path] = score(base + path, None if anonymous else cookie_header)
            print(f"{path}: performance {results[path]['performance']:.2f}, "
                  f"accessibility {results[path]['accessibility']:.2f}")
        server.shutdown()
    return results


if __name__ == "__main__":
    main(sys.argv[1:] or None)
