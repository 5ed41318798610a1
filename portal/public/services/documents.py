"""The public information list (DIP): published documents by kind, and staff publishing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.auth.models import User
from portal.errors import NotFoundError
from portal.extensions import db
from portal.public.models import DocumentKind, PublicDocument
from portal.public.services.common import PublicError, _require_staff, can_manage_content, clean_text
from portal.storage import FileKind, check_upload, get_storage
from portal.transaction import atomic, delete_file_on_rollback

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


# -- public information list (DIP) ------------------------------------------------------------
DOCUMENT_KIND_LABELS = {
    DocumentKind.SOP: _l("Standard operating procedures (SOP)"),
    DocumentKind.SERVICE_STANDARD: _l("Service standards"),
    DocumentKind.ANNUAL_REPORT: _l("Annual service reports"),
    DocumentKind.OTHER: _l("Other public information"),
}


def published_documents() -> list[tuple[DocumentKind, list[PublicDocument]]]:
    """Published documents grouped by kind (in the order of DocumentKind), newest first."""
    rows = db.session.scalars(
        select(PublicDocument)
        .where(PublicDocument.published.is_(True))
        .order_by(PublicDocument.year.desc().nulls_last(), PublicDocument.id.desc())
    )
    groups: dict[DocumentKind, list[PublicDocument]] = {kind: [] for kind in DocumentKind}
    for doc in rows:
        groups[DocumentKind(doc.kind)].append(doc)
    return [(kind, docs) for kind, docs in groups.items() if docs]


def all_documents_for_staff(user: User) -> list[PublicDocument]:
    _require_staff(user)
    return list(db.session.scalars(select(PublicDocument).order_by(PublicDocument.id.desc())))


def get_document_or_404(document_id: int, user: User | None = None) -> PublicDocument:
    """A published document; unpublished ones only for staff."""
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or (not doc.published and not can_manage_content(user)):
        raise NotFoundError()
    return doc


def add_document(
    user: User, upload: FileStorage, title: str, kind: str, year: int | None = None, description: str = ""
) -> PublicDocument:
    """Store an uploaded PDF (checked by content) under public/ and list it. Raises
    UploadRejected for a file that is not a clean PDF, PublicError for a missing title."""
    _require_staff(user)
    title = clean_text(title, 200).replace("\n", " ")
    if not title:
        raise PublicError(_l("Write the document's title."))
    checked = check_upload(upload, {FileKind.PDF}, DOCUMENT_MAX_BYTES, key_prefix="public/")
    doc = PublicDocument(
        title=title,
        kind=DocumentKind(kind),
        year=year,
        description=clean_text(description, 2000),
        storage_key=checked.stored.key,
        original_name=checked.original_name,
        size=checked.stored.size,
        uploaded_by_id=user.id,
    )
    with atomic():
        delete_file_on_rollback(get_storage(), checked.stored.key)
        db.session.add(doc)
        db.session.flush()
    return doc


def set_document_published(user: User, doc: PublicDocument, published: bool) -> None:
    _require_staff(user)
    doc.published = published
    db.session.flush()
