"""Everything the portal keeps about a person, for "My data": as a dict (the JSON download) and
as a readable PDF (ReportLab with the certificate's fonts). Document files themselves are
listed, not copied: the person downloads each from their application's page."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select

from portal.applications.models import Application, AuditEvent, Document, Mandate
from portal.applications.services.mandates import given_mandates, held_mandates
from portal.auth.consent import consents_of
from portal.auth.models import User
from portal.business import services as business_services
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import Notice
from portal.permits.models import Permit
from portal.permits.pdf import _esc, fonts
from portal.privacy.access_log import access_log
from portal.vault import services as vault


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _mandate_row(mandate: Mandate, other: User | None, role: str) -> dict[str, Any]:
    filed = db.session.scalars(
        select(Application.tracking_number)
        .where(Application.mandate_id == mandate.id)
        .order_by(Application.id)
    )
    return {
        role: other.full_name if other is not None else None,
        f"{role}_email": other.email if other is not None else None,
        "given_at": _iso(mandate.created_at),
        "revoked_at": _iso(mandate.revoked_at),
        "applications": [number or "draft" for number in filed],
    }


def export_data(user: User) -> dict[str, Any]:
    """All of ``user``'s personal data the portal holds, as plain JSON values."""
    applications = list(
        db.session.scalars(
            select(Application).where(Application.applicant_id == user.id).order_by(Application.id)
        )
    )
    ids = [a.id for a in applications]
    categories = {
        c.id: c
        for c in db.session.scalars(
            select(PermitCategory).where(PermitCategory.id.in_({a.category_id for a in applications}))
        )
    }
    documents: dict[int, list[Document]] = {}
    for document in db.session.scalars(
        select(Document).where(Document.application_id.in_(ids)).order_by(Document.id)
    ):
        documents.setdefault(document.application_id, []).append(document)
    events: dict[int, list[AuditEvent]] = {}
    for event in db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id.in_(ids), AuditEvent.visible_to_applicant.is_(True))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ):
        events.setdefault(event.application_id, []).append(event)
    permits = list(
        db.session.scalars(select(Permit).where(Permit.application_id.in_(ids)).order_by(Permit.id))
    )
    notices = list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))
    return {
        "exported_at": _iso(utcnow()),
        "controller": current_app.config.get("OFFICE_NAME"),
        "account": {
            "full_name": user.full_name,
            "email": user.email,
            "nik": user.nik,
            "phone": user.phone,
            "address": user.address,
            "language": user.locale,
            "email_confirmed_at": _iso(user.email_verified_at),
            "created_at": _iso(user.created_at),
            "roles": sorted(r.value for r in user.role_set),
        },
        # "Dokumen saya": what she keeps for later applications (the files are downloaded there).
        "my_documents": [
            {
                "kind": item.kind.value,
                "name": item.title,
                "file_name": item.original_name,
                "size_bytes": item.size,
                "content_type": item.content_type,
                "kept_at": _iso(item.updated_at),
            }
            for item in vault.list_own_items(user)
        ],
        "privacy_consents": [
            {
                "notice_version": c.notice_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents_of(user)
        ],
        "applications": [
            {
                "tracking_number": a.tracking_number,
                "permit": categories[a.category_id].name_id if a.category_id in categories else None,
                "status": a.status.value,
                "created_at": _iso(a.created_at),
                "submitted_at": _iso(a.submitted_at),
                "decided_at": _iso(a.decided_at),
                "decision_reason": a.decision_reason,
                "answers": a.answers or {},
                "documents": [
                    {
                        "requirement": d.requirement_key,
                        "file_name": d.original_name,
                        "size_bytes": d.size,
                        "content_type": d.content_type,
                        "uploaded_at": _iso(d.uploaded_at),
                        "state": d.state.value,
                    }
                    for d in documents.get(a.id, [])
                ],
                "history": [
                    {"when": _iso(e.created_at), "action": e.action, "status": e.to_status, "note": e.note}
                    for e in events.get(a.id, [])
                ],
            }
            for a in applications
        ],
        "permits": [
            {
                "number": p.number,
                "holder_name": p.holder_name,
                "issued_at": _iso(p.issued_at),
                "valid_until": _iso(p.valid_until),
                "revoked_at": _iso(p.revoked_at),
            }
            for p in permits
        ],
        "notices": [{"when": _iso(n.created_at), "text": n.text} for n in notices],
        # Powers of attorney (kuasa) she gave and holds, and what was filed under them.
        "mandates_given": [_mandate_row(m, m.representative, "representative") for m in given_mandates(user)],
        "mandates_held": [_mandate_row(m, m.principal_user, "principal") for m in held_mandates(user)],
        # The businesses she is a member of, with her role.
        "businesses": business_services.export_rows(user),
        "staff_views_of_my_data": [
            {
                "when": _iso(r.when),
                "staff": r.staff_name,
                "roles": r.staff_roles,
                "what": r.kind,
                "item": r.label,
            }
            for r in access_log(user, limit=10_000)
        ],
    }


def _when(value: str | None) -> str:
    return format_datetime(datetime.fromisoformat(value), "d MMM yyyy HH:mm") if value else "-"


def export_pdf(data: dict[str, Any]) -> bytes:
    """``export_data``'s result as a readable PDF, in the current language."""
    regular, bold, _italic = fonts()
    styles = {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=6),
        "head": ParagraphStyle("head", fontName=bold, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4),
        "sub": ParagraphStyle("sub", fontName=bold, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=2),
        "text": ParagraphStyle("text", fontName=regular, fontSize=9.5, leading=12),
        "small": ParagraphStyle(
            "small", fontName=regular, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
    }
    text, small = styles["text"], styles["small"]

    def table(rows: list[list[str]], widths: list[float]) -> Table:
        cells = [[Paragraph(_esc(c), text) for c in row] for row in rows]
        t = Table(cells, colWidths=widths)
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return t

    account = data["account"]
    story: list = [
        Paragraph(_esc(_("My data at SatuPintu")), styles["title"]),
        Paragraph(
            _esc(
                _(
                    "Exported on %(when)s from %(office)s.",
                    when=_when(data["exported_at"]),
                    office=data["controller"] or "",
                )
            ),
            small,
        ),
        Paragraph(_esc(_("Account")), styles["head"]),
        table(
            [
                [_("Full name"), account["full_name"] or "-"],
                [_("Email address"), account["email"] or "-"],
                ["NIK", account["nik"] or "-"],
                [_("Mobile phone number"), account["phone"] or "-"],
                [_("Account created"), _when(account["created_at"])],
            ],
            [5 * cm, 12 * cm],
        ),
        Paragraph(_esc(_("Consent to the privacy notice")), styles["head"]),
    ]
    consents = data["privacy_consents"] or []
    story.append(
        table(
            [[_("Version"), _("Given"), _("Withdrawn")]]
            + [[c["notice_version"], _when(c["given_at"]), _when(c["withdrawn_at"])] for c in consents],
            [5 * cm, 6 * cm, 6 * cm],
        )
        if consents
        else Paragraph(_esc(_("None recorded.")), text)
    )
    story.append(Paragraph(_esc(_("Applications")), styles["head"]))
    if not data["applications"]:
        story.append(Paragraph(_esc(_("None.")), text))
    for a in data["applications"]:
        story.append(
            Paragraph(
                _esc(f"{a['tracking_number'] or _('Draft')} · {a['permit'] or ''} · {a['status']}"),
                styles["sub"],
            )
        )
        answers = [[str(k), str(v)] for k, v in (a["answers"] or {}).items()]
        if answers:
            story.append(table(answers, [5 * cm, 12 * cm]))
        for d in a["documents"]:
            story.append(
                Paragraph(
                    _esc(f"{_('Document')}: {d['requirement']} - {d['file_name']} ({d['state']})"), small
                )
            )
    story.append(Paragraph(_esc(_("Permits")), styles["head"]))
    story.append(
        table(
            [[p["number"], p["holder_name"], _when(p["issued_at"])] for p in data["permits"]],
            [7 * cm, 6 * cm, 4 * cm],
        )
        if data["permits"]
        else Paragraph(_esc(_("None.")), text)
    )
    story.append(Paragraph(_esc(_("My businesses")), styles["head"]))
    businesses = data.get("businesses") or []
    story.append(
        table(
            [[str(b["name"]), f"NIB {b['nib']}", str(b["role"])] for b in businesses],
            [8 * cm, 5 * cm, 4 * cm],
        )
        if businesses
        else Paragraph(_esc(_("None.")), text)
    )
    # Powers of attorney (kuasa), as in the JSON: the person on the other side, since when,
    # whether it still holds, and what was filed under it.
    for key, heading, role, person in (
        ("mandates_given", _("Powers of attorney I gave"), "representative", _("Representative")),
        ("mandates_held", _("Powers of attorney I hold"), "principal", _("Person I represent")),
    ):
        story.append(Paragraph(_esc(heading), styles["head"]))
        given = data.get(key) or []
        story.append(
            table(
                [[person, _("Given"), _("Status"), _("Applications")]]
                + [
                    [
                        f"{m[role] or '-'} ({m[role + '_email'] or '-'})",
                        _when(m["given_at"]),
                        (
                            _("Revoked on %(when)s", when=_when(m["revoked_at"]))
                            if m["revoked_at"]
                            else _("Active")
                        ),
                        ", ".join(_("Draft") if n == "draft" else n for n in m["applications"]) or "-",
                    ]
                    for m in given
                ],
                [6 * cm, 3.5 * cm, 3.5 * cm, 4 * cm],
            )
            if given
            else Paragraph(_esc(_("None.")), text)
        )
    story.append(Paragraph(_esc(_("Who of the staff looked at my data")), styles["head"]))
    views = data["staff_views_of_my_data"]
    story.append(
        table(
            [[_when(r["when"]), r["staff"], r["what"], r["item"]] for r in views],
            [3.5 * cm, 5 * cm, 3 * cm, 5.5 * cm],
        )
        if views
        else Paragraph(_esc(_("No one yet.")), text)
    )
    story.append(Spacer(1, 8))
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title=_("My data at SatuPintu"),
    ).build(story)
    return buf.getvalue()
