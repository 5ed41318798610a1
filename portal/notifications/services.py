"""The email outbox and the in-app notices.

Emails are written in the caller's transaction (``queue_email``) and handed to the job queue
only after that transaction commits (``dispatch_queued``, after each request and at the end of
each job), so a rolled-back change never mails anyone. A job sends one row exactly once: it
claims the row with a conditional UPDATE (PENDING -> SENDING), so a retried or duplicated job
finds it claimed and does nothing. Notices are only ever read or changed through functions
that take the user they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, g, has_app_context, has_request_context, render_template
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import and_, event, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal import jobs
from portal.db import rowcount, utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.jobs import enqueue, job_context
from portal.notifications import attachments
from portal.notifications.mail import send_email
from portal.notifications.models import Notice, OutboxEmail, OutboxState
from portal.paging import fetch_page

#: Notices per page of /notifications.
PAGE_SIZE = 20
#: After this many failed attempts an email is marked FAILED and no longer retried.
DEFAULT_MAX_ATTEMPTS = 5
#: Ids beyond this are not ids (PostgreSQL's integer), so they are refused before any query.
MAX_ID = 2**31 - 1


class Recipient(Protocol):
    """Whom an email or notice is for: an account (auth's User), known here by what the
    outbox reads of it, so notifications import no feature."""

    id: int
    email: str
    full_name: str
    locale: str | None


# -- queueing ---------------------------------------------------------------------------------
def queue_email(
    user: Recipient,
    template: str,
    subject: object,
    *,
    dedupe_key: str | None = None,
    link: str | None = None,
    notice: object = None,
    attachment: str | None = None,
    **context: Any,
) -> OutboxEmail | None:
    """Write an email (and an in-app notice) for ``user`` in their language, in the current
    transaction. It is sent after the transaction commits. ``subject`` and ``notice`` are
    lazy strings, rendered in the recipient's language; ``link`` is absolute (on BASE_URL)
    for the email, and the notice keeps only its path. Returns None when ``dedupe_key`` was
    queued before."""
    if dedupe_key and db.session.scalar(select(OutboxEmail.id).where(OutboxEmail.dedupe_key == dedupe_key)):
        return None
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(
            f"email/{template}.txt", full_name=user.full_name, office=current_app.config, link=link, **context
        )
        subject_text = str(subject)
        notice_text = str(notice) if notice is not None else None
    if notice_text:
        add_notice(user.id, notice_text, link)
    return queue_email_to_address(
        user.email,
        user.full_name,
        subject_text,
        body,
        user_id=user.id,
        dedupe_key=dedupe_key,
        attachment=attachment,
    )


def queue_email_to_address(
    to_email: str,
    to_name: str | None,
    subject: str,
    body: str,
    *,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    attachment: str | None = None,
) -> OutboxEmail:
    """Write an already rendered email to the outbox in the current transaction; it is sent
    after the commit like every other email. For people without an account (complaint filers)
    ``user_id`` is None."""
    row = OutboxEmail(
        user_id=user_id,
        to_email=to_email,
        to_name=to_name,
        subject=subject[:200],
        body=body,
        dedupe_key=dedupe_key,
        attachment=attachment,
    )
    db.session.add(row)
    db.session.flush()
    db.session.info.setdefault("outbox_new", []).append(row.id)
    return row


def add_notice(user_id: int, text: str, link: str | None = None) -> Notice:
    """An in-app notice for one user, in the current transaction. ``link`` may be absolute;
    only its path (and query) is kept, so the bell never sends anyone off the site."""
    notice = Notice(user_id=user_id, text=text[:500], link=site_path(link))
    db.session.add(notice)
    return notice


def site_path(link: str | None) -> str | None:
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return None
    return (path + ("?" + parts.query if parts.query else ""))[:300]


@event.listens_for(Session, "after_commit")
def _remember_committed(session: Session) -> None:
    # No SQL may run inside after_commit; the ids wait on `g` for dispatch_queued().
    ids = session.info.pop("outbox_new", None)
    if ids and has_app_context():
        g.setdefault("outbox_committed", []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("outbox_new", None)


def dispatch_queued() -> int:
    """Hand the emails committed so far in this request or job to the job queue. Called after
    each request (see init_app) and at the end of jobs; CLI commands and tests that commit
    outside a request call it themselves. A queue that cannot be reached is logged, not
    raised: the change is committed already and the email stays PENDING until
    ``flask jobs requeue-stuck`` hands it over again."""
    ids = g.pop("outbox_committed", None) if has_app_context() else None
    if not ids:
        return 0
    handed = 0
    for outbox_id in ids:
        try:
            enqueue(send_outbox_email, outbox_id)
            handed += 1
        except Exception:  # noqa: BLE001 - see the docstring
            current_app.logger.exception("could not queue outbox email %s", outbox_id)
    return handed


# -- sending ----------------------------------------------------------------------------------
def send_outbox_email(outbox_id: int) -> bool:
    """Send one outbox email exactly once (the job the queue runs). The row is claimed with a
    conditional UPDATE, so a retried or duplicated job finds it claimed and returns False.
    When the mail server fails, the row goes back to PENDING with ``last_error`` (or to
    FAILED after OUTBOX_MAX_ATTEMPTS) and the error is raised again so the queue retries."""
    with job_context():
        claimed = rowcount(
            db.session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == outbox_id, OutboxEmail.state == OutboxState.PENDING)
                .values(state=OutboxState.SENDING, attempts=OutboxEmail.attempts + 1, claimed_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        )
        db.session.commit()
        if claimed != 1:
            return False
        row = db.session.get(OutboxEmail, outbox_id)
        if row is None:  # claimed just now, so only a concurrent delete could do this
            return False
        try:
            send_email(
                row.to_email, row.subject, row.body, to_name=row.to_name, attachments=_attachments(row)
            )
        except Exception as exc:
            limit = current_app.config.get("OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
            row.state = OutboxState.FAILED if row.attempts >= limit else OutboxState.PENDING
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            db.session.commit()
            raise
        row.state = OutboxState.SENT
        row.sent_at = utcnow()
        row.last_error = None
        db.session.commit()
        return True


def _attachments(row: OutboxEmail) -> list[tuple[str, str, bytes]]:
    """The email's file, made now; an email is never held back for its attachment (the
    receipt can be downloaded from the application's page too)."""
    try:
        made = attachments.make(row.attachment)
    except Exception:  # noqa: BLE001 - see the docstring
        current_app.logger.exception("could not make attachment %s", row.attachment)
        return []
    return [made] if made else []


def requeue_stuck(older_than: timedelta) -> tuple[int, int]:
    """Repair the outbox after a crash: emails claimed (SENDING) more than ``older_than`` ago
    by a worker that died go back to PENDING, and every PENDING email older than that (put
    back now, failed earlier, or never handed over because the queue was down) is handed to
    the job queue again. Returns (put back, handed over). The claim keeps a still-queued job
    from sending twice; only an email whose worker died between the SMTP reply and its
    commit can go out twice, which is why ``older_than`` should be well beyond a send."""
    cutoff = utcnow() - older_than
    reset = rowcount(
        db.session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.state == OutboxState.SENDING, OutboxEmail.claimed_at < cutoff)
            .values(state=OutboxState.PENDING, last_error="put back: the worker stopped while sending")
            .execution_options(synchronize_session=False)
        )
    )
    ids = list(
        db.session.scalars(
            select(OutboxEmail.id)
            .where(
                OutboxEmail.state == OutboxState.PENDING,
                or_(
                    OutboxEmail.claimed_at < cutoff,
                    and_(OutboxEmail.claimed_at.is_(None), OutboxEmail.created_at < cutoff),
                ),
            )
            .order_by(OutboxEmail.id)
        )
    )
    db.session.commit()
    for outbox_id in ids:
        enqueue(send_outbox_email, outbox_id)
    return reset, len(ids)


# -- in-app notices ---------------------------------------------------------------------------
@dataclass(frozen=True)
class NoticePage:
    items: list[Notice]
    next_cursor: int | None  # pass as ?before= for the next (older) page


def parse_cursor(raw: str | None) -> int | None:
    """The ``before`` cursor of the notices list: None for the first page; ValueError when it
    is not a plausible id."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 0 < int(raw) <= MAX_ID:
        raise ValueError("malformed cursor")
    return int(raw)


def notices_page(user_id: int, before: int | None = None, size: int = PAGE_SIZE) -> NoticePage:
    """One page of ``user_id``'s notices, newest first, by keyset on id (one query)."""
    query = select(Notice).where(Notice.user_id == user_id)
    if before is not None:
        query = query.where(Notice.id < before)
    return NoticePage(*fetch_page(query.order_by(Notice.id.desc()), size))


def get_notice_or_404(notice_id: int, user: Recipient) -> Notice:
    """``user``'s own notice; anyone else's looks missing (404)."""
    if not 0 < notice_id <= MAX_ID:
        raise NotFoundError()
    notice = db.session.scalar(select(Notice).where(Notice.id == notice_id, Notice.user_id == user.id))
    if notice is None:
        raise NotFoundError()
    return notice


def mark_read(user: Recipient, notice: Notice | None = None) -> int:
    """Mark ``notice`` (which must be ``user``'s, see get_notice_or_404) or all of ``user``'s
    unread notices as read. The caller commits. Returns how many changed."""
    query = update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    if notice is not None:
        query = query.where(Notice.id == notice.id)
    changed = rowcount(
        db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    )
    _forget_unread_count()
    return changed


def unread_count(user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Notice)
            .where(Notice.user_id == user_id, Notice.read_at.is_(None))
        )
        or 0
    )


def _unread_for_current_user() -> int:
    """The bell's number for the page being rendered: one COUNT, at most once per request,
    and only when a page actually shows the bell."""
    if not has_request_context():
        return 0
    if not current_user.is_authenticated:
        return 0
    if "unread_notices" not in g:
        g.unread_notices = unread_count(current_user.id)
    count: int = g.unread_notices
    return count


def _forget_unread_count() -> None:
    if has_app_context():
        g.pop("unread_notices", None)


def _dispatch_after_job(_app: object, **_: object) -> None:
    dispatch_queued()


def init_app(app: Flask) -> None:
    """Emails committed by a request or a job are handed to the queue when it ends."""
    jobs.job_finished.connect(_dispatch_after_job)
    jobs.jobs_cli.add_command(requeue_stuck_command)

    @app.after_request
    def _dispatch(response: Response) -> Response:
        dispatch_queued()
        return response

    @app.context_processor
    def _bell() -> dict[str, Any]:
        return {"unread_notices": _unread_for_current_user}


@click.command("requeue-stuck")
@click.option(
    "--minutes",
    default=15,
    show_default=True,
    type=click.IntRange(min=1),
    help="Emails claimed longer ago than this are taken as lost.",
)
@with_appcontext
def requeue_stuck_command(minutes: int) -> None:
    """Put back emails left in SENDING by a worker that stopped, and hand every pending email
    older than MINUTES to the job queue again (each is still sent at most once)."""
    reset, handed = requeue_stuck(timedelta(minutes=minutes))
    click.echo(f"{reset} stuck email(s) put back; {handed} pending email(s) queued again.")
