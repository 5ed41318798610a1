"""Links staff put on the directory (an agency's website, a service's page): https addresses
only. ``javascript:``, ``data:``, ``http:`` and every other scheme are refused, and so are user
names in the address (``https://bpjs.go.id@evil.example``), spaces and invisible characters."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from portal.errors import PortalError

MAX_LINK = 300


class LinkRefused(PortalError):
    """A link that is not a plain https address."""


def check_link(raw: str | None) -> str:
    """The cleaned https address ("" for none), or LinkRefused saying what to do."""
    url = unicodedata.normalize("NFC", (raw or "").strip())
    if not url:
        return ""
    if len(url) > MAX_LINK:
        raise LinkRefused(_l("The address is too long (at most %(limit)s characters).", limit=MAX_LINK))
    if any(ord(ch) < 0x21 or unicodedata.category(ch) in ("Cc", "Cf", "Zs") for ch in url):
        raise LinkRefused(
            _l("The address contains spaces or invisible characters: copy it again from the browser.")
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a broken port
    except ValueError:
        raise LinkRefused(_l("This is not a web address: copy it from the browser's address bar.")) from None
    if parts.scheme.lower() != "https":
        raise LinkRefused(
            _l("Only https:// addresses can be linked: copy the address from the browser's address bar.")
        )
    if "@" in parts.netloc:
        raise LinkRefused(_l("The address hides another site behind an @: use the page's own address."))
    host = parts.hostname or ""
    if "." not in host or host.endswith("."):
        raise LinkRefused(_l("This is not a web address: copy it from the browser's address bar."))
    return url
