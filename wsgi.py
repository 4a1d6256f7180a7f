"""WSGI entry point: ``gunicorn wsgi:app``."""

import gc

from lms import create_app

app = create_app()
# Everything built so far (modules, routes, templates' environment, the mapper registry) lives
# as long as the worker: leave it out of the garbage collector's scans, which otherwise walk
# it on every full collection while requests run.
gc.freeze()
