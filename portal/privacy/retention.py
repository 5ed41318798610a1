"""Retention rules, run every night (``flask privacy retention``; deploy/systemd timer):

- a draft untouched for RETENTION_DRAFT_DAYS is deleted, but only once its reminder email
  went out at least RETENTION_DRAFT_REMINDER_DAYS before (a draft touched after its reminder
  needs a new one);
- the documents of a rejected or withdrawn application are deleted
  RETENTION_CLOSED_DOCUMENT_DAYS after it closed (the application and its decision stay).

Emails go through the outbox, in the job's transaction; the command commits once at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.applications.models import Application, ApplicationStatus, AuditEvent, Document
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.services import queue_email
from portal.privacy.erasure import delete_drafts
from portal.privacy.models import DraftReminder
from portal.storage import get_storage
from portal.transaction import delete_file_after_commit
from portal.urls import absolute_url

S = ApplicationStatus


@dataclass
class RetentionReport:
    reminders_sent: int = 0
    drafts_deleted: int = 0
    documents_deleted: int = 0


def run_retention(now: datetime | None = None) -> RetentionReport:
    """Apply the retention rules as of ``now``. Flushes; the caller (the CLI) commits."""
    now = now or utcnow()
    cfg = current_app.config
    keep = timedelta(days=cfg["RETENTION_DRAFT_DAYS"])
    warn = timedelta(days=cfg["RETENTION_DRAFT_REMINDER_DAYS"])
    report = RetentionReport()
    report.reminders_sent = _send_reminders(now, keep, warn)
    report.drafts_deleted = _delete_abandoned_drafts(now, keep, warn)
    report.documents_deleted = _delete_closed_documents(
        now, timedelta(days=cfg["RETENTION_CLOSED_DOCUMENT_DAYS"])
    )
    return report


def _send_reminders(now: datetime, keep: timedelta, warn: timedelta) -> int:
    """Drafts untouched for ``keep - warn`` without a reminder for their last change."""
    rows = db.session.execute(
        select(Application, DraftReminder)
        .outerjoin(DraftReminder, DraftReminder.application_id == Application.id)
        .where(Application.status == S.DRAFT, Application.updated_at <= now - (keep - warn))
        .order_by(Application.id)
    ).all()
    sent = 0
    for application, reminder in rows:
        if reminder is not None and reminder.draft_updated_at >= application.updated_at:
            continue  # already reminded about this draft as it is
        user = db.session.get(User, application.applicant_id)
        if user is None or not user.is_active:
            continue
        category = db.session.get(PermitCategory, application.category_id)
        delete_on = application.updated_at + keep
        queue_email(
            user,
            "draft_retention",
            _l("Your draft will be deleted"),
            link=absolute_url("applications.dashboard"),
            notice=_l("A draft you have not touched for a long time will be deleted. Open it to keep it."),
            permit=category.name_id if category else "",
            delete_on=delete_on,
            dedupe_key=f"draft-retention:{application.id}:{int(application.updated_at.timestamp())}",
        )
        if reminder is None:
            db.session.add(
                DraftReminder(
                    application_id=application.id, sent_at=now, draft_updated_at=application.updated_at
                )
            )
        else:
            reminder.sent_at, reminder.draft_updated_at = now, application.updated_at
        sent += 1
    db.session.flush()
    return sent


def _delete_abandoned_drafts(now: datetime, keep: timedelta, warn: timedelta) -> int:
    """Drafts untouched for ``keep`` whose reminder (for this very state) is ``warn`` old."""
    drafts = list(
        db.session.scalars(
            select(Application)
            .join(DraftReminder, DraftReminder.application_id == Application.id)
            .where(
                Application.status == S.DRAFT,
                Application.updated_at <= now - keep,
                DraftReminder.draft_updated_at >= Application.updated_at,
                DraftReminder.sent_at <= now - warn,
            )
        )
    )
    return delete_drafts(drafts)


def _delete_closed_documents(now: datetime, after: timedelta) -> int:
    """Files of applications rejected or withdrawn more than ``after`` ago."""
    closed_at = (
        select(AuditEvent.application_id, func.max(AuditEvent.created_at).label("closed_at"))
        .where(AuditEvent.to_status.in_([S.REJECTED.value, S.WITHDRAWN.value]))
        .group_by(AuditEvent.application_id)
        .subquery()
    )
    documents = list(
        db.session.scalars(
            select(Document)
            .join(Application, Application.id == Document.application_id)
            .join(closed_at, closed_at.c.application_id == Application.id)
            .where(Application.status.in_([S.REJECTED, S.WITHDRAWN]), closed_at.c.closed_at <= now - after)
        )
    )
    storage = get_storage()
    for document in documents:
        for key in (document.storage_key, document.thumbnail_key):
            if key:
                delete_file_after_commit(storage, key)
        db.session.delete(document)
    db.session.flush()
    return len(documents)
