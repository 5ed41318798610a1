"""Loading the applicant's own applications (the access check in one place), starting a draft and
saving a form page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from portal.applications.models import Application, Mandate, ValidationEvent
from portal.applications.models import ApplicationStatus as S
from portal.applications.progress import _advance_stage
from portal.applications.services.corrections import open_correction
from portal.applications.services.errors import ApplicationError
from portal.applications.services.mandates import access_clause
from portal.applications.steps import STAGE_FORM, STAGE_REQUIREMENTS, spec_of
from portal.auth.models import User
from portal.business import services as business_services
from portal.catalogue.formspec import PageResult
from portal.catalogue.models import HolderKind, PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db


def get_own_application_or_404(
    application_id: int, user: User, *, with_documents: bool = False, as_principal: bool = False
) -> Application:
    """The applicant's own application, or 404 (another person's looks exactly like a missing
    one). One filed under a mandate is the representative's only while the mandate is not
    revoked; ``as_principal`` (the pages that only show it) lets the principal open it too."""
    stmt = select(Application).where(
        Application.id == application_id, access_clause(user, as_principal=as_principal)
    )
    if with_documents:
        stmt = stmt.options(selectinload(Application.documents))
    application = db.session.scalar(stmt)
    if application is None:
        raise NotFoundError()
    return application


def list_own_applications(user: User) -> list[Application]:
    """The applications she filed: for herself, and for others under mandates not revoked."""
    return list(
        db.session.scalars(
            select(Application)
            .where(access_clause(user, as_principal=False))
            .options(selectinload(Application.category))
            .order_by(Application.updated_at.desc(), Application.id.desc())
        )
    )


BUSINESS_ONLY = _l(
    "This permit is issued to a business. Register your business under My businesses first, "
    "then apply for it as its owner or director."
)


# -- starting and drafting ----------------------------------------------------------------------
def start_application(
    user: User,
    category: PermitCategory,
    mandate: Mandate | None = None,
    *,
    holder_business_id: int | None = None,
) -> Application:
    """A new draft on the category's current form version; an existing draft of the same
    category (and for the same principal and holder) is resumed instead (a double click starts
    one draft). ``mandate``: filed for its principal (checked by the caller: an active one she
    holds). ``holder_business_id``: the business that will hold the permit, one she may file for
    (checked here: any other id is NotFoundError), in a category a business may hold."""
    if not category.active or category.current_version_id is None:
        raise ApplicationError(_l("This permit cannot be applied for online at the moment."))
    if mandate is not None and mandate.representative_id != user.id:
        raise NotFoundError()
    holder_kind = HolderKind(category.holder_kind)
    if mandate is not None:
        # Filed for a principal: the holder follows the mandate (a person or a business).
        if holder_business_id is not None:
            raise NotFoundError()
        if mandate.principal_business_id is not None and not holder_kind.allows_business:
            raise ApplicationError(
                _l("This permit is held by a person: it cannot be applied for for a business.")
            )
        if mandate.principal_user_id is not None and not holder_kind.allows_person:
            raise ApplicationError(_l("This permit is held by a business: choose a business you represent."))
        holder_business_id = mandate.principal_business_id
    elif holder_business_id is not None:
        if not holder_kind.allows_business:
            raise ApplicationError(_l("This permit is issued to a person: apply in your own name."))
        holder_business_id = business_services.get_filing_business(holder_business_id, user).id
    elif not holder_kind.allows_person:
        raise ApplicationError(BUSINESS_ONLY)
    existing = db.session.scalar(
        select(Application)
        .where(
            Application.applicant_id == user.id,
            Application.category_id == category.id,
            Application.status == S.DRAFT,
            Application.mandate_id.is_(None) if mandate is None else Application.mandate_id == mandate.id,
            Application.holder_business_id.is_(None)
            if holder_business_id is None
            else Application.holder_business_id == holder_business_id,
        )
        .order_by(Application.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    application = Application(
        applicant_id=user.id,
        mandate_id=mandate.id if mandate is not None else None,
        holder_business_id=holder_business_id,
        category_id=category.id,
        form_version_id=category.current_version_id,
        answers={},
        completed_pages=[],
        stage=STAGE_REQUIREMENTS,
    )
    db.session.add(application)
    db.session.flush()
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


def save_page(
    application: Application, page_key: str, formdata: MultiDict[str, str], *, actor: User
) -> PageResult:
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
    db.session.flush()
    return result
