"""The applicant's side of an application: start, save pages, documents, submit, withdraw,
answer a correction request. Callable without a request. The wizard's stages and steps are
``steps``, the timeline and the public status check ``tracking``, where a draft stands
``progress`` (all re-exported here)."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload

from portal.applications import workflow
from portal.applications.models import (
    Application,
    CorrectionRequest,
    Document,
    ValidationEvent,
)
from portal.applications.models import ApplicationStatus as S
from portal.applications.progress import (  # noqa: F401 - re-exported for the callers of services
    STATUS_EXPLAINED,
    _advance_stage,
    documents_of,
    prefilled_values,
    record_stage,
    resume_step,
)
from portal.applications.steps import (  # noqa: F401 - re-exported for the callers of services
    STAGE_DOCUMENTS,
    STAGE_FORM,
    STAGE_REQUIREMENTS,
    STAGE_REVIEW,
    Step,
    category_of,
    spec_of,
    steps,
)
from portal.applications.tracking import public_status, timeline  # noqa: F401 - re-exported
from portal.auth.models import User
from portal.catalogue.formspec import DocumentSpec, PageResult
from portal.catalogue.models import PermitCategory
from portal.db import sqlite_write_intent, utcnow
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.storage import FileKind, UploadRejected, check_upload, get_storage
from portal.storage.thumbnails import make_thumbnail

DECLARATION_MISSING = _l("Tick the declaration box to confirm that your answers are true.")


class ApplicationError(PortalError):
    """Refused by a rule; ``str(error)`` is for the applicant, in their language."""


# -- loading, with the access check in one place ------------------------------------------------
def get_own_application_or_404(
    application_id: int, user: User, *, with_documents: bool = False
) -> Application:
    """The applicant's own application, or 404 (another person's looks exactly like a missing
    one)."""
    stmt = select(Application).where(Application.id == application_id, Application.applicant_id == user.id)
    if with_documents:
        stmt = stmt.options(selectinload(Application.documents))
    application = db.session.scalar(stmt)
    if application is None:
        raise NotFoundError()
    return application


def list_own_applications(user: User) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.applicant_id == user.id)
            .options(selectinload(Application.category))
            .order_by(Application.updated_at.desc(), Application.id.desc())
        )
    )


# -- starting and drafting ----------------------------------------------------------------------
def start_application(user: User, category: PermitCategory) -> Application:
    """A new draft on the category's current form version; an existing draft of the same
    category is resumed instead (a double click starts one draft)."""
    if not category.active or category.current_version_id is None:
        raise ApplicationError(_l("This permit cannot be applied for online at the moment."))
    existing = db.session.scalar(
        select(Application)
        .where(
            Application.applicant_id == user.id,
            Application.category_id == category.id,
            Application.status == S.DRAFT,
        )
        .order_by(Application.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    application = Application(
        applicant_id=user.id,
        category_id=category.id,
        form_version_id=category.current_version_id,
        answers={},
        completed_pages=[],
        stage=STAGE_REQUIREMENTS,
    )
    db.session.add(application)
    db.session.commit()
    return application


def _require_editable(
    application: Application, page_key: str | None = None, document_key: str | None = None
) -> None:
    if application.status is S.DRAFT:
        return
    if application.status is S.NEEDS_CORRECTION:
        correction = open_correction(application)
        allowed_fields = {item["key"] for item in (correction.fields if correction else [])}
        allowed_docs = {item["key"] for item in (correction.documents if correction else [])}
        if page_key is None and document_key is None:
            return
        if document_key is not None and document_key in allowed_docs:
            return
        if page_key is not None and allowed_fields:
            return
    raise ApplicationError(
        _l(
            "This application has been submitted and cannot be changed now. If something is "
            "wrong, contact the help desk."
        )
    )


def save_page(application: Application, page_key: str, formdata, *, actor: User) -> PageResult:
    """Validate one form page and save it in the draft. Valid values are kept even when other
    fields on the page have errors (nothing typed correctly is lost); the page counts as done
    only when it has no errors. Each error is recorded (field key and code, never the value)."""
    _require_editable(application)
    spec = spec_of(application)
    result = spec.validate_page(page_key, formdata, application.answers)
    answers = dict(application.answers or {})
    for field in spec.pages_by_key[page_key].fields:
        if field.key in result.values:
            answers[field.key] = result.values[field.key]
        elif field.key not in result.errors:
            answers.pop(field.key, None)  # cleared, or hidden by its condition now
        # a field in error keeps its saved value: only a valid one replaces it
    application.answers = spec.visible_answers(answers) | {
        k: v for k, v in answers.items() if k not in spec.by_key
    }
    done = list(application.completed_pages or [])
    if result.ok and page_key not in done:
        done.append(page_key)
    elif not result.ok and page_key in done:
        done.remove(page_key)
    application.completed_pages = done
    _advance_stage(application, STAGE_FORM)
    for key, error in result.errors.items():
        db.session.add(
            ValidationEvent(
                application_id=application.id,
                category_id=application.category_id,
                stage=STAGE_FORM,
                page_key=page_key,
                field_key=key,
                error_code=error.code,
            )
        )
    db.session.commit()
    return result


# -- documents ------------------------------------------------------------------------------------
def document_spec(application: Application, key: str) -> DocumentSpec:
    for doc in spec_of(application).documents:
        if doc.key == key:
            return doc
    raise NotFoundError()


UPLOAD_TOO_LATE = _l(
    "This application was submitted while your file was being checked, so the "
    "file was not added. If a document must change now, contact the help desk."
)
UPLOAD_AFTER_WITHDRAWAL = _l(
    "This application was withdrawn while your file was being checked, so the file was not added."
)
UPLOAD_OUTDATED = _l(
    "This application changed while your file was being checked, so the file "
    "was not added. Reload the page, check what is asked for, and upload the "
    "file again if it is still needed."
)


@contextmanager
def _writing():
    """The transaction begun inside takes the database's write lock at once on SQLite
    (BEGIN IMMEDIATE), as a write request's do, also when called outside a request."""
    token = sqlite_write_intent.set(True)
    try:
        yield
    finally:
        sqlite_write_intent.reset(token)


def _lock(application: Application) -> Application:
    """Read the application's row again, locked until the transaction ends (SELECT ... FOR
    UPDATE on PostgreSQL; on SQLite the transaction already holds the write lock): a submit,
    withdrawal or correction request waits for this transaction, or has finished before it."""
    return db.session.scalars(
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def add_document(application: Application, requirement_key: str, upload, *, actor: User) -> Document:
    """Check and store one uploaded file for a requirement. A slot that takes one file has it
    replaced. Raises UploadRejected (with a message) or ApplicationError; nothing is kept then.

    The content check is slow and runs outside any transaction. The Document is written in a
    transaction that holds the application's row locked and finds it in the state and version
    it had when the upload began; if it was submitted, withdrawn or moved on meanwhile, the
    upload is refused (UPLOAD_TOO_LATE / UPLOAD_OUTDATED) and the stored file is removed."""
    _require_editable(application, document_key=requirement_key)
    spec = document_spec(application, requirement_key)
    _check_room(application, spec, requirement_key)
    if upload is None or not getattr(upload, "filename", None):
        raise UploadRejected("no_file")
    seen = (application.status, application.version)
    # End the read transaction before the slow part (streaming, parsing the PDF, re-encoding
    # the image): on SQLite a write request holds the database's write lock while in one.
    db.session.commit()
    checked = check_upload(
        upload, {FileKind(t) for t in spec.allowed_types}, spec.max_bytes, key_prefix="documents/"
    )
    storage = get_storage()
    thumbnail = None
    try:
        thumbnail = make_thumbnail(storage, checked.stored.key, checked.content_type)
        with _writing():
            application = _lock(application)
            if (application.status, application.version) != seen:
                raise ApplicationError(
                    UPLOAD_OUTDATED
                    if application.is_editable_by_applicant
                    else UPLOAD_AFTER_WITHDRAWAL
                    if application.status is S.WITHDRAWN
                    else UPLOAD_TOO_LATE
                )
            _require_editable(application, document_key=requirement_key)
            existing = _check_room(application, spec, requirement_key)
            replaced = existing if spec.max_files == 1 else []
            document = Document(
                application_id=application.id,
                requirement_key=requirement_key,
                storage_key=checked.stored.key,
                original_name=checked.original_name,
                size=checked.stored.size,
                sha256=checked.stored.sha256,
                content_type=checked.content_type,
                uploaded_by_id=actor.id,
                thumbnail_key=thumbnail.key if thumbnail else None,
            )
            for old in replaced:
                db.session.delete(old)
            db.session.add(document)
            if application.status is S.DRAFT:
                _advance_stage(application, STAGE_DOCUMENTS)
            else:
                workflow.record(application, actor, "upload_document", note=requirement_key)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.delete(checked.stored.key)
        if thumbnail is not None:
            storage.delete(thumbnail.key)
        raise
    for old in replaced:
        _delete_files(storage, old.storage_key, old.thumbnail_key)
    return document


def _delete_files(storage, *keys: str | None) -> None:
    for key in keys:
        if key:
            storage.delete(key)


def upload_chosen_files(application: Application, files, *, actor: User) -> dict[str, str]:
    """Upload every file chosen on the documents page (the no-JavaScript form posts them all,
    with "Upload" or with "Continue", as ``file-<requirement key>``): a chosen file is never
    dropped. Returns the refusals, requirement key -> the sentence to show on its card; each
    refused upload is recorded for the help desk."""
    errors: dict[str, str] = {}
    for doc in spec_of(application).documents:
        # The file input and the camera's: the first one holding a file.
        upload = next((f for f in files.getlist(f"file-{doc.key}") if f.filename), None)
        if upload is None:
            continue
        try:
            add_document(application, doc.key, upload, actor=actor)
        except UploadRejected as exc:
            errors[doc.key] = exc.message()
            log_upload_error(application, doc.key, exc.code)
        except ApplicationError as exc:
            errors[doc.key] = str(exc)
    return errors


def _check_room(application: Application, spec: DocumentSpec, requirement_key: str) -> list[Document]:
    """The slot's current files; ApplicationError when a many-file slot is full."""
    existing = [d for d in documents_of(application) if d.requirement_key == requirement_key]
    if spec.max_files > 1 and len(existing) >= spec.max_files:
        raise ApplicationError(
            _l("This document takes at most %(n)d files. Remove one before adding another.", n=spec.max_files)
        )
    return existing


def remove_document(application: Application, document_id: int, *, actor: User) -> None:
    try:
        with _writing():
            application = _lock(application)
            document = db.session.scalar(
                select(Document).where(Document.id == document_id, Document.application_id == application.id)
            )
            if document is None:
                raise NotFoundError()
            _require_editable(application, document_key=document.requirement_key)
            keys = (document.storage_key, document.thumbnail_key)
            db.session.delete(document)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _delete_files(get_storage(), *keys)


# -- what is missing, submit ----------------------------------------------------------------------
@dataclass
class Missing:
    pages: dict[str, list[str]]
    documents: list[str]

    def __bool__(self) -> bool:
        return bool(self.pages or self.documents)


def missing_items(application: Application) -> Missing:
    spec = spec_of(application)
    pages = spec.missing(application.answers or {})
    for page in spec.pages:
        has_required = any(f.required for f in page.fields)
        if has_required and page.key not in (application.completed_pages or []) and page.key not in pages:
            # never visited: list its required fields that apply
            keys = [f.key for f in page.fields if f.required and spec.visible(f, application.answers or {})]
            if keys:
                pages[page.key] = keys
    have = {d.requirement_key for d in documents_of(application)}
    documents = [d.key for d in spec.documents if d.required and d.key not in have]
    return Missing(pages, documents)


def submit(
    application: Application, actor: User, *, declaration: bool, expected_version: int | None = None
) -> Application:
    """Submit a draft: all or nothing, once. Needs a verified email, the declaration, every
    required answer and document. A second, simultaneous submit finds the work done and changes
    nothing (workflow's optimistic lock)."""
    if not actor.email_verified:
        raise ApplicationError(
            _l(
                "Confirm your email address before submitting: open the message we sent you "
                "and press the link."
            )
        )
    if application.status is not S.DRAFT:
        if application.tracking_number:
            return application  # already submitted (a double click): nothing to do
        raise ApplicationError(_l("This application cannot be submitted now."))
    if not declaration:
        raise ApplicationError(DECLARATION_MISSING)
    missing = missing_items(application)
    if missing:
        raise MissingItems(missing)
    for attempt in range(_LOCK_RETRIES):
        try:
            workflow.transition(
                application,
                S.SUBMITTED,
                actor,
                expected_version=expected_version,
                changes={"declaration_accepted_at": utcnow(), "stage": STAGE_REVIEW},
            )
            db.session.commit()
            return application
        except (workflow.StaleApplication, OperationalError) as exc:
            # Another request (a double click) may have got there first. On SQLite the loser
            # can learn it from a lock error instead of the version check: wait and look again.
            db.session.rollback()
            if isinstance(exc, OperationalError) and not _is_lock_error(exc):
                raise
            if isinstance(exc, OperationalError):
                time.sleep(0.05 * (attempt + 1))
            fresh = db.session.get(Application, application.id)
            db.session.refresh(fresh)
            if fresh.status is not S.DRAFT:
                return fresh
            if isinstance(exc, workflow.StaleApplication):
                raise
            application = fresh
    raise ApplicationError(_l("The portal is busy. Wait a moment and press “Submit application” again."))
    return application


_LOCK_RETRIES = 40


def _is_lock_error(exc: OperationalError) -> bool:
    return "database is locked" in str(exc) or "could not serialize" in str(exc)


class MissingItems(ApplicationError):
    def __init__(self, missing: Missing):
        super().__init__(_l("Some required information is still missing."))
        self.missing = missing


def withdraw(
    application: Application, actor: User, *, expected_version: int | None = None, note: str | None = None
) -> None:
    workflow.transition(application, S.WITHDRAWN, actor, expected_version=expected_version, note=note)
    db.session.commit()


# -- correction round ------------------------------------------------------------------------------
def request_correction(
    application: Application,
    officer: User,
    message: str,
    fields: list[dict[str, str]],
    documents: list[dict[str, str]],
    *,
    expected_version: int | None = None,
) -> CorrectionRequest:
    """The office asks for corrections (the back office calls this): a message and at least
    one flagged answer or document. The clock pauses until the applicant resubmits."""
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_l("Write a message telling the applicant what to fix."))
    if not fields and not documents:
        raise ApplicationError(_l("Flag at least one answer or document to be corrected."))
    spec = spec_of(application)
    known_docs = {d.key for d in spec.documents}
    for item in fields:
        if item.get("key") not in spec.by_key:
            raise ApplicationError(_l("A flagged answer is not part of this form."))
    for item in documents:
        if item.get("key") not in known_docs:
            raise ApplicationError(_l("A flagged document is not part of this form."))
    workflow.transition(
        application, S.NEEDS_CORRECTION, officer, note=message, expected_version=expected_version
    )
    correction = CorrectionRequest(
        application_id=application.id,
        message=message,
        fields=list(fields),
        documents=list(documents),
        requested_by_id=officer.id,
    )
    db.session.add(correction)
    db.session.commit()
    return correction


def open_correction(application: Application) -> CorrectionRequest | None:
    return db.session.scalar(
        select(CorrectionRequest)
        .where(CorrectionRequest.application_id == application.id, CorrectionRequest.resolved_at.is_(None))
        .order_by(CorrectionRequest.id.desc())
        .limit(1)
    )


def save_correction(application: Application, formdata, *, actor: User) -> PageResult:
    """Save the flagged answers only: every other posted key is ignored."""
    correction = open_correction(application)
    if application.status is not S.NEEDS_CORRECTION or correction is None:
        raise ApplicationError(_l("There is nothing to correct in this application now."))
    spec = spec_of(application)
    flagged = [item["key"] for item in correction.fields]
    result = spec.validate_fields(flagged, formdata, application.answers or {})
    answers = dict(application.answers or {})
    answers.update(result.values)
    application.answers = answers
    for key, error in result.errors.items():
        db.session.add(
            ValidationEvent(
                application_id=application.id,
                category_id=application.category_id,
                stage="respond_correction",
                page_key=None,
                field_key=key,
                error_code=error.code,
            )
        )
    db.session.commit()
    return result


def resubmit(application: Application, actor: User, *, expected_version: int | None = None) -> None:
    """Send the corrected application back to the office. Every flagged document must have
    been replaced by a file uploaded after the request."""
    correction = open_correction(application)
    if application.status is not S.NEEDS_CORRECTION or correction is None:
        raise ApplicationError(_l("There is nothing to correct in this application now."))
    stale_docs = []
    for item in correction.documents:
        docs = [d for d in documents_of(application) if d.requirement_key == item["key"]]
        if not docs or all(d.uploaded_at <= correction.created_at for d in docs):
            stale_docs.append(item["key"])
    missing = spec_of(application).missing(application.answers or {})
    if stale_docs or missing:
        raise MissingItems(Missing(missing, stale_docs))
    correction.resolved_at = utcnow()
    workflow.transition(application, S.RESUBMITTED, actor, expected_version=expected_version)
    db.session.commit()


def log_upload_error(application: Application, requirement_key: str, code: str) -> None:
    """Record a refused upload (requirement key and reason code) for the help desk."""
    db.session.add(
        ValidationEvent(
            application_id=application.id,
            category_id=application.category_id,
            stage=STAGE_DOCUMENTS,
            page_key=None,
            field_key=requirement_key[:40],
            error_code=code[:40],
        )
    )
    db.session.commit()
