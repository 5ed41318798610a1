"""PDF pages as pictures, for reading a document inside a page (the office's review screen):
pdfium (pypdfium2) renders one page on the server to a JPEG that an ``<img>`` shows. No PDF
reaches the reader's browser, so there is no plug-in, no frame, no script and no CSP exception,
and it reads the same in every browser, with or without JavaScript.

Only stored files that passed ``check_upload`` are given here. A file pdfium cannot open (not a
PDF, damaged, locked with a password) raises PreviewUnavailable with a reason code the page
turns into a sentence; nothing here raises anything else for a bad file.
"""

from __future__ import annotations

import io
import logging
import threading
from typing import IO, Any

import pypdfium2 as pdfium
from PIL import Image

from portal import cache
from portal.storage.base import StorageBackend

log = logging.getLogger(__name__)

#: Widths (CSS px x 2 for sharp text on a phone) a page is rendered at; anything else is refused
#: so the renders a URL can ask for stay few.
WIDTHS = (800, 1200)
DEFAULT_WIDTH = 1200
#: A page is never rendered larger than this many pixels, whatever its shape (a strip one
#: point wide and meters long gets a small picture, not a 100-megapixel one).
MAX_PIXELS = 1200 * 1800
#: How long the page count of a stored file (which never changes: a new file has a new key)
#: is remembered in this process.
_COUNT_TTL = 600.0
#: pdfium is not thread-safe: one render at a time in a process.
_PDFIUM = threading.Lock()


class PreviewUnavailable(Exception):  # noqa: N818 - a reason, not a failure of the program
    """No picture of this file: ``code`` is "missing", "locked" or "unreadable"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _open(storage: StorageBackend, key: str) -> IO[bytes]:
    try:
        return storage.open(key)
    except FileNotFoundError:
        raise PreviewUnavailable("missing") from None


def _document(stream: IO[bytes]) -> Any:
    try:
        return pdfium.PdfDocument(stream)
    except pdfium.PdfiumError as exc:
        # pdfium's error text names the cause ("Incorrect password error", "Data format error").
        raise PreviewUnavailable("locked" if "password" in str(exc).lower() else "unreadable") from None


def page_count(storage: StorageBackend, key: str) -> int:
    """The number of pages of the stored PDF at ``key``. Raises PreviewUnavailable."""

    def count() -> int:
        with _open(storage, key) as stream, _PDFIUM:
            pdf = _document(stream)
            try:
                return len(pdf)
            finally:
                pdf.close()

    pages: int = cache.local(f"pdf-pages:{key}", _COUNT_TTL, count)
    if pages < 1:
        raise PreviewUnavailable("unreadable")
    return pages


def render_page(storage: StorageBackend, key: str, number: int, width: int = DEFAULT_WIDTH) -> bytes:
    """Page ``number`` (from 1) of the stored PDF at ``key`` as a JPEG ``width`` pixels wide
    (or less, for a very tall page). Raises PreviewUnavailable for a file pdfium cannot read,
    IndexError for a page the file does not have, ValueError for a width not in WIDTHS."""
    if width not in WIDTHS:
        raise ValueError(width)
    with _open(storage, key) as stream, _PDFIUM:
        pdf = _document(stream)
        try:
            if not 1 <= number <= len(pdf):
                raise IndexError(number)
            image = _render(pdf, number - 1, width)
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def _render(pdf: Any, index: int, width: int) -> Image.Image:
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        raise PreviewUnavailable("unreadable") from None
    try:
        page_width, page_height = page.get_size()  # points
        page_width, page_height = max(page_width, 1.0), max(page_height, 1.0)
        scale = width / page_width
        if page_width * page_height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (page_width * page_height)) ** 0.5
        try:
            bitmap = page.render(scale=scale, may_draw_forms=True)
        except pdfium.PdfiumError:
            raise PreviewUnavailable("unreadable") from None
        image: Image.Image = bitmap.to_pil().convert("RGB")
    finally:
        page.close()
    return image
