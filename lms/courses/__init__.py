"""The courses feature package."""

from flask import Blueprint

bp = Blueprint("courses", __name__)

from lms.courses import views  # noqa: E402,F401
