"""What anyone may see of an application's progress: its timeline, and the public status
check by tracking number and email."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.applications.models import Application, AuditEvent
from portal.auth.models import User
from portal.extensions import db

#: The status check's limit per client address, one count shared by the page and the API.
STATUS_CHECK_LIMIT = "10 per minute;60 per hour"
STATUS_CHECK_SCOPE = "status-check"


def timeline(application: Application, *, for_applicant: bool = True) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.application_id == application.id)
    if for_applicant:
        stmt = stmt.where(AuditEvent.visible_to_applicant.is_(True))
    return list(db.session.scalars(stmt.order_by(AuditEvent.created_at, AuditEvent.id)))


def public_status(tracking_number: str, email: str) -> Application | None:
    """The application with this tracking number whose applicant has this email, or None.
    The caller shows only status and dates."""
    number = (tracking_number or "").strip().upper()[:20]
    address = (email or "").strip().lower()[:254]
    if not number or not address:
        return None
    return db.session.scalar(
        select(Application)
        .join(User, User.id == Application.applicant_id)
        .where(Application.tracking_number == number, func.lower(User.email) == address)
    )
