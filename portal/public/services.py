"""Rules of the public pages: news, FAQ, the public information list, complaints and
information requests, home page data. Callable without a request.

Staff content (news, FAQ, documents) and the case desk are for the roles in CONTENT_ROLES;
the loaders below check them, so a view cannot forget.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import FileStorage

from portal.applications.counts import SUBMITTED_EVER, ApplicationCount
from portal.applications.models import Application
from portal.auth.models import Role, User
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.notifications.services import queue_email_to_address
from portal.paging import fetch_page
from portal.public.markup import render_markdown
from portal.public.models import (
    CaseKind,
    CaseStatus,
    Complaint,
    ComplaintAnswer,
    ComplaintTopic,
    DocumentKind,
    FaqEntry,
    News,
    PublicDocument,
)
from portal.sequences import next_value
from portal.storage import FileKind, check_upload, get_storage
from portal.transaction import atomic, atomic_service, delete_file_on_rollback
from portal.urls import absolute_url

#: Roles that write news and FAQ, publish documents and answer complaints.
CONTENT_ROLES = (Role.ADMIN, Role.HELPDESK)
NEWS_PAGE_SIZE = 10
CASE_PAGE_SIZE = 25
DEFAULT_ANSWER_DAYS = 5
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
CASE_PREFIX = {CaseKind.COMPLAINT: "ADU", CaseKind.INFORMATION: "PPID"}

# C0/C1 controls (except tab and newline), zero-width and direction marks, separators, BOM.
_CONTROL_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)
_TRACKING_RE = re.compile(r"[A-Za-z0-9-]{1,24}")


class PublicError(PortalError, ValueError):
    """A rule refused the change; the message says what to do."""


def clean_text(value: str | None, limit: int) -> str:
    """Text typed by a person, kept as text: control characters removed, newlines normalised,
    cut to ``limit``."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_LINES.sub("", value).strip()[:limit]


def can_manage_content(user: User | None) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", True) and user.has_role(*CONTENT_ROLES)
    )


def _require_staff(user: User | None) -> None:
    if not can_manage_content(user):
        raise AccessDenied()


# -- news -------------------------------------------------------------------------------------
@dataclass
class NewsPage:
    items: list[News]
    next_before: int | None  # the id to pass as ``before`` for the next (older) page


def latest_news(limit: int = 3) -> list[News]:
    return list(
        db.session.scalars(
            select(News)
            .where(News.published_at.is_not(None))
            .order_by(News.published_at.desc(), News.id.desc())
            .limit(limit)
        )
    )


def news_page(before: int | None = None, size: int = NEWS_PAGE_SIZE) -> NewsPage:
    """Published news, newest first, paged by keyset on (published_at, id)."""
    stmt = select(News).where(News.published_at.is_not(None))
    if before is not None:
        last = db.session.get(News, before)
        if last is None or last.published_at is None:
            return NewsPage([], None)
        stmt = stmt.where(
            or_(
                News.published_at < last.published_at,
                (News.published_at == last.published_at) & (News.id < last.id),
            )
        )
    return NewsPage(*fetch_page(stmt.order_by(News.published_at.desc(), News.id.desc()), size))


def get_news_or_404(news_id: int, user: User | None = None) -> News:
    """A published news item; drafts only for staff who write news."""
    item = db.session.get(News, news_id)
    if item is None or (not item.is_published and not can_manage_content(user)):
        raise NotFoundError()
    return item


def all_news_for_staff(user: User) -> list[News]:
    _require_staff(user)
    return list(db.session.scalars(select(News).order_by(News.id.desc()).limit(200)))


def save_news(
    user: User, title: str, body: str, *, item: News | None = None, publish: bool | None = None
) -> News:
    """Create or edit a news item (roles admin/helpdesk). ``publish`` True publishes it now
    (keeping the first publication date), False makes it a draft, None leaves it as is."""
    _require_staff(user)
    title = clean_text(title, 200).replace("\n", " ")
    body = clean_text(body, 50_000)
    if not title or not body:
        raise PublicError(_l("Write a title and the text."))
    if item is None:
        item = News(author_id=user.id)
        db.session.add(item)
    item.title = title
    item.body = body
    item.body_html = render_markdown(body)
    if publish is True and item.published_at is None:
        item.published_at = utcnow()
    elif publish is False:
        item.published_at = None
    db.session.flush()
    return item


# -- FAQ --------------------------------------------------------------------------------------
@dataclass
class FaqTopic:
    topic: str
    entries: list[FaqEntry] = field(default_factory=list)


def faq_by_topic(*, include_hidden: bool = False) -> list[FaqTopic]:
    stmt = select(FaqEntry)
    if not include_hidden:
        stmt = stmt.where(FaqEntry.published.is_(True))
    groups: dict[str, FaqTopic] = {}
    for entry in db.session.scalars(stmt.order_by(FaqEntry.topic, FaqEntry.position, FaqEntry.id)):
        groups.setdefault(entry.topic, FaqTopic(entry.topic)).entries.append(entry)
    return list(groups.values())


def get_faq_for_staff_or_404(entry_id: int, user: User) -> FaqEntry:
    _require_staff(user)
    entry = db.session.get(FaqEntry, entry_id)
    if entry is None:
        raise NotFoundError()
    return entry


def save_faq(
    user: User,
    topic: str,
    question: str,
    answer: str,
    position: int = 0,
    published: bool = True,
    *,
    entry: FaqEntry | None = None,
) -> FaqEntry:
    _require_staff(user)
    topic = clean_text(topic, 80).replace("\n", " ")
    question = clean_text(question, 300).replace("\n", " ")
    answer = clean_text(answer, 20_000)
    if not topic or not question or not answer:
        raise PublicError(_l("Write the topic, the question and the answer."))
    if entry is None:
        entry = FaqEntry()
        db.session.add(entry)
    entry.topic, entry.question, entry.answer = topic, question, answer
    entry.answer_html = render_markdown(answer)
    entry.position = int(position or 0)
    entry.published = bool(published)
    db.session.flush()
    return entry


# -- public information list (DIP) ------------------------------------------------------------
DOCUMENT_KIND_LABELS = {
    DocumentKind.SOP: _l("Standard operating procedures (SOP)"),
    DocumentKind.SERVICE_STANDARD: _l("Service standards"),
    DocumentKind.ANNUAL_REPORT: _l("Annual service reports"),
    DocumentKind.OTHER: _l("Other public information"),
}


def published_documents() -> list[tuple[DocumentKind, list[PublicDocument]]]:
    """Published documents grouped by kind (in the order of DocumentKind), newest first."""
    rows = db.session.scalars(
        select(PublicDocument)
        .where(PublicDocument.published.is_(True))
        .order_by(PublicDocument.year.desc().nulls_last(), PublicDocument.id.desc())
    )
    groups: dict[DocumentKind, list[PublicDocument]] = {kind: [] for kind in DocumentKind}
    for doc in rows:
        groups[DocumentKind(doc.kind)].append(doc)
    return [(kind, docs) for kind, docs in groups.items() if docs]


def all_documents_for_staff(user: User) -> list[PublicDocument]:
    _require_staff(user)
    return list(db.session.scalars(select(PublicDocument).order_by(PublicDocument.id.desc())))


def get_document_or_404(document_id: int, user: User | None = None) -> PublicDocument:
    """A published document; unpublished ones only for staff."""
    doc = db.session.get(PublicDocument, document_id)
    if doc is None or (not doc.published and not can_manage_content(user)):
        raise NotFoundError()
    return doc


def add_document(
    user: User, upload: FileStorage, title: str, kind: str, year: int | None = None, description: str = ""
) -> PublicDocument:
    """Store an uploaded PDF (checked by content) under public/ and list it. Raises
    UploadRejected for a file that is not a clean PDF, PublicError for a missing title."""
    _require_staff(user)
    title = clean_text(title, 200).replace("\n", " ")
    if not title:
        raise PublicError(_l("Write the document's title."))
    checked = check_upload(upload, {FileKind.PDF}, DOCUMENT_MAX_BYTES, key_prefix="public/")
    doc = PublicDocument(
        title=title,
        kind=DocumentKind(kind),
        year=year,
        description=clean_text(description, 2000),
        storage_key=checked.stored.key,
        original_name=checked.original_name,
        size=checked.stored.size,
        uploaded_by_id=user.id,
    )
    with atomic():
        delete_file_on_rollback(get_storage(), checked.stored.key)
        db.session.add(doc)
        db.session.flush()
    return doc


def set_document_published(user: User, doc: PublicDocument, published: bool) -> None:
    _require_staff(user)
    doc.published = published
    db.session.flush()


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


# -- home -------------------------------------------------------------------------------------
def most_requested(limit: int = 6) -> list[tuple[PermitCategory, int]]:
    """Active categories by the number of applications ever submitted (the running counts of
    portal.applications.counts: one small join, whatever the number of applications), then
    by the catalogue's popularity for those with none yet."""
    n = func.coalesce(ApplicationCount.n, 0)
    rows = db.session.execute(
        select(PermitCategory, n)
        .outerjoin(
            ApplicationCount,
            (ApplicationCount.category_id == PermitCategory.id) & (ApplicationCount.key == SUBMITTED_EVER),
        )
        .where(PermitCategory.active.is_(True))
        .order_by(n.desc(), PermitCategory.popularity.desc(), PermitCategory.id)
        .limit(limit)
    )
    return [(category, int(count)) for category, count in rows]


def staff_users(ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(ids))))}
