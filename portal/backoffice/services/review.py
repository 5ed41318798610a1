"""The officer's review while an application is in review: document verdicts, answer flags,
internal notes; each verdict or flag takes the application's optimistic lock."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, Document, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.backoffice.models import InternalNote, ReviewFlag
from portal.backoffice.services.access import BackofficeError
from portal.db import rowcount, utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.transaction import atomic_service


def _require_reviewing(application: Application, user: User) -> None:
    if application.status is not S.IN_REVIEW:
        raise BackofficeError(
            _l(
                "Start the review first: documents and answers can be checked only while the "
                "application is in review."
            )
        )
    if not user.has_role(Role.OFFICER):
        raise BackofficeError(_l("Only officers can check documents and answers."))
    if application.applicant_id == user.id:
        raise BackofficeError(_l("You cannot work on your own application."))


@atomic_service
def set_document_verdict(
    application: Application,
    document_id: int,
    officer: User,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> Document:
    """Accept or flag one document (officer, in review). Locked like a transition: ``version``
    is the application's version on the officer's page; a verdict given on a page that is out
    of date (another verdict, a withdrawal, a new file) raises StaleApplication and changes
    nothing. A verdict bumps the version, so the next stale page is told too."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    document = db.session.scalar(
        select(Document).where(Document.id == document_id, Document.application_id == application.id)
    )
    if document is None:
        raise NotFoundError()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise BackofficeError(_l("Write the reason the document must be corrected."))
    _bump_in_review(application, version)
    document.state = DocumentState.ACCEPTED if accept else DocumentState.FLAGGED
    document.reason = None if accept else reason[:2000]
    _close_flags(application, "document", document.requirement_key)
    if not accept:
        db.session.add(
            ReviewFlag(
                application_id=application.id,
                kind="document",
                key=document.requirement_key,
                reason=reason[:2000],
                created_by_id=officer.id,
            )
        )
    workflow.record(
        application,
        officer,
        "accept_document" if accept else "flag_document",
        note=f"{document.requirement_key}: {reason}" if reason else document.requirement_key,
    )
    db.session.flush()
    return document


def _bump_in_review(application: Application, version: int | None) -> None:
    """Take the optimistic lock of a review step: bump the application's version if it is still
    in review at ``version`` (the one on the officer's page; None: the one loaded), else roll
    back and raise StaleApplication (the page is told to reload; nothing changed)."""
    seen = application.version if version is None else version
    bumped = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id, Application.status == S.IN_REVIEW, Application.version == seen
        )
        .values(version=Application.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rowcount(bumped) != 1:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    db.session.refresh(application)  # the new version, for the next step on the same page


@atomic_service
def flag_field(
    application: Application, officer: User, key: str, reason: str, version: int | None = None
) -> ReviewFlag:
    """Flag one answer for correction (officer, in review). Locked like a document verdict:
    ``version`` is the application's version on the officer's page; a flag given on a page that
    is out of date raises StaleApplication and writes nothing. A flag bumps the version."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    spec = app_services.spec_of(application)
    if key not in spec.by_key:
        raise BackofficeError(_l("Unknown field."))
    reason = (reason or "").strip()
    if not reason:
        raise BackofficeError(_l("Write the reason the answer must be corrected."))
    _bump_in_review(application, version)
    _close_flags(application, "field", key)
    flag = ReviewFlag(
        application_id=application.id, kind="field", key=key, reason=reason[:2000], created_by_id=officer.id
    )
    db.session.add(flag)
    workflow.record(application, officer, "flag_field", note=f"{key}: {reason}")
    db.session.flush()
    return flag


@atomic_service
def unflag(application: Application, officer: User, flag_id: int, version: int | None = None) -> None:
    """Remove an open flag (officer, in review); locked like ``flag_field``."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    flag = db.session.scalar(
        select(ReviewFlag).where(
            ReviewFlag.id == flag_id,
            ReviewFlag.application_id == application.id,
            ReviewFlag.closed_at.is_(None),
        )
    )
    if flag is None:
        raise NotFoundError()
    _bump_in_review(application, version)
    flag.closed_at = utcnow()
    workflow.record(application, officer, "unflag", note=flag.key)
    db.session.flush()


def _close_flags(application: Application, kind: str, key: str) -> None:
    db.session.execute(
        update(ReviewFlag)
        .where(
            ReviewFlag.application_id == application.id,
            ReviewFlag.kind == kind,
            ReviewFlag.key == key,
            ReviewFlag.closed_at.is_(None),
        )
        .values(closed_at=utcnow())
    )


def open_flags(application: Application) -> list[ReviewFlag]:
    return list(
        db.session.scalars(
            select(ReviewFlag)
            .where(ReviewFlag.application_id == application.id, ReviewFlag.closed_at.is_(None))
            .order_by(ReviewFlag.id)
        )
    )


@atomic_service
def add_note(application: Application, user: User, text: str) -> InternalNote:
    text = (text or "").strip()
    if not text:
        raise BackofficeError(_l("Write the note first."))
    note = InternalNote(application_id=application.id, author_id=user.id, text=text[:5000])
    db.session.add(note)
    db.session.flush()
    return note


def notes(application: Application) -> list[InternalNote]:
    return list(
        db.session.scalars(
            select(InternalNote)
            .where(InternalNote.application_id == application.id)
            .options(joinedload(InternalNote.author))
            .order_by(InternalNote.id)
        )
    )
