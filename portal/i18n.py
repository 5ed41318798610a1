"""Language choice and local formats: Indonesian by default, English complete.

Order of choice: ``?lang=`` (remembered in the session of a logged-in person; for this page
only otherwise), the session's choice (the visible switch and the profile page also save it in
the account), an anonymous visitor's ``lang`` cookie (set by the switch: no session is made for
someone who only reads), the logged-in user's saved choice (a new browser logging in), the
browser's Accept-Language, then Indonesian.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from babel.numbers import format_decimal
from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import format_decimal as flask_format_decimal
from flask_login import current_user
from markupsafe import Markup

from portal.memo import Memo


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():
        # A service called from the CLI or a job: Indonesian unless the caller uses
        # flask_babel.force_locale (emails do, with the recipient's language).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = supported()
    asked = request.args.get("lang")
    if asked in languages:
        if session:  # a visitor with a session (logged in, or has used a form) keeps it there
            session["lang"] = asked
        # An anonymous visitor's ?lang= is this page only and sets no cookie, so the page can
        # be cached under its own URL; the visible switch (/language) keeps the preference.
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    if request.cookies.get(LANG_COOKIE) in languages:
        return request.cookies[LANG_COOKIE]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return _best_for_browser(request.headers.get("Accept-Language", ""), languages)


#: The language chosen for at most this many Accept-Language headers is kept per process
#: (browsers send a handful of distinct ones; parsing one is most of choosing a language).
_browser_choices = Memo(size=1000)


def _best_for_browser(header: str, languages: tuple[str, ...]) -> str:
    def choose() -> str:
        best = request.accept_languages.best_match(languages)
        return best or current_app.config["BABEL_DEFAULT_LOCALE"]

    if len(header) > 200:  # not a real browser's: chosen each time, not kept
        return choose()
    return _browser_choices.get((header, languages), choose)


LANG_COOKIE = "lang"


def remember_anonymous_language(response: Response, lang: str) -> None:
    """Keep an anonymous visitor's language in a plain preference cookie (not a session)."""
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=int(timedelta(days=365).total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def switch_language_url(lang: str) -> str:
    """The header's link to this page in ``lang`` (GET /language, then back here); built once
    per process and address."""

    def build() -> str:
        here = request.full_path if request.query_string else request.path
        return url_for("public.set_language") + "?" + urlencode({"lang": lang, "next": here})

    return _switch_links.get((request.script_root, request.path, request.query_string, lang), build)


#: The language links of at most this many addresses are kept per process.
_switch_links = Memo(size=5000)


def current_language() -> str:
    # The locale Flask-Babel keeps for this request (its namespace on g), without get_locale's
    # context lookups: a page asks a dozen times. None before it was chosen: get_locale chooses.
    space = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(space, "babel_locale", None) or get_locale()
    if locale is None:
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    # Its name, kept beside it for as long as it is the same object (force_locale puts another
    # one there): str(Locale) builds the identifier anew, and a dict keyed by Locale compares
    # five attributes through hasattr on every lookup.
    named = getattr(space, "portal_language", None)
    if named is not None and named[0] is locale:
        return named[1]
    name = str(locale)
    if space is not None:
        space.portal_language = (locale, name)
    return name


def rupiah(amount: int | Decimal | None) -> str:
    """Money in the local format: Rp 1.500.000 (no decimals; rupiah has no cents in practice)."""
    if amount is None:
        return ""
    return "Rp " + format_decimal(int(amount), format="#,##0", locale="id")


def number(value: int) -> str:
    """A count in the page's language: 280.903 in Indonesian, 280,903 in English."""
    return flask_format_decimal(value, format="#,##0")


def localized(obj, field: str) -> str:
    """``obj.<field>_id`` or ``obj.<field>_en`` by the page's language, falling back to Indonesian."""
    lang = current_language()
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_id", "") or ""


def page_language_field() -> Markup:
    """A hidden ``lang`` field for a search form on a page shown through ``?lang=`` (which sets
    no cookie): the results stay in the language the visitor is reading."""
    asked = request.args.get("lang") if has_request_context() else None
    if asked in supported():
        return Markup('<input type="hidden" name="lang" value="%s">') % asked
    return Markup("")


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
    app.add_template_filter(number, "number")
    app.add_template_global(localized, "localized")
    app.add_template_global(current_language, "current_language")
    app.add_template_global(switch_language_url, "switch_language_url")
    app.add_template_global(page_language_field, "page_language_field")
