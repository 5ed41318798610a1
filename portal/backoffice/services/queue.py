"""The officer queue: filters from the query string, opaque keyset cursors, one page of rows with
their working days left, and the counts per status."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import contains_eager, joinedload

from portal.applications import counts
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.applications.waiting import WAITING  # what the office is working on (the queue's default)
from portal.auth.models import User
from portal.calendar import clock
from portal.errors import PortalError
from portal.extensions import db
from portal.paging import fetch_page
from portal.params import parse_date, to_id

QUEUE_STATUSES = (*WAITING, S.NEEDS_CORRECTION, S.APPROVED, S.REJECTED, S.WITHDRAWN)
SORTS = ("due", "submitted")
DUE_SOON_DAYS = 2
PAGE_SIZES = (20, 50, 100)


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


def parse_filters(args: Mapping[str, str], user: User) -> QueueFilters:
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


def _search_clause(q: str) -> ColumnElement[bool] | None:
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


def _base_query(f: QueueFilters, user: User, *, join_applicant: bool = True) -> Select[tuple[Application]]:
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
