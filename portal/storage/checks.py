"""Upload validation by content: the bytes decide what a file is, never its name or the
Content-Type the browser sent.

``check_upload`` streams a Werkzeug FileStorage into storage (bounded by ``max_bytes``), sniffs
the stored bytes (``sniffing``), refuses anything not allowed, re-encodes images (``images``)
and inspects PDFs (``pdf_checks``). Whatever it refuses is deleted again before UploadRejected
is raised.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import unicodedata
from dataclasses import dataclass
from typing import IO, BinaryIO

from flask import current_app, has_app_context
from werkzeug.datastructures import FileStorage

from portal.storage.backends import get_storage
from portal.storage.base import CHUNK_SIZE, StorageBackend, StoredFile
from portal.storage.errors import UploadRejected
from portal.storage.images import (
    DEFAULT_MAX_DECODED_BYTES,
    DEFAULT_MAX_PIXELS,
    DEFAULT_PHOTO_MAX_BYTES,
    HEIF_SUPPORTED,
    _reencode_image,
)
from portal.storage.pdf_checks import MAX_PDF_OBJECTS, check_pdf  # noqa: F401 - re-exported
from portal.storage.sniffing import CONTENT_TYPES, SNIFF_BYTES, FileKind, sniff

MAX_NAME_LENGTH = 200


# Display order of kinds in messages ("a PDF, JPEG or PNG file").
_KIND_ORDER = list(FileKind)


@dataclass
class CheckedUpload:
    """An accepted upload: what it is, the Content-Type to serve it with, where it is stored
    (key, size and sha256 of the stored bytes, which for images are the re-encoded ones), the
    cleaned original name (for display only) and, for images, the pixel size."""

    kind: FileKind
    content_type: str
    stored: StoredFile
    original_name: str
    width: int | None = None
    height: int | None = None


# -- file names ----------------------------------------------------------------------------------
_DIRECTION_CHARS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def clean_filename(name: str | None, default: str = "document") -> str:
    """A file name safe to show and to offer as a download name: the last path component only,
    without control characters, NUL or Unicode direction overrides, at most 200 characters
    (the extension kept), and "document" when nothing sensible is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.translate({ord(c): " " for c in "\t\n\r\v\f"})
    name = "".join(
        ch
        for ch in name
        if ch not in _DIRECTION_CHARS and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")
    )
    name = " ".join(name.split())  # tabs/newlines are gone; collapse runs of spaces
    if not name.strip(". "):
        return default
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 16:
            name = stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


# -- the check -----------------------------------------------------------------------------------
def check_upload(
    file_storage: FileStorage,
    allowed: set[FileKind],
    max_bytes: int,
    *,
    key_prefix: str = "documents/",
    max_pixels: int | None = None,
    max_decoded_bytes: int | None = None,
    storage: StorageBackend | None = None,
) -> CheckedUpload:
    """Store the upload and check it by content. A photo (JPEG, PNG, or HEIC where JPEG is
    allowed: converted) may arrive up to UPLOAD_PHOTO_MAX_BYTES (25 MB) even when ``max_bytes``
    is smaller: it is downscaled until it fits ``max_bytes``; a PDF over ``max_bytes`` is
    refused. Returns a CheckedUpload; raises UploadRejected
    (code empty, too_large, wrong_type, too_many_pixels, image_too_big, image_broken,
    pdf_encrypted, pdf_broken, pdf_active_content or vtt_encoding) after deleting whatever was
    stored. ``max_pixels`` defaults to the app's UPLOAD_MAX_PIXELS or 40 megapixels,
    ``max_decoded_bytes`` (the memory an image takes decoded) to UPLOAD_MAX_DECODED_BYTES or
    192 MB. Needs an app context unless ``storage`` is given."""
    if storage is None:
        storage = get_storage()
    if max_pixels is None:
        max_pixels = (
            current_app.config.get("UPLOAD_MAX_PIXELS") if has_app_context() else None
        ) or DEFAULT_MAX_PIXELS
    if max_decoded_bytes is None:
        max_decoded_bytes = (
            current_app.config.get("UPLOAD_MAX_DECODED_BYTES") if has_app_context() else None
        ) or DEFAULT_MAX_DECODED_BYTES
    allowed = {FileKind(k) for k in allowed}
    original_name = clean_filename(file_storage.filename)
    allowed_names = [k.value for k in _KIND_ORDER if k in allowed]
    takes_photos = bool(allowed & {FileKind.JPEG, FileKind.PNG})
    ceiling = max_bytes
    if takes_photos:
        photo_max = (
            current_app.config.get("UPLOAD_PHOTO_MAX_BYTES") if has_app_context() else None
        ) or DEFAULT_PHOTO_MAX_BYTES
        ceiling = max(max_bytes, photo_max)

    stream = file_storage.stream
    with contextlib.suppress(AttributeError, OSError, ValueError):
        if stream.seekable():  # a form library may have peeked at it already
            stream.seek(0)
    try:
        stored = storage.save(stream, max_bytes=ceiling, key_prefix=key_prefix)
    except UploadRejected as exc:
        if exc.code == "too_large":
            exc.params.setdefault("size", _stream_size(stream))
            if ceiling > max_bytes:
                exc.params["photo"] = True
        raise

    keys_to_delete = [stored.key]
    try:
        if stored.size == 0:
            raise UploadRejected("empty")
        with storage.open(stored.key) as fh:
            head = fh.read(SNIFF_BYTES)
        found = sniff(head)
        source = None
        kind: FileKind | None
        if found == "heic" and FileKind.JPEG in allowed and HEIF_SUPPORTED:
            # An iPhone photo: decoded by pillow-heif and stored as a JPEG.
            kind, source = FileKind.JPEG, "HEIF"
        else:
            kind = FileKind(found) if found in FileKind._value2member_map_ else None
        if kind is None or kind not in allowed:
            raise UploadRejected("wrong_type", found=found, allowed=allowed_names)
        if stored.size > max_bytes and kind not in (FileKind.JPEG, FileKind.PNG):
            raise UploadRejected("too_large", limit=max_bytes, size=stored.size)

        width = height = None
        if kind in (FileKind.JPEG, FileKind.PNG):
            new_stored, width, height = _reencode_image(
                storage,
                stored,
                kind,
                max_pixels,
                max_decoded_bytes,
                key_prefix,
                max_bytes=max_bytes,
                source=source,
            )
            keys_to_delete.append(new_stored.key)
            storage.delete(stored.key)
            stored = new_stored
        elif kind is FileKind.PDF:
            with storage.open(stored.key) as fh:
                check_pdf(fh)
        elif kind is FileKind.VTT:
            with storage.open(stored.key) as fh:
                _check_utf8(fh)
        # MP4 and WebM: the container magic is all that is checked here; the tutorials'
        # ffmpeg step reads them properly.
    except BaseException:
        for key in keys_to_delete:
            with contextlib.suppress(Exception):
                storage.delete(key)
        raise
    return CheckedUpload(
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        stored=stored,
        original_name=original_name,
        width=width,
        height=height,
    )


def _stream_size(stream: IO[bytes]) -> int | None:
    """The whole upload's size, when the stream can tell it without reading (Werkzeug's spooled
    file can); used only to say how big a too-large file is."""
    try:
        pos = stream.tell()
        end = stream.seek(0, os.SEEK_END)
        stream.seek(pos)
        return end
    except (OSError, AttributeError, ValueError):
        return None


def _check_utf8(fh: BinaryIO) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fh.read(CHUNK_SIZE):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UploadRejected("vtt_encoding") from None
