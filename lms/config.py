"""Settings, all read from the environment in this one place.

``LMS_ENV=production`` selects production: it refuses to start without ``SECRET_KEY`` and
expects ``BASE_URL`` to be the public https address.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _instance_dir() -> Path:
    path = Path(os.environ.get("LMS_INSTANCE_DIR", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _development_secret(instance: Path) -> str:
    """Generate a secret once per checkout and keep it in ``instance/`` (development only)."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class ConfigError(RuntimeError):
    """Raised when the environment cannot run the app safely."""


def database_uri(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def development_base_url(host: str | None, port: str | None) -> str:
    """``http://HOST:PORT`` of the development server (``make run`` passes both), so links
    and QR codes point at the server that is really running. A server listening on every
    interface (0.0.0.0) is named by this machine's address, which phones on the LAN reach."""
    host = (host or "127.0.0.1").strip()
    if host in ("0.0.0.0", "::", ""):
        import socket

        try:
            host = socket.gethostbyname(socket.gethostname())
        except OSError:
            host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{(port or '5000').strip()}"


def load_config(overrides: dict | None = None) -> dict:
    """Return the Flask config mapping built from the environment plus ``overrides``."""
    env = os.environ
    overrides = dict(overrides or {})
    instance = _instance_dir()
    production = env.get("LMS_ENV", "development") == "production"

    secret = env.get("SECRET_KEY") or overrides.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set when LMS_ENV=production")
        secret = _development_secret(instance)

    base_url = (env.get("BASE_URL") or overrides.get("BASE_URL") or "").rstrip("/")
    if not base_url:
        if production:
            raise ConfigError("BASE_URL must be set when LMS_ENV=production "
                              "(the public https address printed in QR codes and links)")
        base_url = development_base_url(env.get("HOST"), env.get("PORT"))
    database_url = database_uri(env.get("DATABASE_URL") or f"sqlite:///{instance / 'lms.sqlite3'}")

    config = {
        "LMS_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Pooled connections are tested before use only after this many seconds unused (see
        # lms.extensions.ping_idle_connections): a busy server skips the round trip.
        "DB_PING_IDLE_SECONDS": float(env.get("DB_PING_IDLE_SECONDS", "10")),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Proxies in front of the app (nginx, a load balancer) whose X-Forwarded-For and
        # X-Forwarded-Proto are believed; 0 believes none (the app faces the clients).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "RATELIMIT_HEADERS_ENABLED": False,
        # Redis down must not stop log-in: count in the process until it answers again.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STRATEGY": "moving-window",
        # A slow learner must never lose a quiz to an expired form token.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_CSRF_SSL_STRICT": True,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "4")) * 1024 * 1024,
        # Spreadsheet imports (lms.spreadsheets): data rows per file, bytes of the file itself,
        # bytes of an .xlsx once unpacked (all its parts) and of any part read whole (shared
        # strings, styles); an unconfirmed preview (lms.imports) expires after these hours.
        "IMPORT_MAX_ROWS": int(env.get("IMPORT_MAX_ROWS", "50000")),
        "IMPORT_MAX_FILE_MB": int(env.get("IMPORT_MAX_FILE_MB", "16")),
        "IMPORT_MAX_UNPACKED_MB": int(env.get("IMPORT_MAX_UNPACKED_MB", "100")),
        "IMPORT_MAX_PART_MB": int(env.get("IMPORT_MAX_PART_MB", "16")),
        "IMPORT_PREVIEW_HOURS": int(env.get("IMPORT_PREVIEW_HOURS", "24")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        # Sessions live server-side (lms.auth.sessions): idle and absolute limits in days.
        "SESSION_IDLE_DAYS": int(env.get("SESSION_IDLE_DAYS", "14")),
        "SESSION_MAX_DAYS": int(env.get("SESSION_MAX_DAYS", "90")),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(env.get("SESSION_IDLE_DAYS", "14"))),
        # The cookie is signed again when it changes and once a day (lms.__init__), not on
        # every request: its idle expiry still moves with use, the server-side session is the
        # real limit, and most responses (autosaves above all) carry no Set-Cookie.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("vi", "en"),
        # Argon2id at OWASP's recommended cost (19 MiB, 2 passes, 1 lane): about 45 ms of one
        # core per log-in, where scrypt at OWASP cost took 450 ms (see lms/auth/passwords.py).
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "argon2id:19456:2:1"),
        "CONTENT_DIR": env.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        # Failed log-ins counted per phone number, and per client address; the address limit
        # is high because a commune office or a classroom shares one address behind NAT.
        "LOGIN_LIMIT": env.get("LOGIN_LIMIT", "5 per minute;20 per hour"),
        "LOGIN_ADDRESS_LIMIT": env.get("LOGIN_ADDRESS_LIMIT", "100 per 10 minutes"),
        # One JSON line per request on the "lms.access" logger (lms.ops); on in production.
        "LOG_JSON": env.get("LOG_JSON", "1" if production else "0") == "1",
    }
    config.update(overrides)
    from lms.auth.passwords import HashMethodError, check_method

    try:
        check_method(config["PASSWORD_HASH_METHOD"])
    except HashMethodError as exc:
        raise ConfigError(str(exc)) from exc
    if production:
        _check_production(config, explicit_storage="RATELIMIT_STORAGE_URI" in env
                          or "RATELIMIT_STORAGE_URI" in overrides)
    return config


def _check_production(config: dict, explicit_storage: bool) -> None:
    """Refuse settings that silently weaken a production server."""
    import logging

    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        if not explicit_storage:
            raise ConfigError(
                "RATELIMIT_STORAGE_URI is not set: with several workers or servers each would "
                "count log-in failures apart. Set it to redis://host:6379/0, or to memory:// "
                "for a single worker process.")
        logging.getLogger("lms").warning(
            "RATELIMIT_STORAGE_URI=memory:// in production: log-in limits are counted per "
            "worker process. Use redis:// with more than one worker or server.")
