"""The daily deadline digest: every working morning, each officer and approver gets one email
(and an in-app notice) listing the applications due within 2 working days and the overdue ones
(``flask office deadline-digest``, deploy/systemd/satupintu-deadlines.timer, like the retention
job). Nothing is sent to someone with nothing due, nor on a weekend or holiday; a second run on
the same day sends nothing again (the outbox's key is the person and the day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications import waiting
from portal.backoffice.services.workload import Digest, digest_for, digest_recipients, soon_until
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.urls import absolute_url


@dataclass
class DigestReport:
    sent: int = 0
    skipped_day: bool = False


def send_deadline_digests(today: date | None = None) -> DigestReport:
    """Queue today's digests. Flushes; the caller (the command) commits."""
    today = today or clock.office_today()
    report = DigestReport()
    if not clock.is_working_day(today, clock.holidays()):
        report.skipped_day = True
        return report
    names = dict(db.session.execute(select(PermitCategory.id, PermitCategory.name_id)).tuples().all())
    counts = waiting.by_officer(today, soon_until(today))
    for user in digest_recipients():
        digest = digest_for(user, today, counts)
        if not digest.overdue_total and not digest.due_soon_total:
            continue
        if _queue(digest, today, names):
            report.sent += 1
    db.session.flush()
    return report


def _links(digest: Digest, due: str) -> list[tuple[object, str]]:
    """The queue filtered to what this digest counts: everything for an approver; for an
    officer, hers and the unassigned ones (the queue has no "mine or nobody's" filter)."""
    if digest.sees_all:
        return [(_l("In the queue"), absolute_url("backoffice.queue", due=due))]
    return [
        (_l("Assigned to you"), absolute_url("backoffice.queue", due=due, assigned="me")),
        (_l("Not assigned"), absolute_url("backoffice.queue", due=due, assigned="unassigned")),
    ]


def _queue(digest: Digest, today: date, names: dict[int, str]) -> bool:
    overdue, soon = digest.overdue_total, digest.due_soon_total
    row = queue_email(
        digest.user,
        "deadline_digest",
        _l("Deadlines: %(overdue)d overdue, %(soon)d due soon", overdue=overdue, soon=soon),
        link=absolute_url("backoffice.queue", due="overdue" if overdue else "soon"),
        notice=_l(
            "Deadlines today: %(overdue)d applications overdue, %(soon)d due within 2 working days.",
            overdue=overdue,
            soon=soon,
        ),
        overdue=digest.overdue,
        due_soon=digest.due_soon,
        more_overdue=overdue - len(digest.overdue),
        more_soon=soon - len(digest.due_soon),
        names=names,
        links_overdue=_links(digest, "overdue"),
        links_soon=_links(digest, "soon"),
        dedupe_key=f"deadline-digest:{digest.user.id}:{today.isoformat()}",
    )
    return row is not None
