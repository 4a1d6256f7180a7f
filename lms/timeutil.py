"""Time zone helpers: timestamps are stored in UTC and shown in Asia/Ho_Chi_Minh."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from lms.models_base import utcnow

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_now() -> datetime:
    """The current time in Vietnam."""
    return utcnow().astimezone(LOCAL_TZ)


def local_today() -> date:
    """Today's date in Vietnam (what "today" means for memberships and compliance)."""
    return local_now().date()


def as_utc(value: datetime | None) -> datetime | None:
    """Make a datetime read back from the database timezone-aware UTC (SQLite drops tzinfo)."""
    from datetime import UTC

    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
