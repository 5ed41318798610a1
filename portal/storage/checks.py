"""Upload validation by content: the bytes decide what a file is, never its name or the
Content-Type the browser sent.

``check_upload`` streams a Werkzeug FileStorage into storage (bounded by ``max_bytes``), sniffs
the stored bytes, refuses anything not allowed, re-encodes images and inspects PDFs
(``pdf_checks``). Whatever it
refuses is deleted again before UploadRejected is raised.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO

from flask import current_app, has_app_context
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

try:  # HEIC photos (iPhones, some Android phones) are converted to JPEG when pillow-heif is there
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - the dependency is declared; a bare install refuses HEIC
    HEIF_SUPPORTED = False
else:
    register_heif_opener()
    HEIF_SUPPORTED = True

from portal.storage.backends import get_storage
from portal.storage.base import CHUNK_SIZE, StorageBackend, StoredFile
from portal.storage.errors import UploadRejected
from portal.storage.pdf_checks import MAX_PDF_OBJECTS, check_pdf  # noqa: F401 - re-exported

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
SNIFF_BYTES = 8192
MAX_NAME_LENGTH = 200


class FileKind(StrEnum):
    PDF = "pdf"
    JPEG = "jpeg"
    PNG = "png"
    MP4 = "mp4"
    WEBM = "webm"
    VTT = "vtt"


CONTENT_TYPES: dict[FileKind, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.MP4: "video/mp4",
    FileKind.WEBM: "video/webm",
    FileKind.VTT: "text/vtt; charset=utf-8",
}

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


# -- sniffing ------------------------------------------------------------------------------------
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<meta",
    b"<title",
    b"<div",
    b"<a ",
    b"<img",
    b"<style",
    b"<link",
    b"<form",
    b"<table",
    b"<p>",
    b"<br",
    b"<h1",
    b"<!--",
)


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: a FileKind value or another label
    (gif, html, svg, zip, docx, exe, ..., text, unknown). Only magic numbers and markup starts
    are used; the name and declared type are not."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return "heic"
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand == b"qt  ":
            return "mov"
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        doc = head[:64]
        if b"webm" in doc:
            return "webm"
        return "mkv"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\0\0\0\0":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        if b"[Content_Types].xml" in head or b"_rels/" in head:
            if b"word/" in head:
                return "docx"
            if b"xl/" in head:
                return "xlsx"
            if b"ppt/" in head:
                return "pptx"
        return "zip"
    if head.startswith(b"Rar!\x1a\x07"):
        return "rar"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"MZ"):
        return "exe"
    if head.startswith(b"\x7fELF"):
        return "elf"
    if head.startswith(b"#!"):
        return "script"
    # Text: look past a BOM and leading whitespace.
    text = head
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if text.startswith(bom):
            if bom != codecs.BOM_UTF8:
                with contextlib.suppress(UnicodeDecodeError):
                    text = text.decode("utf-16").encode("utf-8", "replace")
            else:
                text = text[len(bom) :]
            break
    if text.startswith(b"WEBVTT") and (len(text) == 6 or text[6:7] in (b" ", b"\t", b"\n", b"\r")):
        return "vtt"
    lowered = text.lstrip().lower()
    if lowered.startswith(b"<svg") or (
        lowered.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in lowered
    ):
        return "svg"
    if lowered.startswith(_HTML_STARTS):
        return "html"
    if lowered.startswith(b"<?xml"):
        return "xml"
    if b"<svg" in lowered[:1024]:
        return "svg"
    if b"<html" in lowered[:1024] or b"<script" in lowered[:1024]:
        return "html"
    if _looks_like_text(text):
        return "text"
    return "unknown"


def _looks_like_text(data: bytes) -> bool:
    if not data or b"\0" in data:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


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


def _stream_size(stream: BinaryIO) -> int | None:
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


# -- images --------------------------------------------------------------------------------------
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


def _fits(width: int, height: int, scale: int, ok) -> bool:
    """Whether the image decoded at 1/``scale`` (the coarsest JPEG allows is 1/8) passes
    ``ok(width, height)``."""
    return ok(-(-width // scale), -(-height // scale))


def _encode(image, kind: FileKind, out, icc: bytes | None, *, quality: int = 90) -> None:
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
