"""The review screen's documents: loaded for staff with the access check, set out in the
form's slot order, marked when a file arrived after the office flagged its slot, and shown as
pictures of their pages (a PDF's pages rendered on the server, see storage/pdf_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications import services as app_services
from portal.applications.models import Application, CorrectionRequest, Document
from portal.auth.models import User
from portal.backoffice.services import STAFF_ROLES, get_application_for_staff_or_404
from portal.errors import NotFoundError
from portal.extensions import db
from portal.storage import get_storage
from portal.storage.pdf_pages import PreviewUnavailable, page_count

#: Pages of one PDF pictured on the review page; the rest are read in the downloaded file.
PAGES_SHOWN = 20

PREVIEW_PROBLEMS = {
    "missing": _l("The file is missing from storage, so it cannot be shown. Tell the administrator."),
    "locked": _l(
        "This PDF is locked with a password, so it cannot be shown here. Download it, or flag the "
        "document and ask the applicant for a copy without a password."
    ),
    "unreadable": _l(
        "This file cannot be shown: it is not a PDF that can be read (it may be damaged). "
        "Download it to check, or flag the document and ask the applicant for a new scan."
    ),
    "other": _l("There is no preview for this type of file. Download it to read it."),
}


@dataclass
class DocumentView:
    """One file as the review page shows it."""

    document: Document
    kind: str  # "image" | "pdf" | "other"
    pages: int = 0
    problem: str | None = None
    #: The file came after the office flagged this slot in the last correction request.
    new_since_flag: bool = False
    flagged_reason: str | None = None

    @property
    def pages_shown(self) -> range:
        return range(1, min(self.pages, PAGES_SHOWN) + 1)


@dataclass
class DocumentSlot:
    """A required (or optional) document of the form, with the files sent for it."""

    key: str
    label: str
    required: bool
    files: list[DocumentView] = field(default_factory=list)


def get_document_for_staff_or_404(
    application_id: int, document_id: int, user: User
) -> tuple[Application, Document]:
    """The document ``document_id`` of application ``application_id``, for the office's staff
    (officer, approver, admin). Anyone else, a document of another application, a draft's
    document or a file since replaced: NotFoundError (404), so nobody learns what exists."""
    if not user.has_role(*STAFF_ROLES):
        raise NotFoundError()
    application = get_application_for_staff_or_404(application_id, user)
    document = db.session.scalar(
        select(Document).where(Document.id == document_id, Document.application_id == application.id)
    )
    if document is None:
        raise NotFoundError()
    return application, document


def last_correction(application: Application) -> CorrectionRequest | None:
    return db.session.scalar(
        select(CorrectionRequest)
        .where(CorrectionRequest.application_id == application.id)
        .order_by(CorrectionRequest.id.desc())
        .limit(1)
    )


def document_kind(document: Document) -> str:
    if document.content_type.startswith("image/"):
        return "image"
    if document.content_type == "application/pdf":
        return "pdf"
    return "other"


def describe(document: Document, correction: CorrectionRequest | None = None) -> DocumentView:
    """How one file is shown: its kind, its page count (a PDF) or why it cannot be shown."""
    view = DocumentView(document, document_kind(document))
    if view.kind == "pdf":
        try:
            view.pages = page_count(get_storage(), document.storage_key)
        except PreviewUnavailable as exc:
            view.problem = str(PREVIEW_PROBLEMS[exc.code])
    elif view.kind == "other":
        view.problem = str(PREVIEW_PROBLEMS["other"])
    if correction is not None:
        reasons = {item.get("key"): item.get("reason") for item in correction.documents or []}
        if document.requirement_key in reasons and document.uploaded_at > correction.created_at:
            view.new_since_flag = True
            view.flagged_reason = reasons[document.requirement_key]
    return view


def document_slots(application: Application, spec: Any) -> list[DocumentSlot]:
    """The application's files in the form's slot order (a replaced file keeps its slot's
    place), then any file whose requirement is no longer in the form."""
    correction = last_correction(application)
    views = [describe(d, correction) for d in app_services.documents_of(application)]
    slots = [DocumentSlot(r.key, r.label, r.required) for r in spec.documents]
    by_key = {slot.key: slot for slot in slots}
    for view in views:
        key = view.document.requirement_key
        slot = by_key.get(key)
        if slot is None:
            slot = by_key[key] = DocumentSlot(key, key, False)
            slots.append(slot)
        slot.files.append(view)
    return slots
