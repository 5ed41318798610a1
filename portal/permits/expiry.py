"""Expiry reminders: 60, 30 and 7 days before a permit's ``valid_until``, its holder gets an
email and an in-app notice, each once (``flask permits expiry-reminders``, every day:
deploy/systemd/satupintu-expiry.timer, like the retention job).

Each reminder sent is a PermitReminder row (permit, threshold), unique, so a second run on the
same day, or a run on the next day, sends nothing again. A permit found late (the job did not
run for a while, or a permit issued with less than 60 days to go) gets only the most urgent
reminder it is due, never three at once. Not reminded: revoked permits, permits already
renewed or with a renewal going, holders whose account is closed or deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications.models import Application
from portal.auth.models import User
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.permits.models import Permit, PermitReminder
from portal.permits.renewal import open_renewal, superseded_by
from portal.urls import absolute_url

THRESHOLDS = (60, 30, 7)


@dataclass
class ExpiryReport:
    sent: dict[int, int] = field(default_factory=lambda: dict.fromkeys(THRESHOLDS, 0))

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def due_threshold(days_left: int) -> int | None:
    """The most urgent threshold a permit with ``days_left`` days to go is due (None: none)."""
    due = [t for t in THRESHOLDS if 0 <= days_left <= t]
    return min(due) if due else None


def send_expiry_reminders(today: date | None = None) -> ExpiryReport:
    """Queue the reminders due ``today`` (the office's date). Flushes; the caller commits."""
    today = today or clock.office_today()
    report = ExpiryReport()
    horizon = today + timedelta(days=max(THRESHOLDS))
    rows = db.session.execute(
        select(Permit, Application.applicant_id)
        .join(Application, Application.id == Permit.application_id)
        .where(
            Permit.revoked_at.is_(None),
            Permit.valid_until.is_not(None),
            Permit.valid_until >= today,
            Permit.valid_until <= horizon,
        )
        .order_by(Permit.valid_until, Permit.id)
    ).all()
    for permit, applicant_id in rows:
        assert permit.valid_until is not None
        days_left = (permit.valid_until - today).days
        threshold = due_threshold(days_left)
        if threshold is None:
            continue
        sent = set(
            db.session.scalars(
                select(PermitReminder.days_before).where(PermitReminder.permit_id == permit.id)
            )
        )
        if any(t <= threshold for t in sent):
            continue  # this one (or a more urgent one) went out already
        if superseded_by(permit) is not None or open_renewal(permit) is not None:
            continue
        user = db.session.get(User, applicant_id)
        if user is None or not user.is_active:
            continue
        category = db.session.get_one(PermitCategory, permit.category_id)
        queue_email(
            user,
            "permit_expiry",
            _l("Your permit expires in %(days)d days", days=days_left),
            link=absolute_url("applications.detail", application_id=permit.application_id),
            notice=_l(
                "Your permit %(number)s expires on %(date)s. Renew it from its application page.",
                number=permit.number,
                date=permit.valid_until.strftime("%d-%m-%Y"),
            ),
            number=permit.number,
            permit=category.name_id
            if (user.locale or "id") == "id"
            else (category.name_en or category.name_id),
            valid_until=permit.valid_until,
            days=days_left,
            dedupe_key=f"permit-expiry:{permit.id}:{threshold}",
        )
        db.session.add(PermitReminder(permit_id=permit.id, days_before=threshold))
        report.sent[threshold] += 1
    db.session.flush()
    return report
