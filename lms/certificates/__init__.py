"""The certificates feature package: issuing, PDF, verification, batch printing."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from lms.certificates import receivers, views  # noqa: E402,F401
