"""Sending a stored file to the browser. Access checks belong to the calling view; this only
makes the response safe: an attachment with an RFC 5987 file name, nosniff, never cached by
shared caches, and handed to nginx with X-Accel-Redirect when that is configured."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, abort, current_app, redirect, request, send_file
from werkzeug.wsgi import FileWrapper

from portal.storage.checks import clean_filename
from portal.storage.errors import StorageError


def content_disposition(download_name: str, *, as_attachment: bool = True) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>``."""
    name = clean_filename(download_name, default="download")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\%;' else "_" for ch in ascii_name)
    ascii_name = ascii_name.strip() or "download"
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def safe_download_response(key: str, download_name: str, content_type: str, *,
                           as_attachment: bool = True) -> Response:
    """A response sending the stored file ``key``. Aborts with 404 when it is missing or the key
    is malformed. With X_ACCEL_REDIRECT_PREFIX set and a local backend, the body is empty and
    nginx sends the file (the prefix is an ``internal`` location aliased to UPLOAD_ROOT);
    otherwise the file is streamed, answering Range requests. With a remote backend that can
    presign (S3) and S3_PRESIGNED_DOWNLOADS set, an attachment is a 302 to a short-lived URL
    (S3_PRESIGN_SECONDS); inline files are always streamed through the app, because the page's
    Content Security Policy allows images and frames from this site only. ``as_attachment=False``
    is for media played in the page (tutorial videos, captions)."""
    from portal.storage import get_storage

    storage = get_storage()
    try:
        if not storage.exists(key):
            abort(404)
        path = storage.local_path(key)
    except StorageError:
        current_app.logger.warning("refused to serve malformed storage key %r", key)
        abort(404)

    presign = getattr(storage, "presigned_url", None)
    if as_attachment and presign is not None and current_app.config.get("S3_PRESIGNED_DOWNLOADS"):
        # The caller has checked access: send the browser to the object store with a URL that
        # works for a minute and answers with our Content-Type and Content-Disposition.
        url = presign(key, content_type=content_type,
                      content_disposition=content_disposition(download_name),
                      expires=int(current_app.config.get("S3_PRESIGN_SECONDS") or 60))
        response = redirect(url, code=302)
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    prefix = current_app.config.get("X_ACCEL_REDIRECT_PREFIX")
    if prefix and path is not None:
        response = Response(status=200, mimetype=None)
        response.headers["Content-Type"] = content_type
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(key, safe="/")
    elif path is not None:
        response = send_file(path, mimetype=content_type, conditional=True, etag=True,
                             max_age=0, last_modified=storage.modified(key))
    else:
        # A remote backend: its open() gives a seekable local spool, so Range requests are
        # answered by seeking in it (Werkzeug's FileWrapper; a server's own wrapper may not seek).
        stream = storage.open(key)
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        response = Response(FileWrapper(stream), direct_passthrough=True)
        response.content_length = size
        response.last_modified = storage.modified(key)
        response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = content_disposition(download_name,
                                                                  as_attachment=as_attachment)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
