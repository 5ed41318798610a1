"""The one check for links staff put on public pages: the office's social media accounts
(portal.site) and the service mall directory's agency websites and service pages
(portal.directory).

A link is an https address on a plain ASCII host name: ``javascript:``, ``data:``, ``http:``
and every other scheme are refused, and so are user names in the address
(``https://facebook.com@evil.example``), spaces and invisible characters, IP addresses,
internationalised (IDN, ``xn--``) host names, and hosts that look like a known network without
being it (``faceb00k.com``, ``instagram.com.evil.example``, ``youtube-com.example``): a visitor
reading the link would believe it is the office's account on that network."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from portal.errors import PortalError

#: Networks whose look-alikes are refused; any other https host is taken as it is.
KNOWN_HOSTS = {
    "facebook.com": "Facebook",
    "instagram.com": "Instagram",
    "x.com": "X",
    "twitter.com": "X (Twitter)",
    "youtube.com": "YouTube",
    "tiktok.com": "TikTok",
    "linkedin.com": "LinkedIn",
    "threads.net": "Threads",
    "wa.me": "WhatsApp",
    "whatsapp.com": "WhatsApp",
    "t.me": "Telegram",
}
MAX_URL = 300
_LABEL_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Characters people (and attackers) swap for letters that look alike.
_CONFUSABLE = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "i": "l"})
_NOT_AN_ADDRESS = _l("This is not a web address: copy it from the browser's address bar.")


class LinkRefused(PortalError):
    """A link that is not a safe https address; the message says what to do."""


def _skeleton(text: str) -> str:
    return (
        text.lower()
        .replace("rn", "m")
        .replace("vv", "w")
        .translate(_CONFUSABLE)
        .replace("-", "")
        .replace(".", "")
    )


def known_network(host: str) -> str | None:
    """The network's name when ``host`` is a known host or one of its subdomains."""
    for known, name in KNOWN_HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return None


def check_https_link(raw: str | None, *, required: bool = True) -> str:
    """The cleaned https address (its host in lower case), or LinkRefused saying why it cannot
    be used. An empty value is refused when ``required``, else it is "" (no link)."""
    url = unicodedata.normalize("NFC", (raw or "").strip())
    if not url:
        if not required:
            return ""
        raise LinkRefused(_l("Write the address of the page, starting with https://."))
    if len(url) > MAX_URL:
        raise LinkRefused(_l("The address is too long (at most %(limit)s characters).", limit=MAX_URL))
    if any(ord(ch) < 0x21 or unicodedata.category(ch) in ("Cc", "Cf", "Zs") for ch in url):
        raise LinkRefused(
            _l("The address contains spaces or invisible characters: copy it again from the browser.")
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise LinkRefused(_NOT_AN_ADDRESS) from None
    if parts.scheme.lower() != "https":
        raise LinkRefused(
            _l(
                "Only https:// addresses can be linked (this one starts with %(scheme)s:).",
                scheme=parts.scheme or "?",
            )
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise LinkRefused(_l("The address hides another site behind an @: use the page's own address."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise LinkRefused(_NOT_AN_ADDRESS)
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        raise LinkRefused(
            _l(
                "The site's name uses letters from other alphabets that can imitate another site: "
                "use its plain address."
            )
        )
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise LinkRefused(_l("Link to a site's name, not to a numeric address."))
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels) or port not in (None, 443):
        raise LinkRefused(_NOT_AN_ADDRESS)
    if known_network(host) is None:
        for known, name in KNOWN_HOSTS.items():
            brand = known.split(".", 1)[0]
            if len(brand) < 4:
                continue  # x, t, wa: too short to judge by name
            if _skeleton(brand) in _skeleton(host):
                raise LinkRefused(
                    _l(
                        "%(host)s looks like %(network)s (%(known)s) but is another site: use the address "
                        "of the office's page on %(known)s.",
                        host=host,
                        network=name,
                        known=known,
                    )
                )
    return parts._replace(scheme="https", netloc=parts.netloc.lower()).geturl()
