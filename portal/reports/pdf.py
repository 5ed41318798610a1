"""The report as a PDF (ReportLab platypus, A4), with the permit letter's tools: its fonts
(DejaVu Sans when installed), its letterhead (the uploaded coat of arms as the letters print it,
or the same placeholder shield) and its markup escaping for every text that a person typed
(permit type names, the office's name).

Tables flow over as many pages as they need, their header row repeated; figures are printed in
the language's number format (``66,7`` in Indonesian, ``66.7`` in English)."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.calendar import clock
from portal.permits.letter import draw_placeholder_logo, print_logo
from portal.permits.letter_data import DEFAULT_HEAD_TITLE
from portal.permits.pdf import DEFAULT_FONT_DIRS, _esc, fonts
from portal.reports.services import MonthlyReport
from portal.reports.spreadsheet import title as report_title
from portal.reports.tables import ReportTable, report_tables
from portal.tabular import Cell

MARGIN = 1.8 * cm
LOGO_SIZE = 2.2 * cm
NAME_WIDTH = 5.6 * cm  # the first column (permit type, figure) of the wide tables
HEAD_COLOUR = colors.HexColor("#1a3d6d")
LIGHT = colors.HexColor("#e8edf3")


def _number(value: Cell, *, text: bool = False) -> str:
    if value is None:
        return "" if text else "–"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(format_decimal(value))
    if isinstance(value, float):
        return str(format_decimal(value, format="#,##0.0##" if value != int(value) else "#,##0"))
    return str(value)


class Letterhead(Flowable):
    """The office's letterhead: coat of arms on the left, the government and the office centred,
    a double rule under them."""

    def __init__(self, lines: list[tuple[str, ParagraphStyle]], logo: bytes | None, width: float):
        super().__init__()
        self.lines = [Paragraph(_esc(text), style) for text, style in lines]
        self.logo = logo
        self.width = width
        self.text_width = width - 2 * (LOGO_SIZE + 0.3 * cm)
        self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        text_height = sum(p.wrap(self.text_width, available_height)[1] for p in self.lines)
        self.height = max(LOGO_SIZE, text_height) + 10
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        logo_y = self.height - LOGO_SIZE
        if self.logo:
            canvas.drawImage(
                ImageReader(io.BytesIO(self.logo)),
                0,
                logo_y,
                LOGO_SIZE,
                LOGO_SIZE,
                preserveAspectRatio=True,
                anchor="c",
            )
        else:
            draw_placeholder_logo(canvas, 0, logo_y, LOGO_SIZE)
        y = self.height
        for p in self.lines:
            _, h = p.wrap(self.text_width, self.height)
            p.drawOn(canvas, LOGO_SIZE + 0.3 * cm, y - h)
            y -= h
        rule_y = min(y, logo_y) - 4
        canvas.setLineWidth(2)
        canvas.line(0, rule_y, self.width, rule_y)
        canvas.setLineWidth(0.5)
        canvas.line(0, rule_y - 3, self.width, rule_y - 3)


def _styles(regular: str, bold: str, italic: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5)
    return {
        "gov": ParagraphStyle(
            "gov", parent=base, fontName=bold, fontSize=11.5, leading=14, alignment=TA_CENTER
        ),
        "office": ParagraphStyle(
            "office", parent=base, fontName=bold, fontSize=12.5, leading=15, alignment=TA_CENTER
        ),
        "contact": ParagraphStyle("contact", parent=base, fontSize=8, leading=10, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=13.5, leading=17, alignment=TA_CENTER, spaceBefore=6
        ),
        "period": ParagraphStyle("period", parent=base, fontSize=10.5, leading=14, alignment=TA_CENTER),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=10.5, leading=13, spaceBefore=10, spaceAfter=4
        ),
        "cell": base,
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=bold),
        "head": ParagraphStyle(
            "head", parent=base, fontName=bold, fontSize=7.5, leading=9.5, textColor=colors.white
        ),
        "head_num": ParagraphStyle(
            "head_num",
            parent=base,
            fontName=bold,
            fontSize=7.5,
            leading=9.5,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "num": ParagraphStyle("num", parent=base, alignment=TA_RIGHT),
        "num_bold": ParagraphStyle("num_bold", parent=base, fontName=bold, alignment=TA_RIGHT),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontName=italic,
            fontSize=7.5,
            leading=9.5,
            textColor=colors.HexColor("#444444"),
        ),
        "empty": ParagraphStyle("empty", parent=base, fontName=italic),
        "notice": ParagraphStyle(
            "notice", parent=base, fontName=bold, fontSize=10, leading=13, alignment=TA_CENTER, spaceBefore=6
        ),
        "sign": ParagraphStyle("sign", parent=base, fontSize=9.5, leading=12.5),
    }


def _column_widths(table: ReportTable, width: float) -> list[float]:
    columns = len(table.header)
    if table.key == "ikm_elements":
        return [2.2 * cm, width - 2.2 * cm - 4 * cm, 4 * cm]
    if table.key == "ikm_categories":
        return [width - 2.3 * cm * 3 - 4.2 * cm, 2.3 * cm, 2.3 * cm, 2.3 * cm, 4.2 * cm]
    if columns == 2:
        return [width - 4 * cm, 4 * cm]
    if table.key == "cases":
        return [width - 2 * 3.6 * cm, 3.6 * cm, 3.6 * cm]
    name = NAME_WIDTH if columns <= 5 else 4.3 * cm
    rest = (width - name) / (columns - 1)
    return [name] + [rest] * (columns - 1)


def _flowable_table(table: ReportTable, width: float, st: dict[str, ParagraphStyle]) -> list[Any]:
    """The table's title, the table (or the sentence saying it is empty) and its note."""
    parts: list[Any] = [Paragraph(_esc(table.title), st["h2"])]  # kept with its table (below)
    text_columns = 2 if table.key == "ikm_elements" else 1
    if not table.rows and table.empty:
        parts.append(Paragraph(_esc(table.empty), st["empty"]))
    else:
        header = [
            Paragraph(_esc(h), st["head"] if i < text_columns else st["head_num"])
            for i, h in enumerate(table.header)
        ]

        def cells(row: list[Cell], bold: bool) -> list[Paragraph]:
            return [
                Paragraph(
                    _esc(_number(value, text=i < text_columns)),
                    (st["cell_bold"] if bold else st["cell"])
                    if i < text_columns
                    else (st["num_bold"] if bold else st["num"]),
                )
                for i, value in enumerate(row)
            ]

        data = [header] + [cells(row, False) for row in table.rows]
        if table.total is not None:
            data.append(cells(table.total, True))
        flow = Table(data, colWidths=_column_widths(table, width), repeatRows=1)
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_COLOUR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#bbbbbb")),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        if table.total is not None:
            style += [
                ("BACKGROUND", (0, -1), (-1, -1), LIGHT),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
            ]
        flow.setStyle(TableStyle(style))
        parts.append(flow)
    if table.note:
        parts += [Spacer(1, 3), Paragraph(_esc(table.note), st["note"])]
    # On one page when it fits (a long list of permit types flows on with its header repeated).
    return [KeepTogether(parts)]


def render_pdf(
    report: MonthlyReport,
    lang: str = "id",
    *,
    logo: bytes | None = None,
    font_dirs: tuple[str, ...] = DEFAULT_FONT_DIRS,
) -> bytes:
    """The report as PDF bytes, in ``lang``; ``logo``: the uploaded coat of arms (None: the
    placeholder shield)."""
    config = current_app.config
    regular, bold, italic = fonts(font_dirs)
    st = _styles(regular, bold, italic)
    width = A4[0] - 2 * MARGIN
    printed_logo = print_logo(logo) if logo else None
    with force_locale(lang):
        title = report_title(report)
        period = report.period.label()
        made_on = format_date(clock.office_today(report.made_at), "long")
        city = str(config["OFFICE_CITY"])
        place = city.removeprefix("Kota ").removeprefix("Kabupaten ")
        story: list[Any] = [
            Letterhead(
                [
                    (_("Government of %(city)s", city=city).upper(), st["gov"]),
                    (str(config["OFFICE_NAME"]).upper(), st["office"]),
                    (
                        " · ".join(
                            part
                            for part in (
                                config.get("OFFICE_ADDRESS") or "",
                                f"Telp. {config['OFFICE_PHONE']}" if config.get("OFFICE_PHONE") else "",
                                config.get("OFFICE_EMAIL") or "",
                            )
                            if part
                        ),
                        st["contact"],
                    ),
                ],
                printed_logo,
                width,
            ),
            Spacer(1, 8),
            Paragraph(_esc(title.upper()), st["title"]),
            Paragraph(_esc(_("Period: %(period)s", period=period)), st["period"]),
        ]
        if report.is_empty:
            story.append(
                Paragraph(
                    _esc(_("There was no activity in this period: every figure is zero.")), st["notice"]
                )
            )
        for table in report_tables(report, lang):
            story += _flowable_table(table, width, st)
        position = config.get("OFFICE_HEAD_TITLE") or DEFAULT_HEAD_TITLE
        story.append(Spacer(1, 18))
        signature = Table(
            [
                [
                    "",
                    [
                        Paragraph(_esc(_("%(place)s, %(date)s", place=place, date=made_on)), st["sign"]),
                        Paragraph(_esc(position), st["sign"]),
                        Spacer(1, 1.6 * cm),
                        Paragraph("(" + "." * 48 + ")", st["sign"]),
                    ],
                ]
            ],
            colWidths=[width - 7.5 * cm, 7.5 * cm],
        )
        story.append(KeepTogether([signature]))
        made_text = _("Made on %(date)s", date=made_on)
        footer = f"{title} · {period} · {made_text}"
        page_word = _("Page")

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(MARGIN, 1.1 * cm, footer)
        canvas.drawRightString(A4[0] - MARGIN, 1.1 * cm, f"{page_word} {canvas.getPageNumber()}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=1.4 * cm,
        bottomMargin=1.8 * cm,
        title=f"{title} {period}",
        author=str(config["OFFICE_NAME"]),
        subject=title,
        creator="SatuPintu",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
