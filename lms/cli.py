"""The ``lms`` command: this app's Flask CLI group (``lms db upgrade``, ``lms demo`` …)."""

from flask.cli import FlaskGroup

from lms import create_app

cli = FlaskGroup(create_app=lambda: create_app())
