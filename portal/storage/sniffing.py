"""What a stored file is, decided by its first bytes (never its name or the Content-Type the
browser sent): the kinds of file the portal takes, their Content-Types, and ``sniff``."""

from __future__ import annotations

import codecs
import contextlib
from enum import StrEnum

SNIFF_BYTES = 8192


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
