"""The office's work on applications: the queue (filters, search, keyset pages), claiming and
assigning, document verdicts, flags, internal notes, and the decisions, all through
portal.applications.workflow. Callable without a request."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import contains_eager, joinedload

from portal.applications import counts, workflow
from portal.applications import services as app_services
from portal.applications.models import Application, Document, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User, UserRole
from portal.backoffice.models import InternalNote, ReviewFlag
from portal.calendar import clock
from portal.db import utcnow
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.paging import fetch_page
from portal.params import parse_date, to_id

STAFF_ROLES = (Role.OFFICER, Role.APPROVER, Role.ADMIN)
#: What the office is working on (the queue's default).
WAITING = (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED, S.RECOMMENDED)
QUEUE_STATUSES = (*WAITING, S.NEEDS_CORRECTION, S.APPROVED, S.REJECTED, S.WITHDRAWN)
SORTS = ("due", "submitted")
DUE_SOON_DAYS = 2
PAGE_SIZES = (20, 50, 100)


class BackofficeError(PortalError):
    """Refused by a rule; the message is for the officer, in their language."""


class BadFilter(PortalError, ValueError):
    """A malformed filter or cursor (answered with 400)."""


@dataclass
class QueueFilters:
    statuses: tuple[S, ...] = WAITING
    category_id: int | None = None
    assigned: str = "any"  # me | unassigned | any
    due: str | None = None  # soon | overdue
    q: str = ""
    sort: str = "due"
    cursor: tuple | None = None
    size: int = 20
    submitted_from: date | None = None
    submitted_to: date | None = None


@dataclass
class QueueRow:
    application: Application
    days_left: int | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass
class QueuePage:
    rows: list[QueueRow]
    next_cursor: str | None
    counts: dict[str, int] = field(default_factory=dict)


def parse_filters(args, user: User) -> QueueFilters:
    """Read the queue's query string. Unknown values raise BadFilter (a 400, never a 500)."""
    f = QueueFilters()
    status = args.get("status", "")
    if status == "all":
        f.statuses = QUEUE_STATUSES
    elif status:
        try:
            f.statuses = (S(status),)
        except ValueError:
            raise BadFilter("status") from None
    if args.get("category"):
        try:
            f.category_id = to_id(args["category"])
        except ValueError:
            raise BadFilter("category") from None
    f.assigned = args.get("assigned", "any")
    if f.assigned not in ("me", "unassigned", "any"):
        raise BadFilter("assigned")
    f.due = args.get("due") or None
    if f.due not in (None, "soon", "overdue"):
        raise BadFilter("due")
    f.q = (args.get("q") or "").strip()[:100]
    f.sort = args.get("sort", "due")
    if f.sort not in SORTS:
        raise BadFilter("sort")
    try:
        f.size = int(args.get("size", 20))
    except ValueError:
        raise BadFilter("size") from None
    if f.size not in PAGE_SIZES:
        raise BadFilter("size")
    for name in ("submitted_from", "submitted_to"):
        if args.get(name):
            try:
                setattr(f, name, parse_date(args[name]))
            except ValueError:
                raise BadFilter(name) from None
    if args.get("cursor"):
        f.cursor = decode_cursor(args["cursor"], f.sort)
    return f


def encode_cursor(values: tuple) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, (date, datetime)) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str, sort: str) -> tuple:
    try:
        padded = text + "=" * (-len(text) % 4)
        first, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        last_id = to_id(last_id)  # an int in 1..MAX_ID, or ValueError
        key = parse_date(first) if sort == "due" else datetime.fromisoformat(first)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise BadFilter("cursor") from None
    return key, last_id


_TRACKING = re.compile(r"SP-\d{4}-\d{6}", re.IGNORECASE)


def _search_clause(q: str):
    if not q:
        return None
    if _TRACKING.fullmatch(q):
        return Application.tracking_number == q.upper()
    if q.isdigit() and len(q) == 16:
        return User.nik == q
    if "@" in q:
        return User.email == q.lower()
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return User.full_name.ilike(f"%{escaped}%", escape="\\")


def _base_query(f: QueueFilters, user: User, *, join_applicant: bool = True):
    stmt = select(Application)
    if join_applicant:
        stmt = stmt.join(User, User.id == Application.applicant_id)
    stmt = stmt.where(Application.status.in_(f.statuses))
    if f.category_id:
        stmt = stmt.where(Application.category_id == f.category_id)
    if f.assigned == "me":
        stmt = stmt.where(Application.assigned_officer_id == user.id)
    elif f.assigned == "unassigned":
        stmt = stmt.where(Application.assigned_officer_id.is_(None))
    today = clock.office_today()
    if f.due == "overdue":
        stmt = stmt.where(Application.due_date < today)
    elif f.due == "soon":
        stmt = stmt.where(
            Application.due_date >= today,
            Application.due_date <= clock.add_working_days(today, DUE_SOON_DAYS),
        )
    if f.submitted_from:
        stmt = stmt.where(func.date(Application.submitted_at) >= f.submitted_from)
    if f.submitted_to:
        stmt = stmt.where(func.date(Application.submitted_at) <= f.submitted_to)
    clause = _search_clause(f.q)
    if clause is not None:
        if not join_applicant:
            stmt = stmt.join(User, User.id == Application.applicant_id)
        stmt = stmt.where(clause)
    return stmt


def queue_page(f: QueueFilters, user: User) -> QueuePage:
    """One page of the queue, by keyset (the number of statements does not grow with the page
    size or the table's size): rows with their working days left, the next cursor, and
    counts per status for the current filters other than status."""
    column = Application.due_date if f.sort == "due" else Application.submitted_at
    stmt = _base_query(f, user).where(column.is_not(None))
    if f.cursor:
        key, last_id = f.cursor
        # A row value, so the (column, id) index starts right at the cursor.
        stmt = stmt.where(tuple_(column, Application.id) > tuple_(key, last_id))
    stmt = stmt.options(
        contains_eager(Application.applicant).noload(User.roles), joinedload(Application.category)
    ).order_by(column, Application.id)
    apps, next_cursor = fetch_page(
        stmt,
        f.size,
        unique=True,
        cursor=lambda last: encode_cursor((last.due_date if f.sort == "due" else last.submitted_at, last.id)),
    )
    today = clock.office_today()
    closed = clock.holidays()
    rows = [
        QueueRow(
            a,
            clock.working_days_between(today, a.due_date, closed)
            if a.due_date and a.status in WAITING
            else None,
        )
        for a in apps
    ]
    return QueuePage(rows, next_cursor, status_counts(f, user))


def status_counts(f: QueueFilters, user: User) -> dict[str, int]:
    """Applications per status for the current filters other than status. With no filter or
    only a category, from the running counts (portal.applications.counts: a few rows, kept
    in the transitions' own transactions); otherwise counted."""
    if f.assigned == "any" and not f.due and not f.q.strip() and not f.submitted_from and not f.submitted_to:
        totals = counts.by_status(f.category_id)
        return {status.value: totals[status.value] for status in QUEUE_STATUSES if totals.get(status.value)}
    counting = QueueFilters(**{**f.__dict__, "statuses": QUEUE_STATUSES, "cursor": None})
    # Without a search the applicant is not needed: the count then uses the status index.
    stmt = (
        _base_query(counting, user, join_applicant=False)
        .with_only_columns(Application.status, func.count())
        .group_by(Application.status)
        .order_by(None)
    )
    return {str(status): count for status, count in db.session.execute(stmt)}


# -- loading --------------------------------------------------------------------------------------
def get_application_for_staff_or_404(application_id: int, user: User) -> Application:
    """Any application, for an officer, approver or admin (the view's decorator checks the
    role; this loader checks it again so a service call cannot skip it)."""
    if not user.has_role(*STAFF_ROLES):
        raise AccessDenied()
    application = db.session.scalar(
        select(Application)
        .where(Application.id == application_id)
        .options(joinedload(Application.applicant), joinedload(Application.category))
    )
    if application is None or application.status is S.DRAFT:
        raise NotFoundError()  # drafts are the applicant's own business
    return application


def officers() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.OFFICER, User.is_active_account.is_(True))
            .order_by(User.full_name)
        )
    )


# -- assignment ----------------------------------------------------------------------------------
def claim(application: Application, officer: User) -> None:
    """The officer takes an unassigned application."""
    if not officer.has_role(Role.OFFICER):
        raise BackofficeError(_l("Only officers can claim applications."))
    if application.applicant_id == officer.id:
        raise BackofficeError(_l("You cannot work on your own application."))
    result = db.session.execute(
        update(Application)
        .where(Application.id == application.id, Application.assigned_officer_id.is_(None))
        .values(assigned_officer_id=officer.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise BackofficeError(_l("Someone else has already claimed this application."))
    workflow.record(application, officer, "claim", note=officer.full_name)
    db.session.commit()
    db.session.refresh(application)


def assign(application_ids: list[int], officer_id: int, approver: User) -> int:
    """An approver assigns or reassigns applications (one or many) to an officer."""
    if not approver.has_role(Role.APPROVER, Role.ADMIN):
        raise BackofficeError(_l("Only approvers can assign applications."))
    officer = db.session.get(User, officer_id)
    if officer is None or not officer.has_role(Role.OFFICER) or not officer.is_active:
        raise BackofficeError(_l("Choose an active officer."))
    apps = list(
        db.session.scalars(
            select(Application).where(
                Application.id.in_(application_ids[:500]), Application.status != S.DRAFT
            )
        )
    )
    for application in apps:
        if application.applicant_id == officer.id:
            raise BackofficeError(_l("An officer cannot be assigned their own application."))
    for application in apps:
        application.assigned_officer_id = officer.id
        workflow.record(application, approver, "assign", note=officer.full_name)
    db.session.commit()
    return len(apps)


# -- review: documents, flags, notes ---------------------------------------------------------------
def _require_reviewing(application: Application, user: User) -> None:
    if application.status is not S.IN_REVIEW:
        raise BackofficeError(
            _l(
                "Start the review first: documents and answers can be checked only while the "
                "application is in review."
            )
        )
    if not user.has_role(Role.OFFICER):
        raise BackofficeError(_l("Only officers can check documents and answers."))
    if application.applicant_id == user.id:
        raise BackofficeError(_l("You cannot work on your own application."))


def set_document_verdict(
    application: Application,
    document_id: int,
    officer: User,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> Document:
    """Accept or flag one document (officer, in review). Locked like a transition: ``version``
    is the application's version on the officer's page; a verdict given on a page that is out
    of date (another verdict, a withdrawal, a new file) raises StaleApplication and changes
    nothing. A verdict bumps the version, so the next stale page is told too."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    document = db.session.scalar(
        select(Document).where(Document.id == document_id, Document.application_id == application.id)
    )
    if document is None:
        raise NotFoundError()
    reason = (reason or "").strip()
    if not accept and not reason:
        raise BackofficeError(_l("Write the reason the document must be corrected."))
    _bump_in_review(application, version)
    document.state = DocumentState.ACCEPTED if accept else DocumentState.FLAGGED
    document.reason = None if accept else reason[:2000]
    _close_flags(application, "document", document.requirement_key)
    if not accept:
        db.session.add(
            ReviewFlag(
                application_id=application.id,
                kind="document",
                key=document.requirement_key,
                reason=reason[:2000],
                created_by_id=officer.id,
            )
        )
    workflow.record(
        application,
        officer,
        "accept_document" if accept else "flag_document",
        note=f"{document.requirement_key}: {reason}" if reason else document.requirement_key,
    )
    db.session.commit()
    return document


def _bump_in_review(application: Application, version: int | None) -> None:
    """Take the optimistic lock of a review step: bump the application's version if it is still
    in review at ``version`` (the one on the officer's page; None: the one loaded), else roll
    back and raise StaleApplication (the page is told to reload; nothing changed)."""
    seen = application.version if version is None else version
    bumped = db.session.execute(
        update(Application)
        .where(
            Application.id == application.id, Application.status == S.IN_REVIEW, Application.version == seen
        )
        .values(version=Application.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        db.session.rollback()
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)


def flag_field(
    application: Application, officer: User, key: str, reason: str, version: int | None = None
) -> ReviewFlag:
    """Flag one answer for correction (officer, in review). Locked like a document verdict:
    ``version`` is the application's version on the officer's page; a flag given on a page that
    is out of date raises StaleApplication and writes nothing. A flag bumps the version."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    spec = app_services.spec_of(application)
    if key not in spec.by_key:
        raise BackofficeError(_l("Unknown field."))
    reason = (reason or "").strip()
    if not reason:
        raise BackofficeError(_l("Write the reason the answer must be corrected."))
    _bump_in_review(application, version)
    _close_flags(application, "field", key)
    flag = ReviewFlag(
        application_id=application.id, kind="field", key=key, reason=reason[:2000], created_by_id=officer.id
    )
    db.session.add(flag)
    workflow.record(application, officer, "flag_field", note=f"{key}: {reason}")
    db.session.commit()
    return flag


def unflag(application: Application, officer: User, flag_id: int, version: int | None = None) -> None:
    """Remove an open flag (officer, in review); locked like ``flag_field``."""
    if version is not None and version != application.version:
        raise workflow.StaleApplication(workflow.STALE_MESSAGE)
    _require_reviewing(application, officer)
    flag = db.session.scalar(
        select(ReviewFlag).where(
            ReviewFlag.id == flag_id,
            ReviewFlag.application_id == application.id,
            ReviewFlag.closed_at.is_(None),
        )
    )
    if flag is None:
        raise NotFoundError()
    _bump_in_review(application, version)
    flag.closed_at = utcnow()
    workflow.record(application, officer, "unflag", note=flag.key)
    db.session.commit()


def _close_flags(application: Application, kind: str, key: str) -> None:
    db.session.execute(
        update(ReviewFlag)
        .where(
            ReviewFlag.application_id == application.id,
            ReviewFlag.kind == kind,
            ReviewFlag.key == key,
            ReviewFlag.closed_at.is_(None),
        )
        .values(closed_at=utcnow())
    )


def open_flags(application: Application) -> list[ReviewFlag]:
    return list(
        db.session.scalars(
            select(ReviewFlag)
            .where(ReviewFlag.application_id == application.id, ReviewFlag.closed_at.is_(None))
            .order_by(ReviewFlag.id)
        )
    )


def add_note(application: Application, user: User, text: str) -> InternalNote:
    text = (text or "").strip()
    if not text:
        raise BackofficeError(_l("Write the note first."))
    note = InternalNote(application_id=application.id, author_id=user.id, text=text[:5000])
    db.session.add(note)
    db.session.commit()
    return note


def notes(application: Application) -> list[InternalNote]:
    return list(
        db.session.scalars(
            select(InternalNote)
            .where(InternalNote.application_id == application.id)
            .options(joinedload(InternalNote.author))
            .order_by(InternalNote.id)
        )
    )


# -- decisions ------------------------------------------------------------------------------------
def start_review(application: Application, officer: User, version: int | None) -> None:
    workflow.transition(
        application,
        S.IN_REVIEW,
        officer,
        expected_version=version,
        changes={} if application.assigned_officer_id else {"assigned_officer_id": officer.id},
    )
    db.session.commit()


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
    db.session.commit()


def recommend(
    application: Application, officer: User, decision: str, reason: str, version: int | None
) -> None:
    """Pass the application to the approver with a recommendation. Approval needs every
    required document accepted and no open flags; rejection needs a reason."""
    reason = (reason or "").strip()
    if decision not in ("approve", "reject"):
        raise BackofficeError(_l("Choose approve or reject."))
    if decision == "reject" and not reason:
        raise BackofficeError(_l("Write the reason for recommending rejection."))
    if decision == "approve":
        problems = _approval_blockers(application)
        if problems:
            raise BackofficeError(problems[0])
    workflow.transition(
        application,
        S.RECOMMENDED,
        officer,
        expected_version=version,
        note=reason or None,
        visible_to_applicant=False,
        changes={"recommendation": decision, "recommendation_reason": reason or None},
    )
    db.session.commit()


def _approval_blockers(application: Application) -> list[str]:
    spec = app_services.spec_of(application)
    docs = app_services.documents_of(application)
    problems = []
    for requirement in spec.documents:
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


def decide(application: Application, approver: User, decision: str, reason: str, version: int | None) -> None:
    """The approver approves (the permit is issued) or rejects (with a reason the applicant
    sees)."""
    reason = (reason or "").strip()
    if decision == "approve":
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
    db.session.commit()
