"""One error base and one place that renders errors: pages in the user's language, JSON under
/api/, a friendly page for a stale form.

Every refusal a person can act on is a ``PortalError`` (or a subclass in the feature that
raises it): ``str(error)`` is one translated sentence that says what to do next and
``status_code`` the HTTP status. Services raise them and never call ``abort()``; a view that
can do better (show the form again with the message) catches them, and whatever it does not
catch is rendered here, and the request commits nothing: a flash message and a
redirect back for a refused form (400/409 on POST from one of our pages), otherwise the error
page with the message as its hint.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response as BaseResponse

from portal.extensions import db
from portal.request_limits import is_upload_endpoint

MESSAGES = {
    400: (_l("The request could not be understood"), _l("Go back, reload the page and try again.")),
    403: (
        _l("You do not have access to this page"),
        _l("If you think you should, log in with the right account or contact the help desk."),
    ),
    404: (_l("Page not found"), _l("Check the address, or start again from the home page.")),
    405: (_l("This action is not allowed here"), _l("Go back and use the buttons on the page.")),
    409: (_l("This could not be done now"), _l("Reload the page to see the current state, then try again.")),
    413: (
        _l("The file or form is too large"),
        _l("Make the file smaller (scan at a lower resolution or split the PDF) and try again."),
    ),
    429: (_l("Too many attempts"), _l("Please wait a moment before trying again.")),
    500: (
        _l("Something went wrong on our side"),
        _l(
            "Your data has not been lost. Try again in a few minutes; if it keeps happening, "
            "contact the help desk."
        ),
    ),
}


class PortalError(Exception):
    """A refusal the person can act on. ``str(error)`` is the translated message (the first
    argument, or ``default_message``); ``status_code`` is the HTTP status it is answered with."""

    status_code: int = 400
    default_message: Any = MESSAGES[400][1]

    def __init__(self, *args: Any) -> None:
        super().__init__(*(args or (self.default_message,)))


class AccessDenied(PortalError):
    """The person may not see or do this (answered like ``abort(403)``)."""

    status_code = 403
    default_message = MESSAGES[403][1]


class NotFoundError(PortalError):
    """The object does not exist, or belongs to someone else (answered like ``abort(404)``)."""

    status_code = 404
    default_message = MESSAGES[404][1]


# A form without a file (portal/request_limits.py): the limit is 1 MB of typed text.
FORM_TOO_LARGE = (
    _l("The form is too large"),
    _l("What you sent is much longer than this form takes. Go back, shorten the text and send it again."),
)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(code: int, title: Any = None, hint: Any = None, retry_after: str | None = None) -> Response:
    default_title, default_hint = MESSAGES.get(code, MESSAGES[500])
    title = title or default_title
    hint = hint or default_hint
    if _wants_json():
        response = jsonify(error=str(title), hint=str(hint), status=code)
        response.status_code = code
    else:
        response = make_response(
            render_template("errors/error.html", code=code, title=title, hint=hint, retry_after=retry_after),
            code,
        )
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


def _back_to_form() -> str | None:
    """The page the refused form was posted from, when it is one of ours."""
    if request.method != "POST" or not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    if parts.netloc != request.host or not parts.path.startswith("/"):
        return None
    return parts.path + ("?" + parts.query if parts.query else "")


#: Statuses only the API answers with (the pages never do).
API_MESSAGES = {
    400: (
        _l("The request could not be understood"),
        _l("Check the request against the API reference (/api/v1/docs)."),
    ),
    401: (_l("An API token is needed"), _l("Send a valid API token as 'Authorization: Bearer <token>'.")),
    406: (_l("This format is not offered"), _l("Ask for application/json.")),
    415: (_l("Send JSON"), _l("Send the body as application/json.")),
    422: (_l("Some values are not valid"), _l("Correct the fields named in 'errors' and send again.")),
}


def _api_error(error: HTTPException, code: int) -> Response:
    """An HTTP error under /api/ that the pages never show: JSON, with the fields that were
    refused (webargs puts them in ``error.data["messages"]``)."""
    title, hint = API_MESSAGES.get(code, (error.name, error.description or ""))
    body: dict[str, Any] = {"error": str(title), "hint": str(hint), "status": code}
    data = getattr(error, "data", None)
    if isinstance(data, dict) and isinstance(data.get("messages"), dict):
        body["errors"] = data["messages"]
    response = jsonify(body)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def render_portal_error(error: PortalError) -> Response | BaseResponse:
    """The one answer to a PortalError nobody caught (see the module docstring). Nothing of
    the request is committed (portal/transaction.py commits only answers below 400; a redirect
    back to the form is one, so the session is rolled back first)."""
    code = error.status_code
    message = str(error)
    if _wants_json():
        title = (API_MESSAGES.get(code) or MESSAGES.get(code) or MESSAGES[400])[0]
        response = jsonify(error=str(title), hint=message, status=code)
        response.status_code = code
        retry_after = getattr(error, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
    back = _back_to_form() if code in (400, 409) else None
    if back:
        db.session.rollback()
        flash(message, "danger")
        return redirect(back, code=303)
    if (
        type(error) in (AccessDenied, NotFoundError)
        and len(error.args) == 1
        and error.args[0] is error.default_message
    ):
        return _render(code)  # the same page abort() gave
    title = MESSAGES.get(code, MESSAGES[400])[0]
    return _render(code, title, message)


def init_app(app: Flask) -> None:
    app.register_error_handler(PortalError, render_portal_error)

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> Response:
        return _render(
            400,
            _l("This form has expired"),
            _l(
                "For your safety, forms expire after a while or when you log in or out. "
                "Go back, reload the page and send it again. Nothing was changed."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | HTTPException:
        code = error.code or 500
        if _wants_json() and (code not in MESSAGES or code == 400):
            return _api_error(error, code)
        if code not in MESSAGES:
            return error
        retry_after = None
        if code == 429:
            retry_after = getattr(error, "retry_after", None)
            headers = dict(error.get_headers() or [])
            retry_after = headers.get("Retry-After", retry_after)
            if retry_after is None:
                retry_after = "60"
        if code == 413 and not is_upload_endpoint(current_app, request.endpoint):
            return _render(413, *FORM_TOO_LARGE)
        return _render(code, retry_after=str(retry_after) if retry_after else None)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError) -> Response:
        return _render(500)
