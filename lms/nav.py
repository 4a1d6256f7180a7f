"""The navigation menu and the home page sections, filled in by each feature package.

A package registers what it offers at import time; the base template shows the items whose
endpoint exists and whose roles include the user's effective role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # lazy string
    roles: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class HomeSection:
    """``render(user, role) -> str | None`` returns HTML (a rendered template) or nothing."""

    render: Callable
    roles: tuple[str, ...]
    order: int


_NAV: dict[str, NavItem] = {}
_HOME: list[HomeSection] = []


def nav_item(endpoint: str, label, roles: tuple[str, ...], order: int = 50) -> None:
    """Register a menu entry for the given effective roles."""
    _NAV[endpoint] = NavItem(endpoint, label, tuple(roles), order)


def home_section(roles: tuple[str, ...], order: int = 50):
    """Decorator registering a home page section for the given roles."""

    def decorator(func: Callable) -> Callable:
        _HOME.append(HomeSection(func, tuple(roles), order))
        return func

    return decorator


def menu_for(role: str) -> list[dict]:
    """Menu entries for an effective role, in order, with the current one marked."""
    items = []
    for item in sorted(_NAV.values(), key=lambda i: i.order):
        if role not in item.roles and not (role == "admin" and "officer" in item.roles):
            continue
        if item.endpoint not in current_app.view_functions:
            continue
        items.append(
            {
                "url": url_for(item.endpoint),
                "label": item.label,
                "current": request.endpoint == item.endpoint,
            }
        )
    return items


def home_sections_for(user, role: str) -> list[str]:
    """Rendered home page sections for the user, in order."""
    parts = []
    for section in sorted(_HOME, key=lambda s: s.order):
        if role in section.roles or (role == "admin" and "officer" in section.roles):
            html = section.render(user, role)
            if html:
                parts.append(html)
    return parts
