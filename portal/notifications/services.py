"""Queue emails and notices inside the caller's transaction; send them after commit."""

from __future__ import annotations

from flask import current_app, g, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from portal.db import utcnow
from portal.extensions import db
from portal.notifications.mail import send_email
from portal.notifications.models import Notice, OutboxEmail, OutboxState


def queue_email(user, template: str, subject, *, dedupe_key: str | None = None,
                link: str | None = None, notice=None, **context) -> OutboxEmail | None:
    """Write an email (and an in-app notice) for ``user`` in their language, in the current
    transaction. It is sent after the transaction commits. ``subject`` and ``notice`` are
    lazy strings, rendered in the recipient's language."""
    if dedupe_key and db.session.scalar(
        select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key)
    ):
        return None
    with force_locale(user.locale or "id"):
        body = render_template(f"email/{template}.txt", full_name=user.full_name,
                               office=current_app.config, link=link, **context)
        subject_text = str(subject)
        notice_text = str(notice) if notice is not None else None
    row = OutboxEmail(user_id=user.id, to_email=user.email, to_name=user.full_name,
                      subject=subject_text[:200], body=body, dedupe_key=dedupe_key)
    db.session.add(row)
    if notice_text:
        db.session.add(Notice(user_id=user.id, text=notice_text[:500], link=link))
    db.session.flush()
    db.session.info.setdefault("outbox_new", []).append(row.id)
    return row


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    # No SQL may run inside after_commit; the ids wait on `g` for dispatch_queued().
    ids = session.info.pop("outbox_new", None)
    if ids and has_app_context():
        g.setdefault("outbox_committed", []).extend(ids)


def dispatch_queued() -> int:
    """Hand the emails committed so far in this request or job to the job queue. Called after
    each request (see init_app) and at the end of CLI commands and jobs."""
    ids = g.pop("outbox_committed", None) if has_app_context() else None
    if not ids:
        return 0
    from portal.jobs import enqueue

    for outbox_id in ids:
        enqueue(send_outbox_email, outbox_id)
    return len(ids)


def init_app(app) -> None:
    @app.after_request
    def _dispatch(response):
        dispatch_queued()
        return response


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("outbox_new", None)


def send_outbox_email(outbox_id: int) -> bool:
    """Send one outbox email exactly once: the row is claimed with a conditional UPDATE, so a
    retried or duplicated job finds it already claimed and does nothing."""
    from portal.jobs import job_context

    with job_context():
        claimed = db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == outbox_id, OutboxEmail.state == OutboxState.PENDING)
            .values(state=OutboxState.SENDING, attempts=OutboxEmail.attempts + 1)
        ).rowcount
        db.session.commit()
        if claimed != 1:
            return False
        row = db.session.get(OutboxEmail, outbox_id)
        try:
            send_email(row.to_email, row.subject, row.body, to_name=row.to_name)
        except Exception as exc:
            row.state = OutboxState.PENDING
            row.last_error = str(exc)[:1000]
            db.session.commit()
            raise
        row.state = OutboxState.SENT
        row.sent_at = utcnow()
        db.session.commit()
        return True


def unread_count(user_id: int) -> int:
    from sqlalchemy import func

    return db.session.scalar(
        select(func.count()).select_from(Notice)
        .where(Notice.user_id == user_id, Notice.read_at.is_(None))
    ) or 0
