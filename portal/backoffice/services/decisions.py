"""The decisions, all through portal.applications.workflow: start the review, request corrections,
recommend (officer), approve or reject (approver)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import User
from portal.backoffice.models import ReviewFlag
from portal.backoffice.services.access import BackofficeError
from portal.backoffice.services.review import open_flags
from portal.db import utcnow
from portal.extensions import db
from portal.transaction import atomic_service


@atomic_service
def start_review(application: Application, officer: User, version: int | None) -> None:
    workflow.transition(
        application,
        S.IN_REVIEW,
        officer,
        expected_version=version,
        changes={} if application.assigned_officer_id else {"assigned_officer_id": officer.id},
    )


@atomic_service
def request_corrections(application: Application, officer: User, message: str, version: int | None) -> None:
    """Send the open flags to the applicant with a message; the clock pauses."""
    flags = open_flags(application)
    fields = [{"key": f.key, "reason": f.reason} for f in flags if f.kind == "field"]
    documents = [{"key": f.key, "reason": f.reason} for f in flags if f.kind == "document"]
    try:
        app_services.request_correction(
            application, officer, message, fields, documents, expected_version=version
        )
    except app_services.ApplicationError as exc:
        raise BackofficeError(str(exc)) from None
    db.session.execute(
        update(ReviewFlag).where(ReviewFlag.id.in_([f.id for f in flags])).values(closed_at=utcnow())
    )


@atomic_service
def recommend(
    application: Application, officer: User, decision: str, reason: str, version: int | None
) -> None:
    """Pass the application to the approver with a recommendation. Approval needs every
    required document accepted and no open flags; rejection needs a reason."""
    reason = (reason or "").strip()
    problem = _recommendation_rule(application, decision, reason)
    if problem:
        raise BackofficeError(problem)
    workflow.transition(
        application,
        S.RECOMMENDED,
        officer,
        expected_version=version,
        note=reason or None,
        visible_to_applicant=False,
        changes={"recommendation": decision, "recommendation_reason": reason or None},
    )


def _recommendation_rule(application: Application, decision: str, reason: str) -> str | None:
    if decision not in ("approve", "reject"):
        return str(_l("Choose approve or reject."))
    if decision == "reject" and not reason:
        return str(_l("Write the reason for recommending rejection."))
    if decision == "approve":
        problems = _approval_blockers(application)
        if problems:
            return problems[0]
    return None


def recommendation_problem(
    application: Application, officer: User, decision: str, reason: str, version: int | None
) -> str | None:
    """Why the recommendation cannot be confirmed as asked (the sentence to show), or None:
    the rules ``recommend`` and the workflow apply, checked before the confirmation page so
    that it never sums up a recommendation that would be refused."""
    if version is not None and version != application.version:
        return str(workflow.STALE_MESSAGE)
    if S.RECOMMENDED not in workflow.allowed_transitions(application, officer):
        return str(
            _l(
                "This application is %(status)s; that action is not possible now.",
                status=workflow.STATUS_LABELS[application.status],
            )
        )
    return _recommendation_rule(application, decision, (reason or "").strip())


def _approval_blockers(application: Application) -> list[str]:
    spec = app_services.spec_of(application)
    docs = app_services.documents_of(application)
    problems = []
    poa = app_services.power_of_attorney_blocker(application, docs)
    if poa:
        problems.append(poa)
    for requirement in spec.documents:
        if poa and requirement.key == app_services.POA_KEY:
            continue
        files = [d for d in docs if d.requirement_key == requirement.key]
        if requirement.required and (not files or any(d.state is not DocumentState.ACCEPTED for d in files)):
            problems.append(
                str(
                    _l(
                        "Accept every required document before recommending "
                        "approval: %(doc)s is not accepted.",
                        doc=requirement.label,
                    )
                )
            )
        elif any(d.state is DocumentState.FLAGGED for d in files):
            problems.append(str(_l("%(doc)s is flagged.", doc=requirement.label)))
    if open_flags(application):
        problems.append(str(_l("There are open flags: request corrections or remove them.")))
    return problems


@atomic_service
def decide(application: Application, approver: User, decision: str, reason: str, version: int | None) -> None:
    """The approver approves (the permit is issued) or rejects (with a reason the applicant
    sees)."""
    reason = (reason or "").strip()
    if decision == "approve":
        # Checked again here: the recommendation may predate a replaced or re-flagged letter.
        poa = app_services.power_of_attorney_blocker(application, app_services.documents_of(application))
        if poa:
            raise BackofficeError(poa)
        workflow.transition(application, S.APPROVED, approver, expected_version=version, note=reason or None)
    elif decision == "reject":
        if not reason:
            raise BackofficeError(_l("Write the reason for the rejection; the applicant will see it."))
        workflow.transition(
            application,
            S.REJECTED,
            approver,
            expected_version=version,
            note=reason,
            changes={"decision_reason": reason},
        )
    else:
        raise BackofficeError(_l("Choose approve or reject."))
