"""Links that leave the request: in emails, QR codes and notices."""

from __future__ import annotations

from flask import current_app, url_for


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link to ``endpoint`` on the configured public address (BASE_URL), never on
    the request's Host header (which a visitor controls). Works without a request."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return base + url_for(endpoint, **values)
