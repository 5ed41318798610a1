"""The permit certificate as a PDF (ReportLab platypus, A4).

``render_certificate(data)`` turns a ``CertificateData`` (plain text, already in the right
language and already masked) into PDF bytes. It knows nothing of the database, so the
benchmark and the tests can call it directly; ``services.certificate_data`` builds the data.

Every piece of text that may come from a person (names, answers, labels typed by staff) goes
through ``_esc`` before it reaches a Paragraph: ReportLab reads Paragraph text as a small HTML
dialect, and ``<b>`` or ``<script>`` in an answer must print as typed, not change the layout
or break the rendering.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

#: Where DejaVu (a font with every Latin letter an Indonesian name may hold) usually lives.
#: PDF_FONT_DIR in the app's config overrides it; without the font, Helvetica is used.
DEFAULT_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
QR_SIZE = 3.6 * cm
QR_SCALE = 8  # pixels per module in the embedded PNG: sharp when printed, small in the file
# Binary streams instead of ASCII85 text: ReportLab's ASCII85 encoder is pure Python here and
# took a sixth of the time of a certificate; every PDF reader takes binary streams.
rl_config.useA85 = 0


@dataclass(frozen=True)
class Office:
    name: str
    city: str
    address: str
    phone: str = ""
    whatsapp: str = ""
    email: str = ""
    head_title: str = "Kepala Dinas Penanaman Modal dan PTSP"


@dataclass(frozen=True)
class Labels:
    """The fixed words of the certificate: (Indonesian, English) pairs."""

    government: str = "PEMERINTAH %(city)s"  # the letterhead's first line
    number: tuple[str, str] = ("Nomor", "Number")
    holder: tuple[str, str] = ("Pemegang izin", "Permit holder")
    nik: tuple[str, str] = ("NIK", "ID number")
    tracking: tuple[str, str] = ("Nomor registrasi", "Tracking number")
    issued_on: tuple[str, str] = ("Tanggal terbit", "Issued on")
    valid_until: tuple[str, str] = ("Berlaku sampai", "Valid until")
    no_expiry: tuple[str, str] = ("Tidak ada batas waktu", "No expiry")
    issued_at_place: str = "Ditetapkan di %(place)s"
    on_date: str = "pada tanggal %(date)s"
    scan: tuple[str, str] = (
        "Pindai kode QR atau buka alamat ini untuk memeriksa keabsahan izin",
        "Scan the QR code or open this address to verify the permit",
    )
    footer: str = "Dokumen ini diterbitkan secara elektronik melalui SatuPintu."


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on a certificate, as final text (values already localized)."""

    office: Office
    number: str
    title_id: str
    title_en: str
    holder_name: str
    holder_nik_masked: str
    tracking_number: str
    details: list[tuple[str, str, str]]  # (label in Indonesian, label in English, value)
    issued_on_text: str
    valid_until_text: str | None  # None: no expiry
    approver_name: str
    verify_url: str
    labels: Labels = field(default_factory=Labels)
    issued_on: date | None = None


# -- fonts -----------------------------------------------------------------------------------------
_font_lock = threading.Lock()
_fonts: dict[str, tuple[str, str, str]] = {}


def fonts(font_dirs: tuple[str, ...] = DEFAULT_FONT_DIRS) -> tuple[str, str, str]:
    """(regular, bold, italic) font names: DejaVu Sans when found, else Helvetica."""
    cache_key = "|".join(font_dirs)
    with _font_lock:
        if cache_key in _fonts:
            return _fonts[cache_key]
        chosen = ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
        for folder in font_dirs:
            files = [
                Path(folder) / name
                for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
            ]
            if all(f.is_file() for f in files):
                names = ("SatuPintuSans", "SatuPintuSans-Bold", "SatuPintuSans-Oblique")
                for name, path in zip(names, files, strict=True):
                    if name not in pdfmetrics.getRegisteredFontNames():
                        pdfmetrics.registerFont(TTFont(name, str(path)))
                pdfmetrics.registerFontFamily(
                    names[0], normal=names[0], bold=names[1], italic=names[2], boldItalic=names[1]
                )
                chosen = names
                break
        _fonts[cache_key] = chosen
        return chosen


def _esc(text: object) -> str:
    """Text for a Paragraph: markup characters escaped, line breaks kept."""
    return escape(str(text)).replace("\n", "<br/>")


# -- the QR code ------------------------------------------------------------------------------------
def qr_code(url: str) -> segno.QRCode:
    """The QR code printed on the certificate (medium error correction survives a smudge)."""
    return segno.make(url, error="m", micro=False)


def qr_png(url: str) -> bytes:
    buf = io.BytesIO()
    qr_code(url).save(buf, kind="png", scale=QR_SCALE, border=4)
    return buf.getvalue()


# -- rendering -------------------------------------------------------------------------------------
def render_certificate(data: CertificateData, *, font_dirs: tuple[str, ...] = DEFAULT_FONT_DIRS) -> bytes:
    """The certificate as PDF bytes (one A4 page for a usual form; long answers flow on)."""
    regular, bold, italic = fonts(font_dirs)
    styles = _styles(regular, bold, italic)
    labels = data.labels
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=2 * cm,
        title=f"{data.title_id} {data.number}",
        author=data.office.name,
        subject=data.title_en,
        creator="SatuPintu",
    )
    width = A4[0] - 4 * cm
    story: list = []

    def label_cell(pair: tuple[str, str]) -> Paragraph:
        if not pair[1] or pair[1] == pair[0]:
            return Paragraph(_esc(pair[0]), styles["label"])
        return Paragraph(
            f"{_esc(pair[0])}<br/><font size=7 color='#555555'><i>{_esc(pair[1])}</i></font>", styles["label"]
        )

    def pair_text(pair: tuple[str, str]) -> str:
        if not pair[1] or pair[1] == pair[0]:
            return _esc(pair[0])
        return f"{_esc(pair[0])} / <i>{_esc(pair[1])}</i>"

    # Letterhead.
    story.append(Paragraph(_esc((labels.government % {"city": data.office.city}).upper()), styles["gov"]))
    story.append(Paragraph(_esc(data.office.name.upper()), styles["office"]))
    story.append(Paragraph(_esc(data.office.address), styles["small_center"]))
    contacts = " · ".join(
        part
        for part in (
            f"Telp. {data.office.phone}" if data.office.phone else "",
            f"WhatsApp {data.office.whatsapp}" if data.office.whatsapp else "",
            f"Email {data.office.email}" if data.office.email else "",
        )
        if part
    )
    if contacts:
        story.append(Paragraph(_esc(contacts), styles["small_center"]))
    story.append(Spacer(1, 3))
    story.append(HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=1))
    story.append(HRFlowable(width="100%", thickness=0.5, color=colors.black, spaceAfter=14))

    # Title and number.
    story.append(Paragraph(_esc(data.title_id.upper()), styles["title"]))
    story.append(Paragraph(_esc(data.title_en), styles["subtitle"]))
    story.append(Paragraph(f"{pair_text(labels.number)}: <b>{_esc(data.number)}</b>", styles["number"]))
    story.append(Spacer(1, 10))

    # Holder and details.
    def value_cell(text: str, *, strong: bool = False) -> Paragraph:
        body = _esc(text) if text else "-"
        return Paragraph(f"<b>{body}</b>" if strong else body, styles["value"])

    rows = [
        [label_cell(labels.holder), value_cell(data.holder_name, strong=True)],
        [label_cell(labels.nik), value_cell(data.holder_nik_masked)],
        [label_cell(labels.tracking), value_cell(data.tracking_number)],
    ]
    rows += [
        [label_cell((label_id, label_en)), value_cell(value)] for label_id, label_en, value in data.details
    ]
    rows += [
        [label_cell(labels.issued_on), value_cell(data.issued_on_text)],
        [label_cell(labels.valid_until), value_cell(data.valid_until_text or labels.no_expiry[0])],
    ]
    table = Table(rows, colWidths=[5.2 * cm, width - 5.2 * cm], repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 16))

    # QR code and signature block side by side, the link under the QR code.
    qr = Image(io.BytesIO(qr_png(data.verify_url)), width=QR_SIZE, height=QR_SIZE)
    place = data.office.city
    for prefix in ("Kota ", "Kabupaten "):
        if place.startswith(prefix):
            place = place[len(prefix) :]
    signature = [
        Paragraph(
            _esc(labels.issued_at_place % {"place": place})
            + "<br/>"
            + _esc(labels.on_date % {"date": data.issued_on_text}),
            styles["sign"],
        ),
        Spacer(1, 4),
        Paragraph(f"<b>{_esc(data.office.head_title)}</b>", styles["sign"]),
        Spacer(1, 1.4 * cm),
        Paragraph(f"<b><u>{_esc(data.approver_name)}</u></b>", styles["sign"]),
    ]
    bottom = Table([[qr, signature]], colWidths=[QR_SIZE + 0.6 * cm, width - QR_SIZE - 0.6 * cm])
    bottom.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LEFTPADDING", (1, 0), (1, 0), 5 * cm),
            ]
        )
    )
    link = escape(data.verify_url, {'"': "&quot;"})
    story.append(
        KeepTogether(
            [
                bottom,
                Paragraph(f"{pair_text(labels.scan)}:", styles["tiny"]),
                Paragraph(f'<a href="{link}" color="#1a4b8c">{_esc(data.verify_url)}</a>', styles["url"]),
            ]
        )
    )

    footer = labels.footer

    def _on_page(canvas, _doc):
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(2 * cm, 1.2 * cm, footer)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"{data.number} · {canvas.getPageNumber()}")
        canvas.restoreState()

    doc.build(story, onFirstPage=_on_page, onLaterPages=_on_page)
    return buf.getvalue()


def _styles(regular: str, bold: str, italic: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13)
    return {
        "gov": ParagraphStyle(
            "gov", parent=base, fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        "office": ParagraphStyle(
            "office", parent=base, fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER
        ),
        "small_center": ParagraphStyle(
            "small_center", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            parent=base,
            fontName=italic,
            fontSize=10.5,
            leading=14,
            alignment=TA_CENTER,
            textColor=colors.HexColor("#333333"),
        ),
        "number": ParagraphStyle("number", parent=base, alignment=TA_CENTER, spaceBefore=6),
        "label": ParagraphStyle("label", parent=base, fontSize=9, leading=11),
        "value": ParagraphStyle("value", parent=base, fontSize=10, leading=13),
        "sign": ParagraphStyle("sign", parent=base, fontSize=10, leading=13, alignment=TA_LEFT),
        "tiny": ParagraphStyle("tiny", parent=base, fontSize=7.5, leading=9.5, spaceBefore=4),
        "url": ParagraphStyle("url", parent=base, fontSize=8, leading=10, splitLongWords=0),
    }
