"""What the review screen and the decision's confirmation show: the answers beside the
documents in slot order, the history in words, the staff who worked on it by name, and the
summary an approver confirms a decision over. Read-only; the decisions are in services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.history import history
from portal.applications.models import Application, AuditEvent, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import User
from portal.backoffice import services
from portal.backoffice.documents import DocumentSlot, document_slots
from portal.extensions import db

DOCUMENT_STATE_LABELS = {
    DocumentState.PENDING: _l("not checked yet"),
    DocumentState.ACCEPTED: _l("accepted"),
    DocumentState.FLAGGED: _l("flagged for correction"),
}


@dataclass(frozen=True)
class Staff:
    """The people of the office on this application, by name (shown to staff only)."""

    assigned: str | None
    recommended_by: str | None


def staff_on(application: Application) -> Staff:
    """The assigned officer and the officer who made the last recommendation (one statement)."""
    recommender_id = db.session.scalar(
        select(AuditEvent.actor_id)
        .where(AuditEvent.application_id == application.id, AuditEvent.action == "recommend")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    ids = {i for i in (application.assigned_officer_id, recommender_id) if i}
    names = (
        {
            row.id: row.full_name
            for row in db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
        }
        if ids
        else {}
    )
    return Staff(
        names.get(application.assigned_officer_id) if application.assigned_officer_id else None,
        names.get(recommender_id) if recommender_id else None,
    )


def officer_names(officer_ids: set[int]) -> dict[int, str]:
    """Names of the officers a queue page shows (one statement for the whole page)."""
    if not officer_ids:
        return {}
    return {
        row.id: row.full_name
        for row in db.session.execute(select(User.id, User.full_name).where(User.id.in_(officer_ids)))
    }


@dataclass(frozen=True)
class DecisionSummary:
    """What the approver confirms: who applied for what, the documents' checks, the officer's
    recommendation, and the decision with its reason."""

    application: Application
    applicant: User
    category: Any
    slots: list[DocumentSlot]
    staff: Staff
    decision: str
    reason: str
    all_accepted: bool


def decision_summary(application: Application, decision: str, reason: str) -> DecisionSummary:
    spec = app_services.spec_of(application)
    slots = document_slots(application, spec)
    required = [s for s in slots if s.required]
    all_accepted = all(
        s.files and all(f.document.state is DocumentState.ACCEPTED for f in s.files) for s in required
    )
    return DecisionSummary(
        application=application,
        applicant=application.applicant,
        category=application.category,
        slots=slots,
        staff=staff_on(application),
        decision=decision,
        reason=(reason or "").strip(),
        all_accepted=all_accepted,
    )


def decision_problem(
    application: Application, approver: User, decision: str, reason: str, version: int | None
) -> str | None:
    """Why the decision cannot be confirmed as asked (the sentence to show), or None. The same
    rules services.decide and the workflow apply, checked before the confirmation page so
    that it never sums up a decision that would be refused."""
    if version is not None and version != application.version:
        return str(workflow.STALE_MESSAGE)
    if decision not in ("approve", "reject"):
        return str(_l("Choose approve or reject."))
    target = S.APPROVED if decision == "approve" else S.REJECTED
    if target not in workflow.allowed_transitions(application, approver):
        return str(
            _l(
                "This application is %(status)s; that action is not possible now.",
                status=workflow.STATUS_LABELS[application.status],
            )
        )
    if decision == "reject" and not (reason or "").strip():
        return str(_l("Write the reason for the rejection; the applicant will see it."))
    return None


def review_context(application: Application, user: User) -> dict[str, Any]:
    """Everything the review page shows (the forms are the view's)."""
    spec = app_services.spec_of(application)
    slots = document_slots(application, spec)
    return {
        "application": application,
        "spec": spec,
        "category": application.category,
        "applicant": application.applicant,
        "slots": slots,
        "history": history(application, spec, staff_names=True),
        "flags": services.open_flags(application),
        "notes": services.notes(application),
        "labels": workflow.STATUS_LABELS,
        "allowed": workflow.allowed_transitions(application, user),
        "staff": staff_on(application),
        "S": S,
        "doc_states": DOCUMENT_STATE_LABELS,
    }
