"""The demo accounts that ``make run`` seeds (DESIGN.md): who they are, their published
password, and the rule that under the production configuration they never authenticate and
the published password is never accepted as anyone's password."""

from __future__ import annotations

import unicodedata

from flask import current_app

#: Published in the README and DESIGN.md, so anyone can try it.
DEMO_PASSWORD = "Demo-Portal-2026!"  # noqa: S105 - documented demo password, demo data only
DEMO_EMAIL_DOMAIN = "demo.test"
#: The demo staff accounts' authenticator secret (TOTP, base32), published in the README so a
#: newcomer can add it to any authenticator app. Demo data only: where demo accounts are not
#: allowed (production), a code made from it is refused for every account (auth.second_factor).
DEMO_TOTP_SECRET = "SATUPINTUDEMOSTAFFTOTPSECRETKEYS"  # noqa: S105 - published demo secret


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def is_demo_email(email: str | None) -> bool:
    """True for an address of the demo domain (``*@demo.test`` and its subdomains), whatever
    its case, surrounding spaces, full-width letters or trailing dot."""
    domain = _fold(email or "").rpartition("@")[2].rstrip(".")
    return domain == DEMO_EMAIL_DOMAIN or domain.endswith("." + DEMO_EMAIL_DOMAIN)


def is_demo_password(password: str | None) -> bool:
    """True for the published demo password, whatever its case or surrounding spaces."""
    return _fold(password or "") == _fold(DEMO_PASSWORD)


def demo_accounts_allowed() -> bool:
    """Demo accounts may log in only where the configuration says so (the embedded tier of
    ``make run``); anything else, production above all, refuses them."""
    return bool(current_app.config.get("DEMO_ACCOUNTS_ENABLED", False))
