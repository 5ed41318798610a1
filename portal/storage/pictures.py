"""Pictures an admin puts on the public site or on a letter (coat of arms, logo, hero photo,
icons, officials' photos, news pictures, the map): the one safe image path for them.

The bytes decide the type and only PNG and JPEG are taken: an SVG (with or without a script),
a GIF (animated or not), WebP or anything else is refused as ``wrong_type``. A picture over
``max_pixels`` is refused by its header before anything is stored (a 40-megapixel photo is not
a logo or a banner; documents' photos are shrunk instead, this is not). What is accepted is
re-encoded without metadata by ``check_upload``."""

from __future__ import annotations

import contextlib

from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from portal.storage.checks import CheckedUpload, FileKind, check_upload
from portal.storage.errors import UploadRejected


def header_pixels(upload: FileStorage) -> tuple[int, int] | None:
    """Width and height from the image header, without decoding pixels (None: not an image
    Pillow knows; the upload checks then say what it is)."""
    stream = upload.stream
    try:
        stream.seek(0)
        with Image.open(stream) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)


def check_picture(upload: FileStorage, *, max_bytes: int, max_pixels: int, key_prefix: str) -> CheckedUpload:
    """Store ``upload`` as a checked, re-encoded PNG or JPEG. Raises UploadRejected (nothing
    stored) for any other type, an empty or broken file, or one over ``max_pixels``; a photo
    over ``max_bytes`` is scaled down until it fits (check_upload's rule for photos)."""
    size = header_pixels(upload)
    if size is not None and size[0] * size[1] > max_pixels:
        raise UploadRejected("too_many_pixels", width=size[0], height=size[1], max_pixels=max_pixels)
    return check_upload(
        upload, {FileKind.PNG, FileKind.JPEG}, max_bytes, key_prefix=key_prefix, max_pixels=max_pixels
    )
