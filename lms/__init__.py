"""Training and completion platform for Vietnam's Community Digital Technology Teams."""

from __future__ import annotations

import importlib
import time
from urllib.parse import urlsplit

from flask import Flask, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from lms.config import load_config
from lms.extensions import babel, csrf, db, limiter, login_manager, migrate, ping_idle_connections

FEATURE_PACKAGES = ("auth", "main", "org", "courses", "quizzes", "training", "certificates",
                    "province", "reports", "privacy", "ops")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → CLI."""
    app = Flask(__name__)
    app.config.update(load_config(config))
    app.config.setdefault("SEND_FILE_MAX_AGE_DEFAULT", 31536000)  # static URLs carry a hash
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies > 0:
        # Only the configured number of proxies is believed about the client's address and
        # scheme; with none, X-Forwarded-For is ignored (anyone can send it).
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from lms.config import PROJECT_ROOT

    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine, app.config["DB_PING_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    limiter.init_app(app)

    from lms.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)

    from lms import models  # noqa: F401  (every model registered before use)

    for name in FEATURE_PACKAGES:
        package = importlib.import_module(f"lms.{name}")
        app.register_blueprint(package.bp)
        try:
            cli_module = importlib.import_module(f"lms.{name}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"lms.{name}.cli":
                raise
        else:
            for command in getattr(cli_module, "commands", []):
                app.cli.add_command(command)

    from lms.demo import demo_command

    app.cli.add_command(demo_command)
    from lms.imports_cli import imports_group

    app.cli.add_command(imports_group)

    _register_hooks(app)
    _register_errors(app)
    _register_template_helpers(app)
    return app


@login_manager.user_loader
def _load_user(user_id: str):
    """The user of the live server-side session named by the cookie (see lms.auth.sessions)."""
    from flask import session

    from lms.auth.sessions import load_user

    try:
        return load_user(int(user_id), session.get("sid"))
    except (TypeError, ValueError):
        return None


def _register_hooks(app: Flask) -> None:
    allowed_while_forced = {"auth.change_password", "auth.logout", "auth.set_language", "static"}

    from lms.extensions import sqlite_write_lock

    # First of all hooks: anything a request reads before it writes is read under the lock.
    app.before_request_funcs.setdefault(None, []).insert(0, sqlite_write_lock)

    def fresh_request_caches():
        # Each request starts with no cached locale, role or user, even when an app context is
        # shared between requests (as in tests). It runs before every other hook: one that
        # ran earlier and loaded the user would otherwise have it loaded a second time.
        g.pop("_flask_babel", None)
        g.pop("_roles", None)
        g.pop("_leads", None)
        g.pop("csrf_token", None)
        g.pop("_login_user", None)
        g.pop("_template_globals", None)

    app.before_request_funcs[None].insert(0, fresh_request_caches)

    warned_hosts: set[str] = set()

    @app.before_request
    def notice_base_url_mismatch():
        # Links and QR codes use BASE_URL; a request on another address means they may be
        # dead for the people who scan them. One log line per address, a notice for officers.
        host = (request.host or "").lower()
        public_host = urlsplit(app.config["BASE_URL"]).netloc.lower()
        g.base_url_mismatch = bool(host) and host != public_host
        if g.base_url_mismatch and host not in warned_hosts and len(warned_hosts) < 20:
            warned_hosts.add(host)
            app.logger.warning("request on %s but BASE_URL is %s: links and QR codes point "
                               "there", host, app.config["BASE_URL"])

    @app.before_request
    def force_password_change():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in allowed_while_forced
            and request.endpoint is not None
            and not request.endpoint.startswith("main.healthz")
        ):
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def refresh_session_cookie_daily(response):
        # With SESSION_REFRESH_EACH_REQUEST off, a permanent cookie that did not change would
        # keep the expiry of its last change: renew it on the first request of each day.
        if session.permanent:
            day = int(time.time() // 86400)
            if session.get("day") != day:
                session["day"] = day
        return response

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        try:
            logged_in = bool(current_user and current_user.is_authenticated)
        except Exception:  # the user could not be loaded (database down): no caching at all
            logged_in = True
        if logged_in:
            headers.setdefault("Cache-Control", "private, no-store")
        headers.add("Vary", "Cookie")
        return response


def _register_errors(app: Flask) -> None:
    def render_error(code: int):
        def handler(error):
            return render_template(f"errors/{code}.html", error=error), code

        return handler

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_error(code))

    @app.errorhandler(500)
    def server_error(error):
        # A failed database statement leaves the transaction unusable: roll back before the
        # page (which loads the user and the menu) touches the database again.
        try:
            db.session.rollback()
        except Exception:  # pragma: no cover - the database itself is gone
            app.logger.exception("rollback after an error failed")
        try:
            return render_template("errors/500.html", error=error), 500
        except Exception:
            app.logger.exception("the error page itself failed")
            from flask import Response

            return Response("500 — Lỗi máy chủ / Server error", status=500,
                            mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", error=error, csrf=True), 400


def _static_url(app: Flask):
    """``static_url('style.css')`` → ``/static/style.css?v=<hash>`` so files can be cached long."""
    import hashlib
    from pathlib import Path

    cache: dict[str, str] = {}
    folder = Path(app.static_folder)

    def static_url(filename: str) -> str:
        if filename not in cache or app.debug:
            try:
                digest = hashlib.sha256((folder / filename).read_bytes()).hexdigest()[:10]
            except OSError:
                digest = "0"
            cache[filename] = digest
        return url_for("static", filename=filename, v=cache[filename])

    return static_url


def _register_template_helpers(app: Flask) -> None:
    from lms import i18n
    from lms.auth.permissions import can_see_phone, role_of
    from lms.nav import menu_for
    from lms.normalize import display_phone
    from lms.timeutil import local_today

    app.jinja_env.filters.update(
        short_date=i18n.short_date,
        long_date=i18n.long_date,
        date_time=i18n.date_time,
        number=i18n.number,
        percent=i18n.percent,
        phone=display_phone,
        pick=i18n.pick,
    )
    app.jinja_env.globals.update(
        static_url=_static_url(app),
        localized=i18n.localized,
        can_see_phone=can_see_phone,
        local_today=local_today,
    )

    @app.context_processor
    def inject_globals():
        # Worked out once per request: the home page renders each of its sections as a
        # template of its own, and every render asks again.
        known = g.get("_template_globals")
        if known is None:
            role = role_of(current_user) if current_user.is_authenticated else "anonymous"
            known = g._template_globals = {
                "role": role,
                "locale": i18n.current_locale(),
                "menu": menu_for(role) if current_user.is_authenticated else [],
            }
        return known
