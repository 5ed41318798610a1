"""What the applicant is told when their application changes status."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from portal.applications.models import Application, AuditEvent
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import User
from portal.extensions import db
from portal.notifications.services import queue_email

SUBJECTS = {
    S.SUBMITTED: _l("Application received: %(number)s"),
    S.IN_REVIEW: _l("Your application %(number)s is being reviewed"),
    S.NEEDS_CORRECTION: _l("Please correct your application %(number)s"),
    S.RESUBMITTED: _l("Corrections received: %(number)s"),
    S.APPROVED: _l("Your permit is ready: %(number)s"),
    S.REJECTED: _l("Decision on your application %(number)s"),
    S.WITHDRAWN: _l("Application withdrawn: %(number)s"),
}


def application_link(application: Application) -> str:
    """An absolute link on the configured public address (never the request's Host)."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        return base + url_for("applications.detail", application_id=application.id)


def status_changed(application: Application, audit: AuditEvent) -> None:
    """Queue the applicant's email and in-app notice for a status change they should know of."""
    to = S(audit.to_status)
    subject = SUBJECTS.get(to)
    if subject is None or not audit.visible_to_applicant:
        return
    if to is S.WITHDRAWN and audit.from_status == S.DRAFT:
        return  # a discarded draft needs no email
    applicant = db.session.get(User, application.applicant_id)
    number = application.tracking_number or "-"
    queue_email(
        applicant,
        f"status_{to.value}",
        _Subject(subject, number),
        dedupe_key=f"status:{application.id}:{audit.id}",
        link=application_link(application),
        notice=_Subject(subject, number),
        application=application,
        note=audit.note,
    )


class _Subject:
    """A lazy subject rendered in the recipient's language with the tracking number."""

    def __init__(self, lazy, number: str):
        self.lazy, self.number = lazy, number

    def __str__(self) -> str:
        return str(self.lazy) % {"number": self.number}
