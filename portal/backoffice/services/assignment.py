"""Claiming an unassigned application (officer) and assigning one or many (approver)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.applications import waiting, workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.backoffice.services.access import BackofficeError
from portal.db import rowcount
from portal.extensions import db
from portal.transaction import atomic_service


@atomic_service
def claim(application: Application, officer: User) -> None:
    """The officer takes an unassigned application."""
    if not officer.has_role(Role.OFFICER):
        raise BackofficeError(_l("Only officers can claim applications."))
    if application.applicant_id == officer.id:
        raise BackofficeError(_l("You cannot work on your own application."))
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.assigned_officer_id.is_(None))
        .values(assigned_officer_id=officer.id)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise BackofficeError(_l("Someone else has already claimed this application."))
    workflow.record(application, officer, "claim", note=officer.full_name)
    db.session.flush()
    db.session.refresh(application)
    # the UPDATE is not an ORM change: move it in the workload (it was nobody's, now hers)
    after = waiting.state_of(application)
    waiting.record_change(after._replace(assigned_officer_id=None), after)


@atomic_service
def assign(application_ids: list[int], officer_id: int, approver: User) -> int:
    """An approver assigns or reassigns applications (one or many) to an officer."""
    if not approver.has_role(Role.APPROVER, Role.ADMIN):
        raise BackofficeError(_l("Only approvers can assign applications."))
    officer = db.session.get(User, officer_id)
    if officer is None or not officer.has_role(Role.OFFICER) or not officer.is_active:
        raise BackofficeError(_l("Choose an active officer."))
    apps = list(
        db.session.scalars(
            select(Application).where(
                Application.id.in_(application_ids[:500]), Application.status != S.DRAFT
            )
        )
    )
    for application in apps:
        if application.applicant_id == officer.id:
            raise BackofficeError(_l("An officer cannot be assigned their own application."))
    for application in apps:
        application.assigned_officer_id = officer.id
        workflow.record(application, approver, "assign", note=officer.full_name)
    db.session.flush()
    return len(apps)
