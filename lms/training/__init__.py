"""The training feature package."""

from flask import Blueprint

bp = Blueprint("training", __name__)

from lms.training import views  # noqa: E402,F401
