"""The correction round: the office's request, the applicant's corrected answers, resubmitting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.applications import workflow
from portal.applications.models import Application, CorrectionRequest, ValidationEvent
from portal.applications.models import ApplicationStatus as S
from portal.applications.progress import documents_of
from portal.applications.services.errors import ApplicationError, Missing, MissingItems
from portal.applications.services.mandates import refuse_flagged_power_of_attorney
from portal.applications.steps import spec_of
from portal.auth.models import User
from portal.catalogue.formspec import PageResult
from portal.db import utcnow
from portal.extensions import db
from portal.transaction import atomic_service


@atomic_service
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
    db.session.flush()
    return correction


def open_correction(application: Application) -> CorrectionRequest | None:
    return db.session.scalar(
        select(CorrectionRequest)
        .where(CorrectionRequest.application_id == application.id, CorrectionRequest.resolved_at.is_(None))
        .order_by(CorrectionRequest.id.desc())
        .limit(1)
    )


def save_correction(application: Application, formdata: MultiDict[str, str], *, actor: User) -> PageResult:
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
    db.session.flush()
    return result


@atomic_service
def resubmit(application: Application, actor: User, *, expected_version: int | None = None) -> None:
    """Send the corrected application back to the office. Every flagged document must have
    been replaced by a file uploaded after the request."""
    correction = open_correction(application)
    if application.status is not S.NEEDS_CORRECTION or correction is None:
        raise ApplicationError(_l("There is nothing to correct in this application now."))
    refuse_flagged_power_of_attorney(application, documents_of(application))
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
