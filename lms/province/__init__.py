"""The province (Sở KH&CN): its dashboard, its communes and their officer accounts."""

from flask import Blueprint


class _ProvinceBlueprint(Blueprint):
    """Imports the views when registered (they import permissions, which import org models)."""

    def register(self, app, options):
        from lms.province import views  # noqa: F401

        super().register(app, options)


bp = _ProvinceBlueprint("province", __name__)
