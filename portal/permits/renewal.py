"""Renewal ("Perpanjangan"): the holder of a permit that expires starts a new application of
the same permit type from it, with the old application's answers filled in and the documents
that are still valid copied over; the new permit, once issued, supersedes the old one.

Which documents are still valid: those the office accepted (not ones it flagged), for a slot
the permit type's current form still asks for, and of a kind that does not age: identity and
civil documents (KTP, KK, NPWP, passport photo, deed, diploma: the slots
``portal.vault.services.kind_for_slot`` recognises). Statements, site plans and letters
describe the situation when they were written and are asked for again. Each copy goes through
the slot's own upload checks (``applications.services.add_document``), so a file type the form
no longer takes, or a file now too big, is simply not copied.

Refused: a permit that is someone else's (404, as if it did not exist), a revoked one, one with
no expiry, and one that expires more than RENEWAL_OPENS_DAYS days from now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.applications.models import Application, Document, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import ApplicationError, add_document, spec_of, start_application
from portal.auth.models import User
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.permits.models import Permit, PermitRenewal
from portal.permits.services import PermitError
from portal.storage import UploadRejected, get_storage
from portal.vault.services import kind_for_slot

#: How many days before it expires a permit may be renewed.
RENEWAL_OPENS_DAYS = 90
#: Renewal applications that are still going (a closed one can be started again).
_OPEN = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION, S.RESUBMITTED, S.RECOMMENDED, S.APPROVED)


class RenewalRefused(PermitError):
    status_code = 409


@dataclass(frozen=True)
class RenewalOffer:
    """What the holder's application page shows under her permit."""

    permit: Permit
    opens_on: date
    renewal: Application | None  # a renewal already started

    @property
    def is_open(self) -> bool:
        return clock.office_today() >= self.opens_on


def _own_permit(application_id: int, user: User) -> Permit:
    permit = db.session.scalar(
        select(Permit)
        .join(Application, Application.id == Permit.application_id)
        .where(Permit.application_id == application_id, Application.applicant_id == user.id)
    )
    if permit is None:
        raise NotFoundError()
    return permit


def open_renewal(permit: Permit) -> Application | None:
    """The renewal application started from ``permit`` that is still going, if any."""
    return db.session.scalar(
        select(Application)
        .join(PermitRenewal, PermitRenewal.application_id == Application.id)
        .where(PermitRenewal.renews_permit_id == permit.id, Application.status.in_(_OPEN))
        .order_by(Application.id.desc())
        .limit(1)
    )


def renewal_offer(application: Application) -> RenewalOffer | None:
    """The renewal the holder may start from this application's permit, or None (no permit,
    revoked, no expiry)."""
    permit = application.permit
    if permit is None or permit.revoked_at is not None or permit.valid_until is None:
        return None
    return RenewalOffer(permit, permit.valid_until - timedelta(days=RENEWAL_OPENS_DAYS), open_renewal(permit))


def _check_renewable(permit: Permit, category: PermitCategory) -> None:
    if permit.revoked_at is not None:
        raise RenewalRefused(
            _l("This permit was revoked, so it cannot be renewed. Apply for a new permit instead.")
        )
    if permit.valid_until is None:
        raise RenewalRefused(_l("This permit has no expiry date, so it needs no renewal."))
    opens = permit.valid_until - timedelta(days=RENEWAL_OPENS_DAYS)
    if clock.office_today() < opens:
        raise RenewalRefused(_l("This permit can be renewed from %(day)s.", day=format_date(opens, "long")))
    if not category.active or category.current_version_id is None:
        raise RenewalRefused(_l("This permit cannot be applied for online at the moment."))


def start_renewal(application_id: int, user: User) -> Application:
    """The renewal draft of the permit of ``user``'s application ``application_id``: a renewal
    already going is returned as it is; otherwise a draft of the permit type's current form
    with the old answers the form still asks for (answers already typed in an existing draft
    of the same type are kept) and the old documents that are still valid. Flushes the draft;
    each copied document commits on its own, as every upload does (docs/ARCHITECTURE.md)."""
    permit = _own_permit(application_id, user)
    existing = open_renewal(permit)
    if existing is not None:
        return existing
    category = db.session.get_one(PermitCategory, permit.category_id)
    _check_renewable(permit, category)
    old = db.session.get_one(Application, permit.application_id)
    draft = start_application(user, category)
    spec = spec_of(draft)
    answers = dict(draft.answers or {})
    for key, value in (old.answers or {}).items():
        if key in spec.by_key and answers.get(key) in (None, "", []):
            answers[key] = value
    draft.answers = answers
    db.session.add(PermitRenewal(application_id=draft.id, renews_permit_id=permit.id))
    db.session.flush()
    _copy_documents(old, draft, user)
    return draft


def still_valid(document: Document, slots: set[str]) -> bool:
    return (
        document.state is not DocumentState.FLAGGED
        and document.requirement_key in slots
        and kind_for_slot(document.requirement_key) is not None
    )


def _copy_documents(old: Application, draft: Application, user: User) -> list[str]:
    slots = {d.key for d in spec_of(draft).documents}
    have = set(
        db.session.scalars(select(Document.requirement_key).where(Document.application_id == draft.id))
    )
    documents = db.session.scalars(
        select(Document).where(Document.application_id == old.id).order_by(Document.id)
    ).all()
    copied = []
    storage = get_storage()
    for document in documents:
        if document.requirement_key in have or not still_valid(document, slots):
            continue
        try:
            with storage.open(document.storage_key) as stream:
                upload = FileStorage(
                    stream=stream, filename=document.original_name, content_type=document.content_type
                )
                add_document(draft, document.requirement_key, upload, actor=user)
        except (FileNotFoundError, UploadRejected, ApplicationError):
            continue  # not copied: she uploads it like any other document
        have.add(document.requirement_key)
        copied.append(document.requirement_key)
    return copied


def superseded_by(permit: Permit) -> Permit | None:
    """The permit issued on a renewal of ``permit`` (the newest, not revoked), if any."""
    return db.session.scalar(
        select(Permit)
        .join(PermitRenewal, PermitRenewal.application_id == Permit.application_id)
        .where(PermitRenewal.renews_permit_id == permit.id, Permit.revoked_at.is_(None))
        .order_by(Permit.issued_at.desc())
        .limit(1)
    )
