"""The applicant's documents: check and store an upload (the slow check outside any transaction,
the Document written under the application's row lock), remove one, and record refusals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict

from portal.applications import workflow
from portal.applications.models import Application, Document, ValidationEvent
from portal.applications.models import ApplicationStatus as S
from portal.applications.progress import _advance_stage, documents_of
from portal.applications.services.drafts import _require_editable
from portal.applications.services.errors import ApplicationError
from portal.applications.steps import STAGE_DOCUMENTS, spec_of
from portal.auth.models import User
from portal.catalogue.formspec import DocumentSpec
from portal.db import sqlite_write_intent
from portal.errors import NotFoundError
from portal.extensions import db
from portal.storage import FileKind, UploadRejected, check_upload, get_storage
from portal.storage.base import StorageBackend
from portal.storage.thumbnails import make_thumbnail


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
def _writing() -> Iterator[None]:
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


def add_document(
    application: Application, requirement_key: str, upload: FileStorage | None, *, actor: User
) -> Document:
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
            # On purpose (docs/ARCHITECTURE.md): the write under the row lock is its own
            # transaction, and the files replaced are deleted only once it has committed.
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


def _delete_files(storage: StorageBackend, *keys: str | None) -> None:
    for key in keys:
        if key:
            storage.delete(key)


def upload_chosen_files(
    application: Application, files: MultiDict[str, FileStorage], *, actor: User
) -> dict[str, str]:
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
            db.session.commit()  # on purpose: the files go only once the row is gone for good
    except BaseException:
        db.session.rollback()
        raise
    _delete_files(get_storage(), *keys)


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
    db.session.flush()
