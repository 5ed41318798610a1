"""Deny by default: login required unless a view is marked public; one decorator for roles;
security headers; safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

from flask import Flask, abort, current_app, g, request
from flask_login import current_user

from portal.extensions import talisman

F = TypeVar("F", bound=Callable)

#: Blueprints or endpoints that may be reached without a login. Every other endpoint needs one.
#: Views mark themselves with @public; tests/test_access.py pins the full list, so adding a
#: public page is a deliberate, reviewed change.
_PUBLIC_ATTR = "_portal_public"


def public(view: F) -> F:
    """Mark a view as reachable without logging in."""
    setattr(view, _PUBLIC_ATTR, True)
    return view


def is_public_endpoint(app: Flask, endpoint: str | None) -> bool:
    if endpoint is None:
        return True  # 404 / 405: let the router answer
    if endpoint == "static":
        return True
    view = app.view_functions.get(endpoint)
    return bool(view and getattr(view, _PUBLIC_ATTR, False))


def roles_required(*roles) -> Callable[[F], F]:
    """Allow the view only to a logged-in user holding one of ``roles``; everyone else gets 403
    (and the refusal is logged)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_role(*roles):
                current_app.logger.warning(
                    "forbidden: user %s (roles %s) on %s %s",
                    current_user.id,
                    sorted(current_user.role_set),
                    request.method,
                    request.path,
                )
                abort(403)
            return view(*args, **kwargs)

        wrapped._portal_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def require_login_by_default(app: Flask) -> None:
    @app.before_request
    def _deny_by_default():
        if is_public_endpoint(app, request.endpoint):
            return None
        if not current_user.is_authenticated:
            return app.login_manager.unauthorized()
        return None


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` only when it is a path on this site (no scheme, no host, no '//')."""
    if not target or len(target) > 2000:
        return None
    if any(ch in target for ch in ("\\", "\r", "\n", "\t")) or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    joined = urlsplit(urljoin("http://portal.invalid/", target))
    if joined.netloc != "portal.invalid":
        return None
    return target


def content_security_policy() -> dict[str, str | list[str]]:
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": ["'self'", "data:"],
        "media-src": "'self'",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        # tutorials may embed a video from an allow-listed host (TUTORIAL_EMBED_HOSTS)
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    }


def install_security_headers(app: Flask) -> None:
    """Talisman sets CSP, frame-ancestors, nosniff, Referrer-Policy and (in production) HSTS."""
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at nginx; ProxyFix tells the app the scheme
        strict_transport_security=app.config.get("HSTS", False),
        strict_transport_security_max_age=31536000,
        content_security_policy=content_security_policy(),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.after_request
    def _nosniff(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if g.get("no_store"):
            response.headers["Cache-Control"] = "no-store"
        return response
