"""What every part of the form engine shares: the page's language, the error a field raises
while it is cleaned, a problem of a definition, today's date in the office time zone, and
numbers shown the local way."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import current_app, has_app_context
from flask_babel import gettext

from portal.i18n import current_language, rupiah

TRUTHY = {"y", "yes", "on", "1", "true", "ya"}


class Invalid(Exception):  # noqa: N818 - internal control flow, not an API
    """Raised by a field type while cleaning an answer: ``code`` is stable, ``message`` is
    the translated sentence shown beside the field."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


class Problem:
    """One thing that makes a form definition unusable. ``subject`` ("field", "document",
    "page", or None for the whole form) and ``key`` say what it is about, as data: callers pick
    a field's problems by them, never by the text. ``message`` is a lazy translation with its
    parameters; ``str(problem)`` is the whole sentence in the reader's language, made when it is
    shown."""

    __slots__ = ("key", "message", "subject")

    def __init__(self, subject: str | None, key: str | None, message: Any):
        self.subject = subject
        self.key = key
        self.message = message

    def about(self, subject: str, key: str) -> bool:
        return self.subject == subject and self.key == key

    def __str__(self) -> str:
        if self.subject == "field":
            return gettext("field %(key)s: %(problem)s", key=self.key, problem=str(self.message))
        if self.subject == "document":
            return gettext("document %(key)s: %(problem)s", key=self.key, problem=str(self.message))
        if self.subject == "page":
            return gettext("page %(key)s: %(problem)s", key=self.key, problem=str(self.message))
        return str(self.message)

    def __repr__(self) -> str:
        return f"Problem({self.subject!r}, {self.key!r}, {str(self.message)!r})"


def lang() -> str:
    if not has_app_context():
        return "id"
    try:
        return current_language()
    except Exception:  # noqa: BLE001 - outside a request the default language applies
        return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "id"))


def pick(id_text: str | None, en_text: str | None) -> str:
    """The Indonesian or English text of a definition, in the page's language."""
    if lang() == "en" and en_text:
        return en_text
    return id_text or en_text or ""


def truthy(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUTHY


def today() -> date:
    if has_app_context():
        try:
            return datetime.now(ZoneInfo(current_app.config.get("TIMEZONE", "UTC"))).date()
        except Exception:  # noqa: BLE001, S110 - fall back to UTC below
            pass
    return date.today()  # noqa: DTZ011


def format_number(value: Any) -> str:
    if not has_app_context():
        return str(value)
    try:
        return format_decimal(Decimal(str(value)), locale=lang())
    except (InvalidOperation, ValueError):
        return str(value)


def format_money(value: Any) -> str:
    return rupiah(int(value))
