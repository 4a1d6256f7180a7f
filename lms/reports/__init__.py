"""Periodic training reports ("Báo cáo kết quả tập huấn Tổ CNSCĐ") of communes and provinces."""

from flask import Blueprint


class _ReportsBlueprint(Blueprint):
    """Imports the views when registered (they import permissions, which import org models)."""

    def register(self, app, options):
        from lms.reports import views  # noqa: F401

        super().register(app, options)


bp = _ReportsBlueprint("reports", __name__)

from lms.reports import models  # noqa: E402,F401  (the Report table in the metadata)
