"""The permit as an official one-page letter (ReportLab, A4).

``render_letter(data)`` turns a ``LetterData`` (final text in one language, identity numbers
already masked) into PDF bytes and the box kept for the electronic signature. It knows nothing
of the database; ``services.letter_data`` builds the data.

The page has two parts. The bottom block sits at fixed places: the QR code with the short
code and the verification link on the left, the approver's block on the right (place and date,
position, the signature box that pyHanko draws the visible signature in, name, rank, NIP), and
the electronic-signature statement under both. Everything else (letterhead, title, number, the
decision text and the fields) flows in the frame above it and is shrunk to fit when it is long
(a 300-character business name, a long Arabic name): the letter is always one page.

Text from a person goes through ``pdf._esc`` before it reaches a Paragraph (ReportLab reads
Paragraph text as markup); right-to-left text (an Arabic name) is shaped and put in display
order by ``rtl.visual_lines`` first.

Made for speed (an approval renders two letters inside its transaction): the QR code is drawn
as vector squares with a fixed mask (no PNG to encode and decode, no trial of all eight masks),
and the uploaded coat of arms is prepared for print once per process (scaled to the size it is
printed at, flattened on white, kept as a JPEG that ReportLab embeds as it is).
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass, field

import segno
from PIL import Image, UnidentifiedImageError
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Frame,
    HRFlowable,
    KeepInFrame,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from portal.permits import rtl
from portal.permits.pdf import DEFAULT_FONT_DIRS, _esc, fonts

LAYOUTS = ("letter", "certificate")
PAGE_W, PAGE_H = A4
MARGIN = 2 * cm
#: The bottom block (QR code, signature) spans from here to BLOCK_TOP.
BLOCK_BOTTOM = 2.3 * cm
BLOCK_TOP = 9.4 * cm
SIGNATURE_W, SIGNATURE_H = 7.0 * cm, 1.9 * cm
LOGO_SIZE = 2.4 * cm
QR_SIZE = 3.2 * cm
QR_BORDER = 4  # modules of quiet zone around the code, inside QR_SIZE
#: Any of the eight masks reads the same; choosing one spares scoring all eight per letter.
QR_MASK = 0
#: The coat of arms is kept at this many pixels across: 2.4 cm printed at about 340 dpi.
LOGO_PIXELS = 320


@dataclass(frozen=True)
class LetterData:
    """Everything printed, as final text in the letter's language."""

    lang: str
    layout: str  # "letter" | "certificate"
    government: str  # "PEMERINTAH KOTA SAMARINDA"
    office_name: str
    office_contact: str  # address, phone, email in one line
    title: str  # the permit's name, e.g. "Surat Keterangan Domisili Usaha"
    number_label: str
    number: str
    opening: str  # "Yang bertanda tangan di bawah ini ... menerangkan bahwa:"
    rows: list[tuple[str, str]]  # (label, value): holder, masked identity numbers, chosen fields
    decision: str  # "telah memenuhi persyaratan ... berlaku sampai ..."
    closing: str
    place_date: str  # "Ditetapkan di Samarinda\npada tanggal 1 Desember 2026"
    position: str  # the approver's position (jabatan)
    approver_name: str
    approver_rank: str
    approver_nip: str  # "NIP. 19870101 201001 1 001" or ""
    verify_url: str
    short_code_label: str
    short_code: str
    scan_text: str
    esign_statement: str
    banner: str = ""  # the English translation says what it is, above the letterhead
    keywords: str = ""  # PDF metadata (the short code), for finding the record of a copy
    logo: bytes | None = None  # PNG or JPEG; None: the neutral placeholder
    signature_placeholder: str = ""  # printed in the box of an unsigned copy
    extra: dict[str, str] = field(default_factory=dict)


def _styles(regular: str, bold: str, italic: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14, splitLongWords=1)
    # splitLongWords breaks a word longer than the line (a 300-character name without spaces).
    return {
        "banner": ParagraphStyle(
            "banner",
            parent=base,
            fontName=italic,
            fontSize=8.5,
            leading=11,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#8a1c1c"),
        ),
        "gov": ParagraphStyle(
            "gov", parent=base, fontName=bold, fontSize=13, leading=16, alignment=TA_CENTER
        ),
        "office": ParagraphStyle(
            "office", parent=base, fontName=bold, fontSize=12.5, leading=15.5, alignment=TA_CENTER
        ),
        "contact": ParagraphStyle("contact", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=13.5, leading=17, alignment=TA_CENTER
        ),
        "cert_title": ParagraphStyle(
            "cert_title",
            parent=base,
            fontName=bold,
            fontSize=18,
            leading=23,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#1a3d6d"),
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER),
        "body": ParagraphStyle("body", parent=base, alignment=TA_JUSTIFY),
        "label": ParagraphStyle("label", parent=base),
        "value": ParagraphStyle("value", parent=base),
        "holder": ParagraphStyle(
            "holder", parent=base, fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER
        ),
        "sign": ParagraphStyle("sign", parent=base, fontSize=10, leading=13, alignment=TA_LEFT),
        "sign_bold": ParagraphStyle("sign_bold", parent=base, fontName=bold, fontSize=10, leading=13),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "code": ParagraphStyle("code", parent=base, fontName=bold, fontSize=11, leading=14),
        "statement": ParagraphStyle(
            "statement", parent=base, fontName=italic, fontSize=7.5, leading=9.5, alignment=TA_JUSTIFY
        ),
    }


def draw_placeholder_logo(canvas: Canvas, x: float, y: float, size: float) -> None:
    """A neutral shield with a star: shown until an admin uploads the coat of arms."""
    canvas.saveState()
    w, h = size * 0.82, size
    left = x + (size - w) / 2
    path = canvas.beginPath()
    path.moveTo(left, y + h)
    path.lineTo(left + w, y + h)
    path.lineTo(left + w, y + h * 0.45)
    path.curveTo(left + w, y + h * 0.18, left + w * 0.7, y + h * 0.06, left + w / 2, y)
    path.curveTo(left + w * 0.3, y + h * 0.06, left, y + h * 0.18, left, y + h * 0.45)
    path.close()
    canvas.setFillColor(colors.HexColor("#e8edf3"))
    canvas.setStrokeColor(colors.HexColor("#1a3d6d"))
    canvas.setLineWidth(1.6)
    canvas.drawPath(path, stroke=1, fill=1)
    # A five-pointed star in the upper half.
    cx, cy, outer, inner = left + w / 2, y + h * 0.6, w * 0.26, w * 0.105
    star = canvas.beginPath()
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        radius = outer if i % 2 == 0 else inner
        px, py = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        if i == 0:
            star.moveTo(px, py)
        else:
            star.lineTo(px, py)
    star.close()
    canvas.setFillColor(colors.HexColor("#c9a227"))
    canvas.setStrokeColor(colors.HexColor("#1a3d6d"))
    canvas.setLineWidth(0.6)
    canvas.drawPath(star, stroke=1, fill=1)
    canvas.restoreState()


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code of ``url`` as filled squares (one rectangle per run of dark modules in a
    row), its quiet zone included in ``size``."""
    matrix = segno.make(url, error="m", micro=False, mask=QR_MASK).matrix
    count = len(matrix)
    module = size / (count + 2 * QR_BORDER)
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        bottom = y + size - (QR_BORDER + r + 1) * module
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            path.rect(x + (QR_BORDER + start) * module, bottom, (c - start) * module, module)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


@functools.lru_cache(maxsize=4)
def print_logo(data: bytes) -> bytes | None:
    """The uploaded coat of arms as printed: at most LOGO_PIXELS across, transparency
    flattened on the white page, as a JPEG (embedded as it is, so a letter does not decode
    and compress the image again). None: not an image (the placeholder is drawn)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((LOGO_PIXELS, LOGO_PIXELS), Image.Resampling.LANCZOS)
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    page = Image.new("RGB", rgba.size, (255, 255, 255))
    page.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    page.save(out, format="JPEG", quality=92, subsampling=0)
    return out.getvalue()


def person_text(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A Paragraph of text a person typed; right-to-left text is shaped, wrapped to
    ``width`` and put in display order, right-aligned when it starts right to left."""
    if not rtl.has_rtl(text):
        return Paragraph(_esc(text), style)
    lines = rtl.visual_lines(text, style.fontName, style.fontSize, width - 2)
    if rtl.starts_rtl(text) and style.alignment != TA_CENTER:
        style = ParagraphStyle(f"{style.name}-rtl", parent=style, alignment=TA_RIGHT)
    return Paragraph("<br/>".join(_esc(line) for line in lines), style)


def render_letter(
    data: LetterData, *, font_dirs: tuple[str, ...] = DEFAULT_FONT_DIRS
) -> tuple[bytes, tuple[float, float, float, float]]:
    """The letter as PDF bytes, and the signature box (x1, y1, x2, y2) in PDF points."""
    regular, bold, italic = fonts(font_dirs)
    st = _styles(regular, bold, italic)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{data.title} {data.number}")
    canvas.setAuthor(data.office_name)
    canvas.setSubject(data.title)
    canvas.setCreator("SatuPintu")
    if data.keywords:
        canvas.setKeywords(data.keywords)
    width = PAGE_W - 2 * MARGIN
    certificate = data.layout == "certificate"

    if certificate:  # a framed page
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#1a3d6d"))
        canvas.setLineWidth(3)
        canvas.rect(1.0 * cm, 1.0 * cm, PAGE_W - 2.0 * cm, PAGE_H - 2.0 * cm)
        canvas.setLineWidth(0.8)
        canvas.rect(1.25 * cm, 1.25 * cm, PAGE_W - 2.5 * cm, PAGE_H - 2.5 * cm)
        canvas.restoreState()

    # -- the letterhead (fixed): logo on the left, the government and office centred -----------
    top = PAGE_H - 1.5 * cm
    if data.banner:
        p = Paragraph(_esc(data.banner), st["banner"])
        _, h = p.wrap(width, 3 * cm)
        p.drawOn(canvas, MARGIN, top - h)
        top -= h + 4
    logo_y = top - LOGO_SIZE
    logo = print_logo(data.logo) if data.logo else None
    if logo:
        canvas.drawImage(
            ImageReader(io.BytesIO(logo)),
            MARGIN,
            logo_y,
            LOGO_SIZE,
            LOGO_SIZE,
            preserveAspectRatio=True,
            anchor="c",
        )
    else:
        draw_placeholder_logo(canvas, MARGIN, logo_y, LOGO_SIZE)
    head_x = MARGIN + LOGO_SIZE + 0.3 * cm
    head_w = width - 2 * (LOGO_SIZE + 0.3 * cm)
    y = top
    for text, style in (
        (data.government, "gov"),
        (data.office_name, "office"),
        (data.office_contact, "contact"),
    ):
        p = Paragraph(_esc(text), st[style])
        _, h = p.wrap(head_w, 4 * cm)
        p.drawOn(canvas, head_x, y - h)
        y -= h
    rule_y = min(y, logo_y) - 6
    canvas.setLineWidth(2.2)
    canvas.line(MARGIN, rule_y, PAGE_W - MARGIN, rule_y)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, rule_y - 3, PAGE_W - MARGIN, rule_y - 3)

    # -- the body (flows, shrunk to fit) -------------------------------------------------------
    story: list = []
    title_style = st["cert_title"] if certificate else st["title"]
    story.append(Paragraph(_esc(data.title.upper()), title_style))
    if not certificate:
        story.append(HRFlowable(width="45%", thickness=0.8, color=colors.black, spaceBefore=1, spaceAfter=2))
    story.append(Paragraph(f"{_esc(data.number_label)}: {_esc(data.number)}", st["number"]))
    story.append(Spacer(1, 12))
    story.append(Paragraph(_esc(data.opening), st["body"]))
    story.append(Spacer(1, 6))
    rows = data.rows
    if certificate and rows:
        story.append(person_text(rows[0][1], st["holder"], width))
        story.append(Spacer(1, 6))
        rows = rows[1:]
    if rows:
        value_w = width - 5.4 * cm - 0.8 * cm
        table = Table(
            [
                [
                    person_text(label, st["label"], 5.0 * cm - 6),
                    Paragraph(":", st["label"]),
                    person_text(value, st["value"], value_w - 12) if value else Paragraph("-", st["value"]),
                ]
                for label, value in rows
            ],
            colWidths=[5.0 * cm, 0.4 * cm, value_w],
            hAlign="CENTER" if certificate else "LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0 if not certificate else 2),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(1, 8))
    story.append(Paragraph(_esc(data.decision), st["body"]))
    if data.closing:
        story.append(Spacer(1, 6))
        story.append(Paragraph(_esc(data.closing), st["body"]))
    frame_top = rule_y - 10
    frame = Frame(
        MARGIN,
        BLOCK_TOP + 0.2 * cm,
        width,
        frame_top - BLOCK_TOP - 0.2 * cm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        showBoundary=0,
    )
    frame.addFromList([KeepInFrame(width, frame.height, story, mode="shrink")], canvas)

    # -- the bottom block (fixed places) --------------------------------------------------------
    qr_x, qr_top = MARGIN, BLOCK_TOP
    draw_qr(canvas, data.verify_url, qr_x, qr_top - QR_SIZE, QR_SIZE)
    left_w = 6.0 * cm
    y = qr_top - QR_SIZE - 2
    for text, style in (
        (data.short_code_label, "small"),
        (data.short_code, "code"),
        (data.scan_text, "small"),
    ):
        p = Paragraph(_esc(text), st[style])
        _, h = p.wrap(left_w, 3 * cm)
        p.drawOn(canvas, qr_x, y - h)
        y -= h
    # The link on one line (it is copied from the text): as wide as the gap to the signature.
    link = Paragraph(
        f'<a href="{_esc(data.verify_url)}" color="#1a4b8c">{_esc(data.verify_url)}</a>',
        ParagraphStyle("url", parent=st["small"], fontSize=6.5, leading=8, wordWrap=None, splitLongWords=0),
    )
    _, h = link.wrap(PAGE_W - 2 * MARGIN - SIGNATURE_W - 0.5 * cm, 3 * cm)
    link.drawOn(canvas, qr_x, y - h)

    right_x = PAGE_W - MARGIN - SIGNATURE_W - 0.3 * cm
    right_w = SIGNATURE_W + 0.3 * cm
    y = BLOCK_TOP
    for text, style in ((data.place_date, "sign"), (data.position, "sign_bold")):
        p = Paragraph(_esc(text), st[style])
        _, h = p.wrap(right_w, 3 * cm)
        p.drawOn(canvas, right_x, y - h)
        y -= h + 2
    box = (right_x, y - SIGNATURE_H - 2, right_x + SIGNATURE_W, y - 2)
    if data.signature_placeholder:
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#999999"))
        canvas.setDash(2, 2)
        canvas.rect(box[0], box[1], SIGNATURE_W, SIGNATURE_H)
        canvas.restoreState()
        p = Paragraph(_esc(data.signature_placeholder), st["small"])
        _, h = p.wrap(SIGNATURE_W - 8, SIGNATURE_H)
        p.drawOn(canvas, box[0] + 4, box[3] - 4 - h)
    y = box[1] - 4
    if rtl.has_rtl(data.approver_name):
        name = person_text(data.approver_name, st["sign_bold"], right_w)
    else:
        name = Paragraph(f"<u>{_esc(data.approver_name)}</u>", st["sign_bold"])
    _, h = name.wrap(right_w, 2 * cm)
    name.drawOn(canvas, right_x, y - h)
    y -= h
    for text in (data.approver_rank, data.approver_nip):
        if not text:
            continue
        p = Paragraph(_esc(text), st["sign"])
        _, h = p.wrap(right_w, 2 * cm)
        p.drawOn(canvas, right_x, y - h)
        y -= h

    statement = Paragraph(_esc(data.esign_statement), st["statement"])
    _, h = statement.wrap(width, BLOCK_BOTTOM)
    canvas.setLineWidth(0.4)
    canvas.setStrokeColor(colors.HexColor("#777777"))
    canvas.line(MARGIN, BLOCK_BOTTOM + 2, PAGE_W - MARGIN, BLOCK_BOTTOM + 2)
    statement.drawOn(canvas, MARGIN, BLOCK_BOTTOM - h - 2)
    canvas.showPage()
    canvas.save()
    return buf.getvalue(), box
