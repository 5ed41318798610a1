"""What the API's endpoints read, as plain dicts for the schemas: the catalogue, the public
status check (the web page's service), permit verification (portal/permits/verify.py) and
the partner's applications, limited to the token's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.api.models import ApiToken
from portal.api.tokens import ScopeError, readable_categories
from portal.applications import tracking, workflow
from portal.applications.models import Application, ApplicationStatus, AuditEvent
from portal.catalogue import services as catalogue
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.permits import services as permits
from portal.permits import verify
from portal.permits.models import Permit


# -- the catalogue -------------------------------------------------------------------------------
def category_dict(category: PermitCategory) -> dict[str, Any]:
    version = category.current_version
    documents = version.spec.documents if version is not None else []
    return {
        "slug": category.slug,
        "code": category.code,
        "name_id": category.name_id,
        "name_en": category.name_en or "",
        "summary_id": category.summary_id or "",
        "summary_en": category.summary_en or "",
        "sector": str(category.sector),
        "service_standard": {
            "time_limit_working_days": category.time_limit_days,
            "cost_rupiah": category.cost_rupiah,
            "cost_note_id": category.cost_note_id or "",
            "cost_note_en": category.cost_note_en or "",
            "legal_basis": category.legal_basis_items,
            "output_id": category.output_id or "",
            "output_en": category.output_en or "",
            "validity_months": category.validity_months,
        },
        "requirements": [
            {
                "key": d.key,
                "label_id": d.label_id,
                "label_en": d.label_en or "",
                "description_id": d.description_id or "",
                "description_en": d.description_en or "",
                "required": bool(d.required),
                "allowed_types": list(d.allowed_types),
                "max_mb": float(d.max_mb),
                "max_files": int(d.max_files),
            }
            for d in documents
        ],
    }


def categories() -> list[dict[str, Any]]:
    rows = db.session.scalars(
        select(PermitCategory)
        .where(PermitCategory.active.is_(True))
        .options(joinedload(PermitCategory.current_version))
        .order_by(PermitCategory.name_id, PermitCategory.id)
    )
    return [category_dict(c) for c in rows]


def category(slug: str) -> dict[str, Any]:
    return category_dict(catalogue.get_category_or_404(slug))


# -- the status check ----------------------------------------------------------------------------
def status(tracking_number: str, email: str) -> dict[str, Any]:
    """The web status check's answer (applications.tracking.public_status): status and dates
    only. A wrong number or email is 404, the same for both."""
    application = tracking.public_status(tracking_number, email)
    if application is None:
        raise NotFoundError()
    slug = db.session.scalar(select(PermitCategory.slug).where(PermitCategory.id == application.category_id))
    return {
        "tracking_number": application.tracking_number,
        "category": slug,
        "status": application.status.value,
        "status_label": str(workflow.STATUS_LABELS[application.status]),
        "submitted_at": application.submitted_at,
        "due_date": application.due_date,
        "decided_at": application.decided_at,
    }


# -- permit verification -------------------------------------------------------------------------
def permit_check(permit: Permit | None) -> dict[str, Any]:
    if permit is None:
        raise NotFoundError()
    result = permits.verification_of(permit)
    signature, unchanged = verify.stored_signature(permit)
    return {
        "number": result.number,
        "category": result.category.slug,
        "holder": result.holder_masked,
        "issued_on": result.issued_on,
        "valid_until": result.valid_until,
        "state": result.state.value,
        "revoked_on": result.revoked_on,
        "revocation_reason": result.revocation_reason,
        "signature_valid": bool(signature is not None and signature.valid and signature.ours),
        "file_unchanged": unchanged,
    }


def permit_by_token(token: str) -> dict[str, Any]:
    return permit_check(permits.find_by_token(token))


def permit_by_code(code: str) -> dict[str, Any]:
    return permit_check(permits.find_by_short_code(code))


# -- partners ------------------------------------------------------------------------------------
def _in_scope(token: ApiToken, category_slug: str | None):
    """The categories a query may read: the token's, narrowed to ``category_slug``. A category
    outside the token's scope (or unknown) is refused the same way (403)."""
    allowed = readable_categories(token)
    if category_slug is None:
        return allowed
    wanted = db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == category_slug))
    if wanted is None or (allowed is not None and wanted not in allowed):
        raise ScopeError()
    return [wanted]


def _partner_dict(application: Application, slug: str) -> dict[str, Any]:
    return {
        "tracking_number": application.tracking_number,
        "category": slug,
        "status": application.status.value,
        "submitted_at": application.submitted_at,
        "due_date": application.due_date,
        "decided_at": application.decided_at,
        "updated_at": application.updated_at,
    }


def partner_applications(
    token: ApiToken,
    *,
    category_slug: str | None = None,
    status: str | None = None,
    after: int | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Submitted applications in the token's scope, oldest first, paged by id (keyset)."""
    categories = _in_scope(token, category_slug)
    stmt = (
        select(Application, PermitCategory.slug)
        .join(PermitCategory, PermitCategory.id == Application.category_id)
        .where(Application.status != ApplicationStatus.DRAFT)
    )
    if categories is not None:
        if not categories:
            return {"items": [], "next_after": None}
        stmt = stmt.where(Application.category_id.in_(categories))
    if status:
        stmt = stmt.where(Application.status == ApplicationStatus(status))
    if after:
        stmt = stmt.where(Application.id > after)
    rows = db.session.execute(stmt.order_by(Application.id).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_partner_dict(app, slug) for app, slug in rows],
        "next_after": rows[-1][0].id if more and rows else None,
    }


def partner_application(token: ApiToken, tracking_number: str) -> dict[str, Any]:
    """One application in the token's scope, with its status history. Out of scope and
    unknown numbers get the same 403: nothing tells a partner the number exists."""
    number = (tracking_number or "").strip().upper()[:20]
    row = db.session.execute(
        select(Application, PermitCategory.slug)
        .join(PermitCategory, PermitCategory.id == Application.category_id)
        .where(Application.tracking_number == number, Application.status != ApplicationStatus.DRAFT)
    ).first()
    allowed = readable_categories(token)
    if row is None or (allowed is not None and row[0].category_id not in allowed):
        raise ScopeError()
    application, slug = row
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id == application.id, AuditEvent.to_status.is_not(None))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return {
        **_partner_dict(application, slug),
        "history": [
            {"from_status": e.from_status, "to_status": e.to_status, "at": e.created_at} for e in events
        ],
    }
