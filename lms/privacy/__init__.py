"""Members' data rights (Personal Data Protection Law 91/2025/QH15, Decree 356/2025): the
privacy notice at first log-in, "my data" download, and erasure of a person who has left."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from lms.privacy import views  # noqa: E402,F401
