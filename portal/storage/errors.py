"""The two exceptions of the storage layer.

``StorageError`` is a programming or configuration fault (a bad key, a path that would leave
the storage root, an unknown backend): it is never shown to a user. ``UploadRejected`` is the
user's file being refused: it carries a ``code`` for tests and logs, the ``params`` needed to
explain it, and ``message()`` gives the sentence to show, in the user's language.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from portal.errors import PortalError


class StorageError(Exception):
    """A key or path is not acceptable, or the storage is misconfigured. Not user-facing."""


# What a refused file looks like, as shown in "This file is <found>; ...". Every label the
# sniffer in checks.py can return has an entry; anything else reads as "a file of an unknown type".
FOUND_LABELS = {
    "pdf": _l("a PDF document"),
    "jpeg": _l("a JPEG image"),
    "png": _l("a PNG image"),
    "gif": _l("a GIF image"),
    "bmp": _l("a BMP image"),
    "tiff": _l("a TIFF image"),
    "webp": _l("a WebP image"),
    "heic": _l("a HEIC photo (the iPhone photo format)"),
    "avif": _l("an AVIF image"),
    "svg": _l("an SVG drawing"),
    "html": _l("a web page (HTML)"),
    "xml": _l("an XML file"),
    "zip": _l("a ZIP archive"),
    "rar": _l("a RAR archive"),
    "7z": _l("a 7-Zip archive"),
    "gzip": _l("a compressed (gzip) file"),
    "docx": _l("a Word document"),
    "xlsx": _l("an Excel spreadsheet"),
    "pptx": _l("a PowerPoint presentation"),
    "doc": _l("an old Office document (Word, Excel or PowerPoint)"),
    "rtf": _l("an RTF document"),
    "exe": _l("a program (EXE)"),
    "elf": _l("a program"),
    "script": _l("a script"),
    "mp4": _l("an MP4 video"),
    "mov": _l("a QuickTime video (MOV)"),
    "webm": _l("a WebM video"),
    "mkv": _l("a Matroska video (MKV)"),
    "vtt": _l("a WebVTT captions file"),
    "text": _l("a plain text file"),
    "unknown": _l("a file of an unknown type"),
}

# Extra advice for the common mistakes, appended to the wrong-type sentence.
FOUND_HINTS = {
    "docx": _l("Save it as PDF in your word processor (File, Save As, PDF) and upload the PDF."),
    "doc": _l("Save it as PDF in your word processor (File, Save As, PDF) and upload the PDF."),
    "xlsx": _l("Save it as PDF (File, Save As, PDF) and upload the PDF."),
    "pptx": _l("Save it as PDF (File, Save As, PDF) and upload the PDF."),
    "heic": _l('Set your phone camera to "Most Compatible" (JPEG), or convert the photo to JPEG.'),
    "zip": _l("Unpack the archive and upload each document on its own."),
    "rar": _l("Unpack the archive and upload each document on its own."),
    "7z": _l("Unpack the archive and upload each document on its own."),
}

#: Every code an UploadRejected can carry, with a short label for lists (the help desk's view of
#: where an applicant got stuck). message() gives the full sentence.
UPLOAD_CODE_LABELS = {
    "no_file": _l("no file chosen"),
    "empty": _l("the file is empty"),
    "too_large": _l("the file is too large"),
    "wrong_type": _l("wrong file type"),
    "too_many_pixels": _l("the image is too large (pixels)"),
    "image_too_big": _l("the image is too big to check (colour depth)"),
    "image_broken": _l("the image cannot be read"),
    "pdf_broken": _l("the PDF cannot be read"),
    "pdf_encrypted": _l("the PDF is password-protected"),
    "pdf_active_content": _l("the PDF contains scripts, actions or attachments"),
    "vtt_encoding": _l("the captions file is not UTF-8"),
    "storage_full": _l("the office could not store files"),
}

KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG", "mp4": "MP4", "webm": "WebM", "vtt": "WebVTT"}


def format_bytes(n: int) -> str:
    """12.3 MB / 800 KB / 5 MB in the user's locale (binary units, as file managers show)."""
    mib = 1024 * 1024
    if n >= mib:
        value, unit = n / mib, "MB"
    elif n >= 1024:
        value, unit = n / 1024, "KB"
    else:
        return f"{n} B"
    value = round(value, 1)
    try:
        text = format_decimal(value, format="#,##0.#")
    except Exception:  # outside an app or request context  # noqa: BLE001
        text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} {unit}"


def _types_phrase(allowed: list[str]) -> str:
    names = [KIND_NAMES.get(k, k.upper()) for k in allowed]
    if len(names) == 1:
        joined = names[0]
    else:
        joined = str(_l("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1]))
    # English needs "an" before MP4; other languages translate both the same way.
    if names and names[0] == "MP4":
        return str(_l("an %(types)s file", types=joined))
    return str(_l("a %(types)s file", types=joined))


class UploadRejected(PortalError):
    """The uploaded file is refused. ``code`` is one of: no_file, empty, too_large, wrong_type,
    too_many_pixels, image_too_big, image_broken, pdf_encrypted, pdf_broken, pdf_active_content,
    vtt_encoding, storage_full. ``params`` holds what the message needs (size, limit, found, allowed,
    width, height, max_pixels). Nothing is left in storage when this is raised by
    check_upload or StorageBackend.save."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:
        # Whatever shows the error shows this sentence, in the person's language; the code and
        # params are for logs and tests (repr).
        return self.message()

    def __repr__(self) -> str:
        return f"UploadRejected({self.code!r}, {self.params!r})"

    def message(self) -> str:
        """One translated, actionable sentence for the person who uploaded the file."""
        p = self.params
        code = self.code
        if code == "no_file":
            return str(_l('No file was chosen. Press "Choose file", pick the document and upload it again.'))
        if code == "empty":
            return str(
                _l(
                    "The file is empty. Choose the file again; if it is a scan, "
                    "save it again on your device before uploading."
                )
            )
        if code == "too_large":
            limit = format_bytes(p["limit"]) if p.get("limit") is not None else "?"
            if p.get("photo"):
                # Over even the photo ceiling: photos under it are downscaled, not refused.
                return str(
                    _l(
                        "The file is larger than %(limit)s, the most a photo may be. "
                        "Take the photo again with a lower camera resolution, or for a "
                        "scan, scan at a lower resolution or split the PDF.",
                        limit=limit,
                    )
                )
            if p.get("size"):
                return str(
                    _l(
                        "The file is %(size)s; the limit is %(limit)s. Scan at a lower "
                        "resolution or split the PDF.",
                        size=format_bytes(p["size"]),
                        limit=limit,
                    )
                )
            return str(
                _l(
                    "The file is larger than the limit of %(limit)s. Scan at a lower "
                    "resolution or split the PDF.",
                    limit=limit,
                )
            )
        if code == "wrong_type":
            found = p.get("found", "unknown")
            label = FOUND_LABELS.get(found, FOUND_LABELS["unknown"])
            allowed = list(p.get("allowed") or [])
            sentence = str(
                _l(
                    "This file is %(found)s; this document must be %(types)s.",
                    found=label,
                    types=_types_phrase(allowed),
                )
            )
            hint = FOUND_HINTS.get(found)
            return f"{sentence} {hint}" if hint else sentence
        if code == "too_many_pixels":
            return str(
                _l(
                    "The image is %(width)s x %(height)s pixels; the limit is %(limit)s "
                    "megapixels. Make the image smaller or scan at a lower resolution.",
                    width=p.get("width", "?"),
                    height=p.get("height", "?"),
                    limit=round(p.get("max_pixels", 0) / 1_000_000),
                )
            )
        if code == "image_too_big":
            return str(
                _l(
                    "The image is %(width)s x %(height)s pixels with a high colour depth; it "
                    "is too big to check. Save it as a JPEG or make it smaller, and upload "
                    "it again.",
                    width=p.get("width", "?"),
                    height=p.get("height", "?"),
                )
            )
        if code == "image_broken":
            return str(
                _l(
                    "The image could not be read; it may be damaged or incomplete. Open it "
                    "on your device, save it again as JPEG or PNG and upload it again."
                )
            )
        if code == "pdf_encrypted":
            return str(
                _l(
                    "The PDF is protected with a password or encryption. Save a copy "
                    "without protection (for example print it to a new PDF) and upload "
                    "that copy."
                )
            )
        if code == "pdf_broken":
            return str(
                _l(
                    "The PDF could not be read; it may be damaged or incomplete. Save or "
                    "scan the document again and upload the new file."
                )
            )
        if code == "pdf_active_content":
            return str(
                _l(
                    "The PDF contains scripts, actions or attached files, which are not "
                    "accepted. Print it to a new PDF (File, Print, Save as PDF) and upload "
                    "that copy."
                )
            )
        if code == "vtt_encoding":
            return str(
                _l("The captions file is not UTF-8 text. Save it with UTF-8 encoding and upload it again.")
            )
        if code == "storage_full":
            return str(
                _l(
                    "The office cannot store files at the moment. Your file was not "
                    "saved; try again later, and if it keeps happening, contact the help "
                    "desk."
                )
            )
        return str(_l("The file could not be accepted. Check it and upload it again."))
