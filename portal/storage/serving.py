"""Sending a stored file to the browser. Access checks belong to the calling view; this only
makes the response safe: an attachment with an RFC 5987 file name, nosniff, never cached by
shared caches, and handed to nginx with X-Accel-Redirect when that is configured."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import Response, current_app, redirect, request, send_file
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wsgi import FileWrapper

from portal.errors import NotFoundError
from portal.storage.backends import get_storage
from portal.storage.checks import clean_filename
from portal.storage.errors import StorageError

#: The extension a downloaded file gets for each type the portal serves; the others listed are
#: kept when the name already ends with one of them (photo.jpeg stays photo.jpeg).
_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg", "jpe"),
    "image/png": ("png",),
    "video/mp4": ("mp4", "m4v"),
    "video/webm": ("webm",),
    "text/vtt": ("vtt",),
}
#: Extensions that say what a file is (replaced when they say something else); any other
#: ending ("Surat No. 12") is part of the name and kept.
_TYPE_EXTENSIONS = {
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "jpe",
    "jfif",
    "gif",
    "bmp",
    "tif",
    "tiff",
    "webp",
    "heic",
    "heif",
    "avif",
    "svg",
    "svgz",
    "ico",
    "htm",
    "html",
    "xhtml",
    "shtml",
    "mht",
    "mhtml",
    "xml",
    "xsl",
    "zip",
    "rar",
    "7z",
    "gz",
    "tgz",
    "tar",
    "bz2",
    "xz",
    "cab",
    "iso",
    "img",
    "doc",
    "docx",
    "docm",
    "dot",
    "xls",
    "xlsx",
    "xlsm",
    "ppt",
    "pptx",
    "pptm",
    "odt",
    "ods",
    "odp",
    "rtf",
    "txt",
    "csv",
    "md",
    "exe",
    "com",
    "bat",
    "cmd",
    "scr",
    "msi",
    "msp",
    "pif",
    "cpl",
    "dll",
    "sys",
    "js",
    "jse",
    "mjs",
    "vbs",
    "vbe",
    "wsf",
    "wsh",
    "ps1",
    "psm1",
    "sh",
    "py",
    "pl",
    "rb",
    "php",
    "jar",
    "apk",
    "app",
    "dmg",
    "lnk",
    "url",
    "hta",
    "reg",
    "inf",
    "chm",
    "mp4",
    "m4v",
    "mov",
    "avi",
    "wmv",
    "mkv",
    "webm",
    "mp3",
    "wav",
    "vtt",
    "srt",
    "swf",
    "eml",
}
#: Device names Windows will not save a file under, with any extension (CON.pdf, nul.tar.gz),
#: also with trailing spaces ("AUX .pdf") and superscript digits (COM¹).
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    "CLOCK$",
    *(f"{d}{n}" for d in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"),
}
#: Characters no Windows file name may hold.
_WINDOWS_FORBIDDEN = str.maketrans({c: "_" for c in '<>:"/\\|?*'})


def download_filename(name: str | None, content_type: str | None = None, *, default: str = "download") -> str:
    """The name a browser saves a served file under: cleaned (see clean_filename), ending with
    the extension of the type actually served (PNG bytes uploaded as ``ktp.pdf`` download as
    ``ktp.png``), safe on Windows (no reserved device name such as CON or LPT1 before the first
    dot, none of ``<>:"/\\|?*``, no trailing dot or space)."""
    name = clean_filename(name, default=default).translate(_WINDOWS_FORBIDDEN)
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    extensions = _EXTENSIONS.get(mime)
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if extensions is not None and ext.lower() not in extensions:
        if ext.lower() not in _TYPE_EXTENSIONS:
            stem = name  # "Surat No. 12": the ending is part of the name
        ext = extensions[0]
    stem = stem.rstrip(". ")
    if not stem.strip(". "):
        stem = default
    if stem.split(".", 1)[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    return f"{stem}.{ext}" if ext else stem


def content_disposition(
    download_name: str, *, as_attachment: bool = True, content_type: str | None = None
) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>``, both
    made from download_filename (RFC 6266)."""
    name = download_filename(download_name, content_type)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\%;' else "_" for ch in ascii_name)
    # Run again: a stem of non-Latin letters is empty now, and NFKD makes "ＣＯＮ" into "CON".
    ascii_name = download_filename(ascii_name, content_type)
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def safe_download_response(
    key: str, download_name: str, content_type: str, *, as_attachment: bool = True
) -> BaseResponse:
    """A response sending the stored file ``key``. Raises NotFoundError when it is missing or the
    key is malformed. With X_ACCEL_REDIRECT_PREFIX set and a local backend, the body is empty and
    nginx sends the file (the prefix is an ``internal`` location aliased to UPLOAD_ROOT);
    otherwise the file is streamed, answering Range requests. With a remote backend that can
    presign (S3) and S3_PRESIGNED_DOWNLOADS set, an attachment is a 302 to a short-lived URL
    (S3_PRESIGN_SECONDS); inline files are always streamed through the app, because the page's
    Content Security Policy allows images and frames from this site only. ``as_attachment=False``
    is for media played in the page (tutorial videos, captions)."""
    storage = get_storage()
    try:
        if not storage.exists(key):
            raise NotFoundError()
        path = storage.local_path(key)
    except StorageError:
        current_app.logger.warning("refused to serve malformed storage key %r", key)
        raise NotFoundError() from None

    presign = getattr(storage, "presigned_url", None)
    if as_attachment and presign is not None and current_app.config.get("S3_PRESIGNED_DOWNLOADS"):
        # The caller has checked access: send the browser to the object store with a URL that
        # works for a minute and answers with our Content-Type and Content-Disposition.
        url = presign(
            key,
            content_type=content_type,
            content_disposition=content_disposition(download_name, content_type=content_type),
            expires=int(current_app.config.get("S3_PRESIGN_SECONDS") or 60),
        )
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
        response = send_file(
            path,
            mimetype=content_type,
            conditional=True,
            etag=True,
            max_age=0,
            last_modified=storage.modified(key),
        )
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
    response.headers["Content-Disposition"] = content_disposition(
        download_name, as_attachment=as_attachment, content_type=content_type
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
