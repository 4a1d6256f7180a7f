"""``/readyz`` and the per-request JSON log line."""

from __future__ import annotations

import json
import logging
import time

from flask import current_app, g, request
from flask_login import current_user
from sqlalchemy import text

from lms.extensions import db
from lms.ops import bp

access_log = logging.getLogger("lms.access")


@bp.route("/readyz")
def readyz():
    """Readiness: 200 when the database answers, 503 otherwise (the load balancer then sends
    traffic elsewhere). ``/healthz`` is the liveness check."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not ready"
        db.session.rollback()
        return {"status": "unavailable", "database": False}, 503
    return {"status": "ready", "database": True}


@bp.before_app_request
def _start_clock():
    g._started = time.perf_counter()


@bp.after_app_request
def _log_request(response):
    """One JSON line per request when ``LOG_JSON`` is on (default in production): method, the
    route's path template (never the filled-in path, so no ids, tokens or codes), status,
    duration and user id. No phone numbers, passwords or form values."""
    if not current_app.config.get("LOG_JSON"):
        return response
    started = g.get("_started")
    try:
        user_id = current_user.get_id() if current_user.is_authenticated else None
    except Exception:
        user_id = None
    rule = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    access_log.info(json.dumps({
        "method": request.method, "path": rule, "status": response.status_code,
        "ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "user": int(user_id) if user_id else None,
    }, separators=(",", ":")))
    return response


@bp.record_once
def _configure_access_log(state) -> None:
    """Send the JSON lines to standard error (gunicorn and systemd collect it)."""
    if state.app.config.get("LOG_JSON") and not access_log.handlers:
        import sys

        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
        access_log.propagate = False
