"""Pictures an admin puts on the public site or on a letter (coat of arms, logo, hero photo,
icons, officials' photos, news pictures, the map): the one safe image path for them.

The bytes decide the type and only PNG and JPEG are taken: an SVG (with or without a script),
a GIF (animated or not), WebP or anything else is refused as ``wrong_type``. A picture over
``max_pixels`` is refused by its header before anything is stored (a 40-megapixel photo is not
a logo or a banner; documents' photos are shrunk instead, this is not). What is accepted is
re-encoded without metadata by ``check_upload``."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from portal.storage.backends import get_storage
from portal.storage.checks import CheckedUpload, FileKind, check_upload
from portal.storage.errors import UploadRejected
from portal.transaction import delete_file_after_commit, delete_file_on_rollback


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


@dataclass(frozen=True)
class PictureChange:
    """The picture a row keeps after ``change_picture``: the new file's key, type and size, or
    all None when the picture was removed."""

    key: str | None = None
    content_type: str | None = None
    width: int | None = None
    height: int | None = None


def picture_given(upload: FileStorage | None) -> bool:
    return bool(upload is not None and upload.filename)


def keeps_picture(upload: FileStorage | None, current_key: str | None, remove: bool) -> bool:
    """Whether the row has a picture after the change (a new one, or its own kept)."""
    return picture_given(upload) or bool(current_key and not remove)


def change_picture(
    current_key: str | None,
    upload: FileStorage | None,
    *,
    remove: bool,
    max_bytes: int,
    max_pixels: int,
    key_prefix: str,
) -> PictureChange | None:
    """Replace or remove the picture a row keeps by key (an event's, a news item's): a new
    upload is checked and stored (``check_picture``; UploadRejected, nothing stored) and deleted
    again if the transaction rolls back; the file it replaces, or the one removed, is deleted
    once the change commits. None when nothing changes (no upload, no removal)."""
    storage = get_storage()
    if upload is not None and upload.filename:
        checked = check_picture(upload, max_bytes=max_bytes, max_pixels=max_pixels, key_prefix=key_prefix)
        delete_file_on_rollback(storage, checked.stored.key)
        if current_key:
            delete_file_after_commit(storage, current_key)
        return PictureChange(checked.stored.key, checked.content_type, checked.width, checked.height)
    if remove and current_key:
        delete_file_after_commit(storage, current_key)
        return PictureChange()
    return None
