"""Language choice and locale-aware formatting (dates, numbers) for templates and PDFs."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal, format_percent
from flask import current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

from lms.timeutil import LOCAL_TZ, as_utc


def select_locale() -> str:
    """Vietnamese unless the account (or, logged out, the session) chose English."""
    languages = current_app.config["LANGUAGES"]
    if has_request_context():
        if current_user and getattr(current_user, "is_authenticated", False):
            if current_user.locale in languages:
                return current_user.locale
        lang = session.get("lang")
        if lang in languages:
            return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The active locale code (``vi`` or ``en``)."""
    try:
        return str(get_locale() or "vi")
    except (RuntimeError, AttributeError):
        return "vi"


def short_date(value: date | datetime | None, locale: str | None = None) -> str:
    """``10/04/2026`` in both languages (the administrative format)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(LOCAL_TZ).date()
    return value.strftime("%d/%m/%Y")


def long_date(value: date | datetime | None, locale: str | None = None) -> str:
    """``ngày 10 tháng 4 năm 2026`` in Vietnamese, ``10 April 2026`` in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = as_utc(value).astimezone(LOCAL_TZ).date()
    locale = locale or current_locale()
    if locale == "vi":
        return f"ngày {value.day} tháng {value.month} năm {value.year}"
    return babel_format_date(value, "d MMMM y", locale=locale)


def document_date(day: date | datetime | None, place: str | None = None,
                  locale: str | None = None) -> str:
    """The date line of an official document (Decree 30/2020/NĐ-CP, Appendix I).

    Vietnamese: ``ngày 03 tháng 02 năm 2026``: days below 10 and the months 1 and 2 take a
    leading zero (``ngày 24 tháng 11``, ``ngày 10 tháng 4``). With ``place``:
    ``Duy Tiên, ngày 03 tháng 02 năm 2026``. English: ``3 February 2026`` /
    ``Duy Tiên, 3 February 2026``. Documents (certificates, reports, log-in slips, exports'
    title lines) use only this helper, with the document's language as ``locale``.
    """
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = as_utc(day).astimezone(LOCAL_TZ).date()
    locale = locale or current_locale()
    if locale == "vi":
        month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
        text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    else:
        text = babel_format_date(day, "d MMMM y", locale="en")
    return f"{place}, {text}" if place else text


def duration(minutes: float | int | None, locale: str | None = None) -> str:
    """A length in words: ``24 phút``, ``1 giờ 30 phút``, ``2 giờ``; English ``24 minutes``,
    ``1 hour 30 minutes``, ``2 hours``. Fixed wording (documents), empty for None or 0."""
    if not minutes or minutes <= 0:
        return ""
    total = int(round(minutes))
    hours, mins = divmod(total, 60)
    locale = locale or current_locale()
    if locale == "vi":
        parts = ([f"{hours} giờ"] if hours else []) + ([f"{mins} phút"] if mins else [])
    else:
        parts = ([f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []) + (
            [f"{mins} minute{'s' if mins != 1 else ''}"] if mins else [])
    return " ".join(parts)


def date_time(value: datetime | None, locale: str | None = None) -> str:
    """``10/04/2026 14:05`` in Vietnam time."""
    if value is None:
        return ""
    return babel_format_datetime(
        as_utc(value), "dd/MM/yyyy HH:mm", tzinfo=LOCAL_TZ, locale=locale or current_locale()
    )


def number(value, locale: str | None = None) -> str:
    """``1.234,5`` in Vietnamese, ``1,234.5`` in English."""
    if value is None:
        return ""
    return format_decimal(value, locale=locale or current_locale())


def percent(value, locale: str | None = None) -> str:
    """A share (0–1) as a percentage, e.g. ``87 %``."""
    if value is None:
        return ""
    return format_percent(value, locale=locale or current_locale())


def localized(obj, field: str, locale: str | None = None) -> str:
    """``obj.<field>_vi`` or ``obj.<field>_en`` for the current locale."""
    locale = locale or current_locale()
    value = getattr(obj, f"{field}_{locale}", None)
    return value if value else getattr(obj, f"{field}_vi", "")


def pick(texts: dict | None, locale: str | None = None) -> str:
    """From a ``{"vi": ..., "en": ...}`` mapping, the text for the current locale."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    locale = locale or current_locale()
    return texts.get(locale) or texts.get("vi") or ""
