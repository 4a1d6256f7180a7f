"""``lms doctor``: checks a deployment and says what is wrong, one line each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app


@dataclass
class Check:
    """One finding: ``ok`` or not, and a sentence for the operator."""

    name: str
    ok: bool
    detail: str


def _secret(config) -> Check:
    from lms.config import PROJECT_ROOT

    secret = config.get("SECRET_KEY") or ""
    if config["LMS_ENV"] == "production":
        generated = (PROJECT_ROOT / "instance" / "secret_key")
        if generated.exists() and generated.read_text().strip() == secret:
            return Check("secret", False, "SECRET_KEY is the development key from instance/")
        if len(secret) < 32:
            return Check("secret", False, "SECRET_KEY is shorter than 32 characters")
    return Check("secret", bool(secret), "SECRET_KEY is set" if secret else "SECRET_KEY is empty")


def _base_url(config) -> Check:
    url = config["BASE_URL"]
    if config["LMS_ENV"] == "production" and not url.startswith("https://"):
        return Check("base_url", False, f"BASE_URL {url} is not https:// in production")
    return Check("base_url", True, f"BASE_URL {url}")


def _database() -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (the extension is configured)

    from lms.extensions import db

    try:
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as exc:  # the driver's own error says what is wrong
        return Check("database", False, f"database unreachable: {exc.__class__.__name__}: {exc}")
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    heads = set(script.get_heads())
    if current != heads:
        return Check("database", False, f"database at {sorted(current) or 'no version'}, "
                                        f"code at {sorted(heads)}: run `lms db upgrade`")
    return Check("database", True, f"{db.engine.dialect.name} reachable and migrated")


def _fonts() -> Check:
    from lms.pdf_fonts import FONT_DIR, register_fonts

    try:
        register_fonts()
    except Exception as exc:
        return Check("fonts", False, f"PDF fonts in {FONT_DIR} cannot be loaded: {exc}")
    return Check("fonts", True, f"PDF fonts in {FONT_DIR}")


def _redis(config) -> Check:
    uri = config["RATELIMIT_STORAGE_URI"]
    if not uri.startswith(("redis://", "rediss://")):
        detail = f"rate limits in {uri.split(':')[0]}"
        if config["LMS_ENV"] == "production":
            detail += " (counted per process: use redis:// with several workers)"
        return Check("redis", True, detail)
    try:
        import redis

        redis.Redis.from_url(uri, socket_timeout=2).ping()
    except Exception as exc:
        return Check("redis", False, f"Redis at {uri} unreachable: {exc}")
    return Check("redis", True, f"Redis at {uri} answers")


def _clock() -> Check:
    from lms.timeutil import LOCAL_TZ

    now = datetime.now(LOCAL_TZ)
    if now.year < 2025:
        return Check("clock", False, f"the clock says {now:%d/%m/%Y}: set the system time")
    offset = now.utcoffset()
    if offset is None or offset.total_seconds() != 7 * 3600:
        return Check("clock", False, "the Asia/Ho_Chi_Minh time zone is missing (tzdata)")
    return Check("clock", True, f"local time {now:%d/%m/%Y %H:%M} (UTC+7); stored in UTC")


def run_checks() -> list[Check]:
    """Every check, in order."""
    config = current_app.config
    return [_secret(config), _base_url(config), _database(), _fonts(), _redis(config), _clock()]
