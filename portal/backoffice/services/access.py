"""Who may work on an application in the office: the staff roles, the loader that checks them
again, the officers to assign to, and the office's refusal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User, UserRole
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db

STAFF_ROLES = (Role.OFFICER, Role.APPROVER, Role.ADMIN)


class BackofficeError(PortalError):
    """Refused by a rule; the message is for the officer, in their language."""


# -- loading --------------------------------------------------------------------------------------
def get_application_for_staff_or_404(application_id: int, user: User) -> Application:
    """Any application, for an officer, approver or admin (the view's decorator checks the
    role; this loader checks it again so a service call cannot skip it)."""
    if not user.has_role(*STAFF_ROLES):
        raise AccessDenied()
    application = db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.applicant), joinedload(Application.category))
    )
    if application is None or application.status is S.DRAFT:
        raise NotFoundError()  # drafts are the applicant's own business
    return application


def officers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.OFFICER, User.is_active_account.is_(True))
            .order_by(User.full_name)
        )
    )
