"""Complaints and information requests: filing (numbered, with a follow link sent by email), the
filer's follow page, the staff's case desk and answers."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.applications.models import Application
from portal.auth.models import User
from portal.calendar import clock
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.notifications.services import queue_email_to_address
from portal.paging import fetch_page
from portal.public.models import CaseKind, CaseStatus, Complaint, ComplaintAnswer, ComplaintTopic
from portal.public.services.common import PublicError, _require_staff, clean_text
from portal.sequences import next_value
from portal.transaction import atomic_service
from portal.urls import absolute_url

CASE_PAGE_SIZE = 25
DEFAULT_ANSWER_DAYS = 5


CASE_PREFIX = {CaseKind.COMPLAINT: "ADU", CaseKind.INFORMATION: "PPID"}


_TRACKING_RE = re.compile(r"[A-Za-z0-9-]{1,24}")


# -- complaints and information requests ------------------------------------------------------
TOPIC_LABELS = {
    ComplaintTopic.SERVICE: _l("The service or its procedure"),
    ComplaintTopic.TIME: _l("Processing time"),
    ComplaintTopic.FEES: _l("Fees or requests for money"),
    ComplaintTopic.STAFF: _l("Staff behaviour"),
    ComplaintTopic.WEBSITE: _l("This website"),
    ComplaintTopic.OTHER: _l("Something else"),
    ComplaintTopic.INFORMATION: _l("Request for information"),
}
STATUS_LABELS = {
    CaseStatus.RECEIVED: _l("Received"),
    CaseStatus.IN_PROGRESS: _l("Being handled"),
    CaseStatus.ANSWERED: _l("Answered"),
    CaseStatus.CLOSED: _l("Closed"),
}
KIND_LABELS = {
    CaseKind.COMPLAINT: _l("Complaint"),
    CaseKind.INFORMATION: _l("Information request"),
}


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_days() -> int:
    return int(current_app.config.get("COMPLAINT_ANSWER_DAYS", DEFAULT_ANSWER_DAYS))


def follow_url(token: str) -> str:
    """The absolute follow link (on BASE_URL, never the request's Host)."""
    return absolute_url("public.follow_case", token=token)


@dataclass(frozen=True)
class Filed:
    case: Complaint | None  # None when a bot filled the honeypot: nothing was stored
    number: str
    token: str


def decoy_receipt(kind: CaseKind = CaseKind.COMPLAINT) -> Filed:
    """What a bot that filled the honeypot is shown: a receipt that looks real and points
    nowhere. Nothing is stored or sent."""
    year = clock.office_today().year
    return Filed(
        None,
        f"{CASE_PREFIX[kind]}-{year}-{secrets.randbelow(900000) + 100000:06d}",
        secrets.token_urlsafe(24),
    )


@atomic_service
def file_case(
    *,
    name: str,
    email: str,
    text: str,
    topic: str | ComplaintTopic,
    kind: CaseKind = CaseKind.COMPLAINT,
    tracking_number: str | None = None,
    user: User | None = None,
    locale: str = "id",
) -> Filed:
    """Record a complaint or an information request and email the filer its number and follow
    link. A tracking number is linked to its application when one matches; the filer is never
    told whether it did. Returns the case and the one-time follow token (only its hash is
    kept)."""
    kind = CaseKind(kind)
    topic = ComplaintTopic.INFORMATION if kind is CaseKind.INFORMATION else ComplaintTopic(topic)
    name = clean_text(name, 120).replace("\n", " ")
    email = (email or "").strip().lower()[:254]
    text = clean_text(text, 5000)
    if not name or not email or not text:
        raise PublicError(_l("Write your name, your email address and your message."))
    typed = (tracking_number or "").strip().upper()[:24] or None
    application_id = None
    if typed and _TRACKING_RE.fullmatch(typed):
        application_id = db.session.scalar(select(Application.id).where(Application.tracking_number == typed))
    elif typed:
        typed = clean_text(typed, 24) or None
    today = clock.office_today()
    number = f"{CASE_PREFIX[kind]}-{today.year}-{next_value(f'{CASE_PREFIX[kind]}-{today.year}'):06d}"
    token = secrets.token_urlsafe(24)
    case = Complaint(
        number=number,
        kind=kind,
        token_hash=_token_hash(token),
        name=name,
        email=email,
        locale=locale if locale in current_app.config["LANGUAGES"] else "id",
        topic=topic,
        tracking_number=typed,
        application_id=application_id,
        user_id=getattr(user, "id", None),
        text=text,
        due_date=clock.add_working_days(today, answer_days()),
    )
    db.session.add(case)
    db.session.flush()
    _queue_case_email(case, "filed", token)
    return Filed(case, number, token)


def get_case_by_token_or_404(token: str) -> Complaint:
    """The case a follow link opens, with its answers; 404 for an unknown or altered token."""
    if (
        not isinstance(token, str)
        or not (20 <= len(token) <= 64)
        or not re.fullmatch(r"[A-Za-z0-9_-]+", token)
    ):
        raise NotFoundError()
    case = db.session.scalar(
        select(Complaint)
        .where(Complaint.token_hash == _token_hash(token))
        .options(selectinload(Complaint.answers))
    )
    if case is None:
        raise NotFoundError()
    return case


def get_case_for_staff_or_404(case_id: int, user: User) -> Complaint:
    _require_staff(user)
    case = db.session.scalar(
        select(Complaint)
        .where(Complaint.id == case_id)
        .options(selectinload(Complaint.answers).joinedload(ComplaintAnswer.author))
    )
    if case is None:
        raise NotFoundError()
    return case


@dataclass
class CasePage:
    items: list[Complaint]
    next_before: int | None


def cases_page(
    user: User,
    *,
    status: str | None = None,
    kind: str | None = None,
    before: int | None = None,
    size: int = CASE_PAGE_SIZE,
) -> CasePage:
    """The staff desk: newest first, keyset by id, optionally one status or kind."""
    _require_staff(user)
    stmt = select(Complaint)
    if status:
        try:
            stmt = stmt.where(Complaint.status == CaseStatus(status))
        except ValueError:
            return CasePage([], None)
    if kind:
        try:
            stmt = stmt.where(Complaint.kind == CaseKind(kind))
        except ValueError:
            return CasePage([], None)
    if before:
        stmt = stmt.where(Complaint.id < before)
    return CasePage(*fetch_page(stmt.order_by(Complaint.id.desc()), size))


@atomic_service
def answer_case(case: Complaint, user: User, text: str, status: str | CaseStatus) -> ComplaintAnswer | None:
    """Staff answer a case and/or set its status. A written answer is shown to the filer and
    emailed to them; a status change alone is shown on the follow page."""
    _require_staff(user)
    status = CaseStatus(status)
    text = clean_text(text, 10_000)
    if not text and status == case.status:
        raise PublicError(_l("Write an answer or choose a new status."))
    answer = None
    case.status = status
    if text:
        answer = ComplaintAnswer(complaint_id=case.id, author_id=user.id, text=text, status=status)
        db.session.add(answer)
        if case.answered_at is None:
            case.answered_at = utcnow()
        db.session.flush()
        _queue_case_email(case, "answered", None, answer_text=text)
    db.session.flush()
    return answer


def is_overdue(case: Complaint, today: date | None = None) -> bool:
    today = today or clock.office_today()
    return case.answered_at is None and case.status is not CaseStatus.CLOSED and case.due_date < today


def _queue_case_email(case: Complaint, template: str, token: str | None, **context: Any) -> None:
    """An email to the filer through the outbox (sent after the commit, retried like every
    other email). Filers may have no account, so the row has no user."""
    with force_locale(case.locale):
        subject = {
            "filed": _l(
                "We received your %(kind)s %(number)s",
                kind=str(KIND_LABELS[case.kind]).lower(),
                number=case.number,
            ),
            "answered": _l("The office answered %(number)s", number=case.number),
        }[template]
        body = render_template(
            f"public/email/case_{template}.txt",
            case=case,
            kind_label=KIND_LABELS[case.kind],
            status_label=STATUS_LABELS[case.status],
            link=follow_url(token) if token else None,
            office=current_app.config,
            **context,
        )
        subject_text = str(subject)
    queue_email_to_address(case.email, case.name, subject_text, body)
