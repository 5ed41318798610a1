"""How big a request body may be. Only the views marked ``@accepts_uploads`` (documents,
samples, tutorial files, public information) take MAX_CONTENT_LENGTH (60 MB, files stream to
disk); every other request, form posts included, is refused past MAX_FORM_BODY_SIZE (1 MB)
before its body is read, so a huge urlencoded POST (which Werkzeug reads whole into memory)
costs nothing. The nginx site (deploy/nginx/satupintu.conf) draws the same line per location.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, request

F = TypeVar("F")
_UPLOAD_ATTR = "_accepts_uploads"


def accepts_uploads(view: F) -> F:
    """Mark a view whose form carries a file: its body may be up to MAX_CONTENT_LENGTH."""
    setattr(view, _UPLOAD_ATTR, True)
    return view


def is_upload_endpoint(app: Flask, endpoint: str | None) -> bool:
    view = app.view_functions.get(endpoint) if endpoint else None
    return bool(view and getattr(view, _UPLOAD_ATTR, False))


def init_app(app: Flask) -> None:
    """Must run before CSRF protection is set up: that reads the form in its own hook."""

    @app.before_request
    def _body_limit() -> None:
        if not is_upload_endpoint(app, request.endpoint):
            request.max_content_length = app.config["MAX_FORM_BODY_SIZE"]
