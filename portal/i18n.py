"""Language choice and local formats: Indonesian by default, English complete.

Order of choice: ``?lang=`` (remembered in the session cookie), the session's choice (the
visible switch and the profile page also save it in the account), the logged-in user's saved
choice (a new browser logging in), the browser's Accept-Language, then Indonesian.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():
        # A service called from the CLI or a job: Indonesian unless the caller uses
        # flask_babel.force_locale (emails do, with the recipient's language).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in supported():
        session["lang"] = asked
        return asked
    if session.get("lang") in supported():
        return session["lang"]
    if current_user and current_user.is_authenticated and current_user.locale in supported():
        return current_user.locale
    best = request.accept_languages.best_match(supported())
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def rupiah(amount: int | Decimal | None) -> str:
    """Money in the local format: Rp 1.500.000 (no decimals; rupiah has no cents in practice)."""
    if amount is None:
        return ""
    return "Rp " + format_decimal(int(amount), format="#,##0", locale="id")


def localized(obj, field: str) -> str:
    """``obj.<field>_id`` or ``obj.<field>_en`` by the page's language, falling back to Indonesian."""
    lang = current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_id", "") or ""


def init_app(app: Flask) -> None:
    @app.template_filter("date")
    def _date(value: date | datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return format_date(value, fmt)
        return format_date(value, fmt)

    @app.template_filter("datetime")
    def _datetime(value: datetime | None, fmt: str = "medium") -> str:
        return format_datetime(value, fmt) if value else ""

    app.add_template_filter(rupiah, "rupiah")
    app.add_template_global(localized, "localized")
    app.add_template_global(current_language, "current_language")
