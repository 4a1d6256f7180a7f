"""The org feature package."""

from flask import Blueprint


class _OrgBlueprint(Blueprint):
    """Imports the views when registered: ``lms.auth.permissions`` imports ``lms.org.models``,
    so importing the views with the package would be circular."""

    def register(self, app, options):
        from lms.org import views  # noqa: F401

        super().register(app, options)


bp = _OrgBlueprint("org", __name__)
