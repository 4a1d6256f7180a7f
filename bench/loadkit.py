"""What the load benchmarks and the concurrency tests share: free ports, app servers started
as real processes (gunicorn, nginx), and a small browser (cookie, CSRF token, timings, retries
like a person who taps again)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
RETRY_STATUSES = (502, 503, 504)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")


class Gunicorn:
    """One gunicorn instance (its own process group, so that it can be killed whole)."""

    def __init__(self, port: int, env: dict, workers: int = 2, log: Path | None = None,
                 threads: int = 1):
        self.port, self.env, self.workers, self.log = port, env, workers, log
        self.threads = threads
        self.process: subprocess.Popen | None = None

    def start(self) -> Gunicorn:
        """Start it and wait until it accepts connections."""
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(self.workers), "--threads", str(self.threads),
             "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
             "wsgi:app"],
            cwd=ROOT, env={**os.environ, **self.env}, stdout=out, stderr=out,
            start_new_session=True)
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        """SIGKILL the master and its workers at once (a server that dies)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop it gently (SIGTERM), then for good."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def nginx_binary() -> str | None:
    """Debian's nginx, if installed."""
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


NGINX_CONF = """\
# Written by bench/loadkit.py: the proxy part of deploy/nginx/lms.conf on 127.0.0.1, no TLS.
daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_max_body_size 5m;
    upstream lms {{
        least_conn;
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /static/ {{ alias {static}/; expires 1y; }}
        location / {{
            proxy_pass http://lms;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
        }}
    }}
}}
"""


class Nginx:
    """nginx in front of the app servers (in the foreground, in a folder of its own)."""

    def __init__(self, port: int, upstreams: list[int], prefix: Path):
        self.port, self.upstreams, self.prefix = port, upstreams, prefix
        self.process: subprocess.Popen | None = None

    def start(self) -> Nginx:
        """Write the configuration, start nginx and wait until it accepts connections."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        self.prefix.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                            for p in self.upstreams)
        conf = self.prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(
            prefix=self.prefix, port=self.port, servers=servers, static=ROOT / "lms" / "static",
            user="user root;" if os.geteuid() == 0 else ""), encoding="utf-8")
        log = open(self.prefix / "stderr.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen([binary, "-c", str(conf), "-p", str(self.prefix)],
                                        stdout=log, stderr=log)
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        """Stop nginx."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def retried(self) -> int:
        """How many requests nginx passed to the next server (its error log says so)."""
        log = self.prefix / "error.log"
        if not log.exists():
            return 0
        text = log.read_text(encoding="utf-8", errors="replace")
        return text.count("while connecting to upstream") + text.count(
            "upstream prematurely closed")


class Stats:
    """Timings and outcomes shared by every browser of a run (thread-safe)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.timings: list[float] = []
        self.by_step: dict[str, list[float]] = {}
        self.errors: Counter = Counter()  # a step that failed for good, by kind
        self.retries: Counter = Counter()  # a step tried again (the person taps again)

    def steps(self) -> dict[str, tuple[int, int]]:
        """``{step: (p50 ms, p95 ms)}``."""
        out = {}
        for step, values in self.by_step.items():
            values = sorted(values)
            out[step] = (round(statistics.median(values) * 1000),
                         round(values[max(0, int(len(values) * 0.95) - 1)] * 1000))
        return out

    def summary(self) -> dict:
        """requests, p50 / p95 / max in ms, errors and retries by kind."""
        timings = sorted(self.timings)
        if not timings:
            return {"requests": 0, "p50_ms": 0, "p95_ms": 0, "max_ms": 0,
                    "errors": dict(self.errors), "retries": dict(self.retries)}
        return {"requests": len(timings),
                "p50_ms": round(statistics.median(timings) * 1000),
                "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)] * 1000),
                "max_ms": round(timings[-1] * 1000),
                "errors": dict(self.errors), "retries": dict(self.retries)}


class StepFailed(RuntimeError):
    """A step that still failed after the retries."""


class Browser:
    """One person's phone: a session cookie, the last CSRF token seen, one kept-alive
    connection (as a phone's browser keeps it; opened again when the server closes it), and
    patience (a step that meets a dead server, a 502/503/504 or a dropped connection is tried
    again)."""

    def __init__(self, port: int, stats: Stats, retries: int = 5, pause: float = 1.0):
        self.port, self.stats, self.retries, self.pause = port, stats, retries, pause
        self.cookie = ""
        self.csrf = ""
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Drop the connection (the next request opens a new one)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _once(self, method: str, path: str, fields, headers: dict, step: str = ""):
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn = self._conn
        body = urlencode(fields) if fields is not None else None
        sent = dict(headers)
        if self.cookie:
            sent["Cookie"] = f"session={self.cookie}"
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except BaseException:
            self.close()
            raise
        elapsed = time.perf_counter() - began
        with self.stats.lock:
            self.stats.timings.append(elapsed)
            self.stats.by_step.setdefault(step or path, []).append(elapsed)
        match = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
        if match:
            self.cookie = match.group(1)
        token = _CSRF.search(text)
        if token:
            self.csrf = token.group(1) or token.group(2)
        return response, text

    def request(self, method: str, path: str, fields=None, *, expect=(200, 302),
                headers: dict | None = None, step: str = ""):
        """Send one request (``fields`` form-encoded), trying again like a person would;
        :class:`StepFailed` when it still fails. Returns ``(response, text)``."""
        kind = ""
        for attempt in range(self.retries + 1):
            try:
                response, text = self._once(method, path, fields, headers or {}, step)
            except (OSError, http.client.HTTPException) as exc:
                kind = type(exc).__name__
            else:
                if response.status in expect:
                    return response, text
                kind = f"HTTP {response.status}"
                if response.status not in RETRY_STATUSES:
                    break
            if attempt < self.retries:
                with self.stats.lock:
                    self.stats.retries[f"{step or path}: {kind}"] += 1
                time.sleep(self.pause)
        with self.stats.lock:
            self.stats.errors[f"{step or path}: {kind}"] += 1
        raise StepFailed(f"{method} {path}: {kind}")

    def form(self, path: str, fields: dict | list, **kw):
        """POST a form with the last CSRF token seen."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self.request("POST", path, [("csrf_token", self.csrf), *items], **kw)
