"""The receipt (tanda terima) of a submitted application, as a PDF: tracking number, date,
permit type, the documents received, the date the office must finish by, and a QR code to the
public status page. Made on request from the database (nothing is stored), in the applicant's
language, for the applicant's download and for the submission email's attachment.

``render_receipt(data)`` knows nothing of the database (tests and benchmarks call it);
``receipt_for(application_id)`` builds the data. Text that people typed goes through ``_esc``
like the certificate's (ReportLab reads Paragraph text as markup).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.applications import services as applications
from portal.applications.models import Application
from portal.applications.notify import absolute_url
from portal.auth.models import User
from portal.extensions import db
from portal.i18n import localized
from portal.permits.pdf import DEFAULT_FONT_DIRS, _esc, fonts, qr_png

RECEIPT_CONTENT_TYPE = "application/pdf"


@dataclass(frozen=True)
class ReceiptData:
    office_name: str
    office_address: str
    title: str  # "Tanda terima permohonan"
    permit_name: str
    tracking_number: str
    applicant_name: str
    submitted_text: str
    due_text: str
    documents: list[tuple[str, str]] = field(default_factory=list)  # (requirement, file name)
    status_url: str = ""
    labels: dict[str, str] = field(default_factory=dict)


def render_receipt(data: ReceiptData, *, font_dirs: tuple[str, ...] = DEFAULT_FONT_DIRS) -> bytes:
    """The receipt as PDF bytes (one A4 page for a usual application)."""
    regular, bold, _italic = fonts(font_dirs)
    styles = {
        "office": ParagraphStyle("office", fontName=bold, fontSize=11, leading=14),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8.5, leading=11),
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceBefore=8, spaceAfter=8),
        "label": ParagraphStyle(
            "label", fontName=regular, fontSize=9.5, leading=12, textColor=colors.HexColor("#444444")
        ),
        "value": ParagraphStyle("value", fontName=regular, fontSize=10.5, leading=13),
        "number": ParagraphStyle("number", fontName=bold, fontSize=14, leading=18),
        "head": ParagraphStyle("head", fontName=bold, fontSize=11, leading=14, spaceBefore=10, spaceAfter=4),
    }
    label = data.labels
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=data.title,
        author=data.office_name,
    )
    story: list = [
        Paragraph(_esc(data.office_name), styles["office"]),
        Paragraph(_esc(data.office_address), styles["small"]),
        Paragraph(_esc(data.title), styles["title"]),
    ]
    rows = [
        (label["number"], Paragraph(_esc(data.tracking_number), styles["number"])),
        (label["permit"], Paragraph(_esc(data.permit_name), styles["value"])),
        (label["applicant"], Paragraph(_esc(data.applicant_name), styles["value"])),
        (label["submitted"], Paragraph(_esc(data.submitted_text), styles["value"])),
        (label["due"], Paragraph(_esc(data.due_text), styles["value"])),
    ]
    table = Table([[Paragraph(_esc(k), styles["label"]), v] for k, v in rows], colWidths=[5 * cm, 12 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    story.append(table)
    story.append(Paragraph(_esc(label["documents"]), styles["head"]))
    if data.documents:
        docs = Table(
            [
                [Paragraph(_esc(name), styles["value"]), Paragraph(_esc(file), styles["small"])]
                for name, file in data.documents
            ],
            colWidths=[8 * cm, 9 * cm],
        )
        docs.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story.append(docs)
    else:
        story.append(Paragraph("-", styles["value"]))
    story.append(Spacer(1, 0.6 * cm))
    if data.status_url:
        qr = Image(io.BytesIO(qr_png(data.status_url)), width=3.2 * cm, height=3.2 * cm)
        link = _esc(data.status_url)
        story.append(
            Table(
                [
                    [
                        qr,
                        Paragraph(
                            f'{_esc(label["scan"])}<br/><a href="{link}" color="#1a4b8c">{link}</a>',
                            styles["small"],
                        ),
                    ]
                ],
                colWidths=[3.6 * cm, 13.4 * cm],
                style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")],
            )
        )
    story.append(Spacer(1, 0.4 * cm))
    story.append(Paragraph(_esc(label["keep"]), styles["small"]))
    doc.build(story)
    return buf.getvalue()


def receipt_for(application_id: int) -> tuple[str, str, bytes] | None:
    """(file name, content type, PDF bytes) of a submitted application's receipt, in its
    applicant's language; None when it has no tracking number (a draft). No access check:
    callers check (the download view, or the submission email to the applicant)."""
    application = db.session.get(Application, application_id)
    if application is None or not application.tracking_number:
        return None
    applicant = db.session.get(User, application.applicant_id)
    locale = (applicant.locale if applicant else None) or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        data = receipt_data(application)
    return (
        f"tanda-terima-{application.tracking_number}.pdf",
        RECEIPT_CONTENT_TYPE,
        render_receipt(data, font_dirs=_font_dirs()),
    )


def _font_dirs() -> tuple[str, ...]:
    configured = current_app.config.get("PDF_FONT_DIR")
    return (configured, *DEFAULT_FONT_DIRS) if configured else DEFAULT_FONT_DIRS


def receipt_data(application: Application) -> ReceiptData:
    """The receipt's content, in the current language."""
    config = current_app.config
    category = applications.category_of(application)
    spec = applications.spec_of(application)
    labels_by_key = {d.key: d.label for d in spec.documents}
    applicant = db.session.get(User, application.applicant_id)
    submitted = application.submitted_at
    documents = [
        (labels_by_key.get(d.requirement_key, d.requirement_key), d.original_name)
        for d in applications.documents_of(application)
    ]
    # absolute on the public address, also when made by the mail job (no request)
    status_url = absolute_url("applications.status_check", number=application.tracking_number)
    return ReceiptData(
        office_name=config["OFFICE_NAME"],
        office_address=config["OFFICE_ADDRESS"],
        title=_("Receipt of your application"),
        permit_name=localized(category, "name"),
        tracking_number=application.tracking_number or "",
        applicant_name=applicant.full_name if applicant else "",
        submitted_text=format_datetime(submitted, "medium") if submitted else "-",
        due_text=format_date(application.due_date, "long") if application.due_date else "-",
        documents=documents,
        status_url=status_url,
        labels={
            "number": _("Tracking number"),
            "permit": _("Permit type"),
            "applicant": _("Applicant"),
            "submitted": _("Submitted on"),
            "due": _("To be finished by"),
            "documents": _("Documents received"),
            "scan": _(
                "Scan the code or open the address to see the status of your "
                "application (you need the tracking number and your email address)."
            ),
            "keep": _(
                "Keep this receipt. It shows that the office received your application on the date above."
            ),
        },
    )


__all__ = ["RECEIPT_CONTENT_TYPE", "ReceiptData", "receipt_data", "receipt_for", "render_receipt"]
