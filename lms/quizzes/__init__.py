"""The quizzes feature package."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)

from lms.quizzes import views  # noqa: E402,F401
