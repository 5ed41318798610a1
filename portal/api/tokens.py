"""Partner tokens: issued, listed and revoked by admins; only a SHA-256 of each is stored.

A token is ``sp_`` followed by 43 random URL-safe characters, shown once when issued. A request
names it as ``Authorization: Bearer <token>``. Scopes:

- ``applications:read:*``: every category's applications;
- ``applications:read:<slug>``: the applications of one category (one scope per category).

Each token has its own limit of requests per minute, counted in the limiter's storage (Redis
when configured, else in this process), under the token's id.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import RateLimitItemPerMinute
from sqlalchemy import select

from portal.api.models import ApiToken
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.errors import PortalError
from portal.extensions import db, limiter

TOKEN_PREFIX = "sp_"  # noqa: S105 - the visible start of every token, not a secret
READ_ALL = "applications:read:*"
READ_ONE = "applications:read:"
MAX_RATE = 10_000


class TokenError(PortalError):
    """A token that is missing, unknown, expired or revoked (401), or lacks the scope (403)."""

    status_code = 401
    default_message = _l("Send a valid API token as 'Authorization: Bearer <token>'.")


class ScopeError(TokenError):
    status_code = 403
    default_message = _l("This token may not read this. Ask the office for a token with that scope.")


class RateLimited(PortalError):
    status_code = 429
    default_message = _l("This token has made too many requests. Wait, then try again.")

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def scope_for(category_slug: str | None) -> str:
    return READ_ALL if not category_slug else READ_ONE + category_slug


def issue(
    name: str,
    *,
    scopes: list[str],
    admin: User | None,
    expires_in_days: int | None = None,
    rate_limit_per_minute: int = 60,
) -> Issued:
    """A new token; the caller commits. The secret is returned once, only its digest kept."""
    name = (name or "").strip()
    if not name:
        raise PortalError(_l("Give the token a name (the partner it is for)."))
    if not scopes:
        raise PortalError(_l("Choose what the token may read."))
    for scope in scopes:
        if scope != READ_ALL and not scope.startswith(READ_ONE):
            raise PortalError(_l("Choose what the token may read."))
    if not 1 <= rate_limit_per_minute <= MAX_RATE:
        raise PortalError(_l("The limit must be between 1 and 10000 requests a minute."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:120],
        prefix=secret[:10],
        token_hash=digest(secret),
        scopes=sorted(set(scopes)),
        rate_limit_per_minute=rate_limit_per_minute,
        created_by_id=admin.id if admin else None,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit(
        admin, "api_token.issue", "api_token", token.id, f"{token.name} {token.prefix}", scopes=token.scopes
    )
    return Issued(token, secret)


def list_tokens() -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke(token_id: int, admin: User | None) -> ApiToken | None:
    """Revoke a token (the caller commits); None when there is no such token."""
    token = db.session.get(ApiToken, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
        audit(admin, "api_token.revoke", "api_token", token.id, f"{token.name} {token.prefix}")
    return token


def is_active(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.revoked_at is None and (token.expires_at is None or token.expires_at > now)


def authenticate(header: str | None) -> ApiToken:
    """The active token named by an ``Authorization: Bearer`` header, or TokenError (401).
    Unknown, expired and revoked tokens get the same answer."""
    scheme, _, secret = (header or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        raise TokenError()
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not is_active(token):
        raise TokenError()
    return token


def count_request(token: ApiToken) -> None:
    """Count one request against the token's own limit; RateLimited (429) past it. A limiter
    storage that cannot be reached lets the request through (like the other limits)."""
    cfg = current_app.config
    if not cfg.get("RATELIMIT_ENABLED", True):
        return
    # The limiter's own strategy and storage (Redis when configured, else in-process).
    strategy = limiter.limiter
    item = RateLimitItemPerMinute(token.rate_limit_per_minute)
    prefix = cfg.get("RATELIMIT_KEY_PREFIX") or ""
    try:
        if strategy.hit(item, prefix, "api-token", str(token.id)):
            return
        reset_at, _remaining = strategy.get_window_stats(item, prefix, "api-token", str(token.id))
    except Exception:  # noqa: BLE001 - see the docstring
        current_app.logger.exception("API token limit could not be checked")
        return
    raise RateLimited(max(1, math.ceil(reset_at - time.time())))


def touch_due(token: ApiToken) -> bool:
    """Whether "last used" is worth writing (at most once a minute, to spare writes)."""
    return token.last_used_at is None or utcnow() - token.last_used_at > timedelta(minutes=1)


def touch(token: ApiToken) -> None:
    token.last_used_at = utcnow()


def readable_categories(token: ApiToken) -> list[int] | None:
    """Category ids the token may read; None: every category."""
    if READ_ALL in token.scopes:
        return None
    slugs = [s.removeprefix(READ_ONE) for s in token.scopes if s.startswith(READ_ONE)]
    if not slugs:
        return []
    return list(db.session.scalars(select(PermitCategory.id).where(PermitCategory.slug.in_(slugs))))


def category_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(
        select(PermitCategory.slug, PermitCategory.name_id).order_by(PermitCategory.name_id)
    )
    return [(slug, name) for slug, name in rows]
