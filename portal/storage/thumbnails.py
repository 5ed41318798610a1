"""Small previews of accepted uploads: a photo scaled down, or a PDF's first page rendered
(pypdfium2), stored as a JPEG under a random key beside the file. Only files that passed
``check_upload`` are given here, and they are served only through views that check access."""

from __future__ import annotations

import io
import logging

import pypdfium2 as pdfium
from PIL import Image

from portal.storage.base import StorageBackend, StoredFile

log = logging.getLogger(__name__)

#: The preview's long side, in pixels (shown at about 120 CSS px: sharp on a 2x phone screen).
THUMBNAIL_SIZE = 240
#: A PDF page is rendered no larger than this many pixels on its long side, whatever its size.
_MAX_RENDER = 2 * THUMBNAIL_SIZE


def make_thumbnail(
    storage: StorageBackend, key: str, content_type: str, *, key_prefix: str = "thumbnails/"
) -> StoredFile | None:
    """Store a preview of the file at ``key`` and return it, or None when none can be made
    (an unknown type, a PDF pdfium cannot render): the page then shows the file's name only."""
    try:
        if content_type in ("image/jpeg", "image/png"):
            image = _image_preview(storage, key)
        elif content_type == "application/pdf":
            image = _pdf_preview(storage, key)
        else:
            return None
    except Exception:  # a preview is a nicety: never fail an upload for it
        log.warning("no preview for %s", key, exc_info=True)
        return None
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    out.seek(0)
    return storage.save(out, key_prefix=key_prefix)


def _image_preview(storage: StorageBackend, key: str) -> Image.Image:
    with storage.open(key) as fh, Image.open(fh) as source:
        source.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG: decode scaled down
        image = source.convert("RGB")
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    return image


def _pdf_preview(storage: StorageBackend, key: str) -> Image.Image:
    with storage.open(key) as fh:
        data = fh.read()
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[0]
        try:
            width, height = page.get_size()  # in points
            scale = min(_MAX_RENDER / max(width, height, 1), 2.0)
            bitmap = page.render(scale=scale)
            image: Image.Image = bitmap.to_pil().convert("RGB")
        finally:
            page.close()
    finally:
        pdf.close()
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    return image
