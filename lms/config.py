"""Settings, all read from the environment in this one place.

``LMS_ENV=production`` selects production: it refuses to start without ``SECRET_KEY`` and
expects ``BASE_URL`` to be the public https address.
"""

from __future__ import annotations

import os
import secrets
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

    base_url = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    database_url = database_uri(env.get("DATABASE_URL") or f"sqlite:///{instance / 'lms.sqlite3'}")

    config = {
        "LMS_ENV": "production" if production else "development",
        "SECRET_KEY": secret,
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_STRATEGY": "moving-window",
        # A slow learner must never lose a quiz to an expired form token.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "WTF_CSRF_SSL_STRICT": True,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "4")) * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": ("vi", "en"),
        # scrypt at an OWASP-recommended cost (N=2^16, r=8, p=2: 64 MiB per hash).
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt:65536:8:2"),
        "CONTENT_DIR": env.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "LOGIN_LIMIT": env.get("LOGIN_LIMIT", "5 per minute"),
    }
    config.update(overrides)
    return config
