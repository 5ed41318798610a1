"""Error pages in the user's language, JSON under /api/; a friendly page for a stale form."""

from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("The request could not be understood"),
          _l("Go back, reload the page and try again.")),
    403: (_l("You do not have access to this page"),
          _l("If you think you should, log in with the right account or contact the help desk.")),
    404: (_l("Page not found"),
          _l("Check the address, or start again from the home page.")),
    405: (_l("This action is not allowed here"),
          _l("Go back and use the buttons on the page.")),
    413: (_l("The file or form is too large"),
          _l("Make the file smaller (scan at a lower resolution or split the PDF) and try again.")),
    429: (_l("Too many attempts"),
          _l("Please wait a moment before trying again.")),
    500: (_l("Something went wrong on our side"),
          _l("Your data has not been lost. Try again in a few minutes; if it keeps happening, "
             "contact the help desk.")),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _render(code: int, title=None, hint=None, retry_after: str | None = None):
    default_title, default_hint = MESSAGES.get(code, MESSAGES[500])
    title = title or default_title
    hint = hint or default_hint
    if _wants_json():
        response = jsonify(error=str(title), hint=str(hint), status=code)
        response.status_code = code
    else:
        response = render_template("errors/error.html", code=code, title=title, hint=hint,
                                   retry_after=retry_after), code
        response = make_response(response)
    if retry_after:
        response.headers["Retry-After"] = retry_after
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return _render(
            400,
            _l("This form has expired"),
            _l("For your safety, forms expire after a while or when you log in or out. "
               "Go back, reload the page and send it again. Nothing was changed."),
        )

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        if code not in MESSAGES:
            return error
        retry_after = None
        if code == 429:
            retry_after = getattr(error, "retry_after", None)
            headers = dict(error.get_headers() or [])
            retry_after = headers.get("Retry-After", retry_after)
            if retry_after is None:
                retry_after = "60"
        return _render(code, retry_after=str(retry_after) if retry_after else None)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        return _render(500)
