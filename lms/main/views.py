"""The home page of each role."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from lms.auth.permissions import role_of
from lms.main import bp
from lms.nav import home_sections_for


@bp.route("/")
def index():
    """Anonymous visitors go to log-in; others see their role's home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    role = role_of(current_user)
    sections = home_sections_for(current_user, role)
    return render_template("main/index.html", role=role, sections=sections)


@bp.route("/healthz")
def healthz():
    """Liveness check for load balancers."""
    return {"status": "ok"}
