"""Serving tutorial media (videos, posters, tracks) from storage, with HTTP Range requests.

Werkzeug's conditional responses do the work (206 with an exact Content-Range, 304, ETag,
Last-Modified); this module decides first what to do with the Range header, because Werkzeug
answers 416 to things RFC 9110 says to ignore:

- no Range, a unit other than ``bytes`` (RFC 9110 14.2: MUST be ignored), or several ranges
  (a server MAY ignore Range; multipart/byteranges is of no use to a video player): 200 with the
  whole file;
- a syntactically invalid range (``bytes=abc``, ``bytes=500-100``): 416, which RFC 9110 14.2
  allows ("MAY ignore or reject") and issue 4 asks for;
- one valid range: 206, or 416 with ``Content-Range: bytes */<size>`` when it starts past the end.

With X_ACCEL_REDIRECT_PREFIX set and a local backend, nginx sends the file (and does the ranges).
"""

from __future__ import annotations

import enum
import hashlib
import re
from datetime import datetime
from urllib.parse import quote

from flask import Response, current_app, g, request
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.utils import send_file
from werkzeug.wsgi import wrap_file

from portal.errors import NotFoundError
from portal.storage import StorageError, get_storage

PUBLIC_MAX_AGE = 86400  # a versioned URL (?v=) changes whenever the file does
SHORT_MAX_AGE = 300

_SPEC = re.compile(r"^[ \t]*(?:(\d+)[ \t]*-[ \t]*(\d*)|-[ \t]*(\d+))[ \t]*$")


class RangeUse(enum.Enum):
    NONE = "none"  # no Range header, or one to ignore: send the whole file
    SINGLE = "single"  # one well-formed byte range: let Werkzeug answer 206 or 416
    MALFORMED = "malformed"  # answer 416


def classify_range(header: str | None) -> RangeUse:
    """What to do with a Range header (see the module docstring)."""
    if header is None:
        return RangeUse.NONE
    unit, sep, rest = header.partition("=")
    if not sep:
        return RangeUse.MALFORMED
    if unit.strip(" \t").lower() != "bytes":
        return RangeUse.NONE
    specs = rest.split(",")
    for spec in specs:
        match = _SPEC.match(spec)
        if not match:
            return RangeUse.MALFORMED
        first, last, suffix = match.groups()
        if first is not None and last and int(last) < int(first):
            return RangeUse.MALFORMED
        if suffix is not None and int(suffix) == 0:
            return RangeUse.MALFORMED
    return RangeUse.SINGLE if len(specs) == 1 else RangeUse.NONE


def _unsatisfiable(size: int) -> Response:
    response = Response(status=416)
    response.headers["Content-Range"] = f"bytes */{size}"
    response.headers["Accept-Ranges"] = "bytes"
    return response


def _etag(key: str, size: int, modified: datetime) -> str:
    return hashlib.sha256(f"{key}:{size}:{modified.timestamp()}".encode()).hexdigest()[:32]


def media_response(
    key: str, content_type: str, *, download_name: str, cacheable: bool, versioned: bool = False
) -> Response:
    """Send the stored file ``key`` for playing in the page. 404 when it is missing.

    ``cacheable``: a published tutorial's media may be kept by browsers and shared caches
    (long when the URL is versioned); otherwise the response is private and not stored."""
    g.no_store = False  # this view sets its own Cache-Control
    storage = get_storage()
    try:
        if not storage.exists(key):
            raise NotFoundError()
        size = storage.size(key)
        modified = storage.modified(key)
        path = storage.local_path(key)
    except (StorageError, FileNotFoundError):
        raise NotFoundError() from None

    if cacheable:
        cache_control = f"public, max-age={PUBLIC_MAX_AGE if versioned else SHORT_MAX_AGE}"
    else:
        cache_control = "private, no-store"

    use = classify_range(request.headers.get("Range"))
    if use is RangeUse.MALFORMED:
        response = _unsatisfiable(size)
        response.headers["Cache-Control"] = "no-store"
        return response

    prefix = current_app.config.get("X_ACCEL_REDIRECT_PREFIX")
    if prefix and path is not None:
        response = Response(status=200)
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(key, safe="/")
    else:
        environ = request.environ
        if use is RangeUse.NONE and "HTTP_RANGE" in environ:
            environ = {k: v for k, v in environ.items() if k != "HTTP_RANGE"}
        elif use is RangeUse.SINGLE:
            # A server's own wsgi.file_wrapper (gunicorn's) cannot seek, so Werkzeug's range
            # wrapper would read and discard everything before the range: up to the whole
            # video per seek. Werkzeug's FileWrapper seeks.
            environ = {k: v for k, v in environ.items() if k != "wsgi.file_wrapper"}
        try:
            if path is not None:
                response = send_file(
                    path,
                    environ,
                    mimetype=content_type.split(";")[0],
                    conditional=True,
                    etag=_etag(key, size, modified),
                    last_modified=modified,
                    max_age=None,
                )
            else:
                response = Response(wrap_file(environ, storage.open(key)), direct_passthrough=True)
                response.content_length = size
                response.last_modified = modified
                response.set_etag(_etag(key, size, modified))
                response.make_conditional(environ, accept_ranges=True, complete_length=size)
        except RequestedRangeNotSatisfiable:
            response = _unsatisfiable(size)
            response.headers["Cache-Control"] = "no-store"
            return response
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'inline; filename="{download_name}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache_control
    if cacheable:
        # Media of a published tutorial may be embedded by the office's other sites.
        response.headers["Cross-Origin-Resource-Policy"] = "same-site"
    return response
