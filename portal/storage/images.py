"""Images by content: every accepted JPEG or PNG is decoded within pixel and memory limits,
turned upright, stripped of metadata and re-encoded (a photo over its slot's limit downscaled
until it fits); HEIC photos are decoded by pillow-heif where it is installed."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC photos (iPhones, some Android phones) are converted to JPEG when pillow-heif is there
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - the dependency is declared; a bare install refuses HEIC
    HEIF_SUPPORTED = False
else:
    register_heif_opener()
    HEIF_SUPPORTED = True

from portal.storage.base import StorageBackend, StoredFile
from portal.storage.errors import UploadRejected
from portal.storage.sniffing import FileKind

DEFAULT_MAX_PIXELS = 40_000_000
#: Memory an image may take once decoded: a 40-megapixel 8-bit photo fits (160 MB as Pillow
#: holds RGB and RGBA, 4 bytes a pixel); a 6300 x 6300 16-bit RGBA PNG (317 MB declared, from a
#: 300 KB file) does not.
DEFAULT_MAX_DECODED_BYTES = 192 * 1024 * 1024
#: A photo may arrive this big (a 12 MB, 8000 x 6000 camera photo does) when its slot's limit is
#: smaller: it is downscaled until it fits the slot's limit instead of being refused.
DEFAULT_PHOTO_MAX_BYTES = 25 * 1024 * 1024
#: The long side a photo over its slot's limit is brought down to (then smaller, if needed).
PHOTO_LONG_SIDE = 2000


def _reencode_image(
    storage: StorageBackend,
    stored: StoredFile,
    kind: FileKind,
    max_pixels: int,
    max_decoded_bytes: int,
    key_prefix: str,
    *,
    max_bytes: int | None = None,
    source: str | None = None,
) -> tuple[StoredFile, int, int]:
    """Decode the stored image under the pixel and memory limits, apply its EXIF orientation and
    encode it again without metadata (EXIF, XMP, comments, text chunks are dropped; the ICC
    colour profile is kept so colours stay right). Stores the result under a new key.

    Both limits are judged from the header, before any pixel is decoded. The memory is width x
    height x bands x bytes per sample, as the file declares them or as Pillow holds them,
    whichever is more. A JPEG over the memory limit is decoded at 1/2, 1/4 or 1/8 of its size
    (JPEG can be decoded scaled down, at a fraction of the cost) and stored at that size; a PNG
    over it is refused (image_too_big). A JPEG over the pixel limit is decoded scaled down the
    same way, when 1/2, 1/4 or 1/8 of it fits (a 48-megapixel camera photo does).

    A photo whose file is over ``max_bytes`` (the slot's limit), or that had to be decoded
    scaled down, is downscaled to a long side of PHOTO_LONG_SIDE, then smaller until its file
    fits; one that cannot be made to fit is refused (too_large). ``source`` "HEIF" decodes a
    HEIC photo (stored as JPEG)."""
    with storage.open(stored.key) as fh, warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            formats = [source] if source else ["JPEG"] if kind is FileKind.JPEG else ["PNG"]
            image = Image.open(fh, formats=formats)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            # Pillow read the header and refused the size itself; read it again for the message.
            width, height = _header_size(storage, stored.key, kind)
            raise UploadRejected(
                "too_many_pixels", width=width, height=height, max_pixels=max_pixels
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise UploadRejected("image_broken") from None
        with image:
            width, height = image.size
            scalable = kind is FileKind.JPEG and source is None  # JPEG decodes scaled down
            # The header is all that has been read so far: refuse before decoding any pixel.
            if width * height > max_pixels and not (
                scalable and _fits(width, height, 8, lambda w, h: w * h <= max_pixels)
            ):
                raise UploadRejected("too_many_pixels", width=width, height=height, max_pixels=max_pixels)
            per_pixel = max(
                _declared_bytes_per_pixel(storage, stored.key, kind), _held_bytes_per_pixel(image.mode)
            )
            shrink = max_bytes is not None and stored.size > max_bytes
            if width * height * per_pixel > max_decoded_bytes or width * height > max_pixels:
                scale = next(
                    (
                        n
                        for n in (2, 4, 8)
                        if scalable
                        and _fits(
                            width,
                            height,
                            n,
                            lambda w, h: w * h * per_pixel <= max_decoded_bytes and w * h <= max_pixels,
                        )
                    ),
                    None,
                )
                if scale is None:
                    if width * height > max_pixels:
                        raise UploadRejected(
                            "too_many_pixels", width=width, height=height, max_pixels=max_pixels
                        )
                    raise UploadRejected("image_too_big", width=width, height=height)
                image.draft(image.mode, (-(-width // scale), -(-height // scale)))
                shrink = True
            try:
                image.load()
                icc = image.info.get("icc_profile")
                # In place: a copy would hold the whole image twice.
                ImageOps.exif_transpose(image, in_place=True)
                oriented = image
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise UploadRejected(
                    "too_many_pixels", width=width, height=height, max_pixels=max_pixels
                ) from None
            except (OSError, SyntaxError, ValueError, EOFError):
                raise UploadRejected("image_broken") from None
            width, height = oriented.size
            # Pillow writes some info entries back on save (a JPEG comment, for one): keep only
            # what affects how the pixels look.
            oriented.info = {k: v for k, v in oriented.info.items() if k in ("transparency", "dpi")}
            long_side = PHOTO_LONG_SIDE
            while True:
                if shrink and max(oriented.size) > long_side:
                    # In place, like the orientation: never two full-size copies at once.
                    oriented.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
                width, height = oriented.size
                with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as out:
                    _encode(oriented, kind, out, icc, quality=85 if shrink else 90)
                    size = out.tell()
                    if max_bytes is None or size <= max_bytes:
                        out.seek(0)
                        new_stored = storage.save(out, key_prefix=key_prefix)
                        break
                if long_side < 400:
                    raise UploadRejected("too_large", limit=max_bytes, size=stored.size)
                shrink, long_side = True, min(long_side, max(width, height)) * 3 // 4
    return new_stored, width, height


def _fits(width: int, height: int, scale: int, ok: Callable[[int, int], bool]) -> bool:
    """Whether the image decoded at 1/``scale`` (the coarsest JPEG allows is 1/8) passes
    ``ok(width, height)``."""
    return ok(-(-width // scale), -(-height // scale))


def _encode(
    image: Image.Image, kind: FileKind, out: IO[bytes], icc: bytes | None, *, quality: int = 90
) -> None:
    extra = {"icc_profile": icc} if icc else {}
    if kind is FileKind.JPEG:
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=quality, optimize=True, **extra)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=False, **extra)


def _header_size(storage: StorageBackend, key: str, kind: FileKind) -> tuple[int | None, int | None]:
    info = _header_info(storage, key, kind)
    return (info[0], info[1]) if info else (None, None)


_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # grey, RGB, palette, grey+alpha, RGBA
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _header_info(storage: StorageBackend, key: str, kind: FileKind) -> tuple[int, int, int, int] | None:
    """Width, height, channels and bits per sample as the file's header declares them
    (PNG's IHDR, JPEG's start-of-frame), or None when they cannot be found."""
    with storage.open(key) as fh:
        head = fh.read(64 * 1024)
    if kind is FileKind.PNG and len(head) >= 26 and head[12:16] == b"IHDR":
        channels = _PNG_CHANNELS.get(head[25])
        if channels is None:
            return None
        return (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big"), channels, head[24])
    if kind is FileKind.JPEG:
        i = 2
        while i + 9 < len(head):
            if head[i] != 0xFF:
                break
            marker = head[i + 1]
            length = int.from_bytes(head[i + 2 : i + 4], "big")
            if marker in _JPEG_SOF:
                return (
                    int.from_bytes(head[i + 7 : i + 9], "big"),
                    int.from_bytes(head[i + 5 : i + 7], "big"),
                    head[i + 9],
                    head[i + 4],
                )
            i += 2 + length
    return None


def _declared_bytes_per_pixel(storage: StorageBackend, key: str, kind: FileKind) -> int:
    info = _header_info(storage, key, kind)
    if info is None:
        return 0
    _, _, channels, bits = info
    return channels * max(1, -(-bits // 8))


def _held_bytes_per_pixel(mode: str) -> int:
    """What Pillow holds per pixel in ``mode``: 4 for RGB too (its pixels are 32-bit)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode in ("I;16", "I;16B", "I;16L", "LA", "La", "PA"):
        return 4 if mode in ("LA", "La", "PA") else 2
    return 4
