"""Small helpers shared by every models module."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware (stored as UTC, shown in Asia/Ho_Chi_Minh)."""
    return datetime.now(UTC)
