"""The org feature package."""

from flask import Blueprint

bp = Blueprint("org", __name__)

from lms.org import views  # noqa: E402,F401
