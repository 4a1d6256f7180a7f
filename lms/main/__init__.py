"""Home page, health check, offline shell and other app-wide pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from lms.main import views  # noqa: E402,F401
