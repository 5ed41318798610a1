"""Who is told what when an application changes status: the applicant for every change they
should know of, and the assigned officer when a flagged application comes back resubmitted.
Emails and notices are written in the recipient's own language (``user.locale``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.applications.models import Application, AuditEvent
from portal.applications.models import ApplicationStatus as S
from portal.applications.services.mandates import principal_recipients
from portal.auth.models import User
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.urls import absolute_url

SUBJECTS = {
    S.SUBMITTED: _l("Application received: %(number)s"),
    S.IN_REVIEW: _l("Your application %(number)s is being reviewed"),
    S.NEEDS_CORRECTION: _l("Please correct your application %(number)s"),
    S.RESUBMITTED: _l("Corrections received: %(number)s"),
    S.APPROVED: _l("Your permit is ready: %(number)s"),
    S.REJECTED: _l("Decision on your application %(number)s"),
    S.WITHDRAWN: _l("Application withdrawn: %(number)s"),
}
OFFICER_RESUBMITTED = _l("Corrections to check: %(number)s")


def application_link(application: Application) -> str:
    return absolute_url("applications.detail", application_id=application.id)


def status_changed(application: Application, audit: AuditEvent) -> None:
    """Queue the emails and in-app notices for a status change (the receiver of
    ``signals.status_changed``, in the workflow's transaction)."""
    to = S(audit.to_status)
    if to is S.RESUBMITTED:
        _tell_assigned_officer(application, audit)
    subject = SUBJECTS.get(to)
    if subject is None or not audit.visible_to_applicant:
        return
    if to is S.WITHDRAWN and audit.from_status == S.DRAFT:
        return  # a discarded draft needs no email
    applicant = db.session.get(User, application.applicant_id)
    number = application.tracking_number or "-"
    extra = _permit_context(application) if to is S.APPROVED else {}
    if to is S.SUBMITTED:
        extra["attachment"] = f"receipt:{application.id}"  # made by portal.permits.receipt
    # Filed by a representative: the principal is told too (the notices and emails are hers).
    recipients = [(applicant, "")] + [(p, f":principal:{p.id}") for p in principal_recipients(application)]
    for recipient, suffix in recipients:
        queue_email(
            recipient,
            f"status_{to.value}",
            _Subject(subject, number),
            dedupe_key=f"status:{application.id}:{audit.id}{suffix}",
            link=application_link(application),
            notice=_Subject(subject, number),
            application=application,
            note=audit.note,
            **extra,
        )


def _tell_assigned_officer(application: Application, audit: AuditEvent) -> None:
    """The officer who flagged the application learns that the applicant has resubmitted."""
    if application.assigned_officer_id is None:
        return
    officer = db.session.get(User, application.assigned_officer_id)
    if officer is None or not officer.is_active:
        return
    number = application.tracking_number or "-"
    queue_email(
        officer,
        "officer_resubmitted",
        _Subject(OFFICER_RESUBMITTED, number),
        dedupe_key=f"status:{application.id}:{audit.id}:officer",
        link=absolute_url("backoffice.review", application_id=application.id),
        notice=_Subject(OFFICER_RESUBMITTED, number),
        application=application,
    )


def on_status_changed(application: Application, *, audit: AuditEvent, **_: object) -> None:
    status_changed(application, audit)


def _permit_context(application: Application) -> dict:
    """The issued permit's number and download link for the approval email (the permits
    package issues it on ``application_approved``, sent before ``status_changed``)."""
    db.session.expire(application, ["permit"])
    permit = application.permit
    if permit is None:
        return {}
    return {
        "permit_number": permit.number,
        "permit_link": absolute_url("permits.download", application_id=application.id),
    }


class _Subject:
    """A lazy subject rendered in the recipient's language with the tracking number."""

    def __init__(self, lazy, number: str):
        self.lazy, self.number = lazy, number

    def __str__(self) -> str:
        return str(self.lazy) % {"number": self.number}
