"""Operations: readiness check, one JSON log line per request in production, and the
``lms backup`` / ``lms restore`` / ``lms doctor`` commands."""

from flask import Blueprint

bp = Blueprint("ops", __name__)

from lms.ops import views  # noqa: E402,F401
