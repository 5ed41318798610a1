"""What the office downloads as spreadsheets: the queue with its filters, the decisions and the
permits of a date range. Rows are read in keyset batches of plain columns (no ORM objects kept
in the session), so a download of 100,000 rows holds one batch at a time.

Identity numbers are masked as on the permit letters (``6472**********01``): an export leaves
the portal's access checks and log behind, and the office's work with a list never needs the
whole NIK (the review page shows it, and logs who looked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, select, tuple_

from portal.applications import workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User, UserRole
from portal.backoffice.services.queue import WAITING, BadFilter, QueueFilters, _base_query
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.i18n import current_language
from portal.params import parse_date
from portal.permits.models import Permit, PermitState
from portal.permits.services import mask_nik
from portal.tabular import Cell

BATCH = 1000
DECIDED = (S.APPROVED, S.REJECTED)
#: The longest range a decisions or permits export may cover (about three years).
MAX_RANGE_DAYS = 1100


@dataclass(frozen=True)
class DateRange:
    start: date
    end: date


def parse_range(args: Mapping[str, str]) -> DateRange:
    """``from`` and ``to`` (YYYY-MM-DD, both days included); this month so far by default."""
    today = clock.office_today()
    try:
        start = parse_date(args["from"]) if args.get("from") else today.replace(day=1)
        end = parse_date(args["to"]) if args.get("to") else today
    except ValueError:
        raise BadFilter(_("Enter the dates as YYYY-MM-DD.")) from None
    if start > end:
        raise BadFilter(_("The start date is after the end date."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise BadFilter(_("Choose a range of at most three years."))
    return DateRange(start, end)


def _local(value: datetime | None) -> datetime | None:
    """A stored UTC time as the office's wall-clock time (spreadsheets have no time zones)."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return value.astimezone(zone).replace(tzinfo=None)


def _category_names() -> dict[int, str]:
    """Each permit type's name in the page's language (a few rows, read once per export)."""
    english = current_language() == "en"
    rows = db.session.execute(select(PermitCategory.id, PermitCategory.name_id, PermitCategory.name_en))
    return {cid: (name_en if english and name_en else name_id) for cid, name_id, name_en in rows}


def _staff_names() -> dict[int, str]:
    rows = db.session.execute(
        select(User.id, User.full_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role.in_((Role.OFFICER, Role.APPROVER, Role.ADMIN)))
    )
    return dict(rows.tuples().all())


def _batches(
    stmt: Select[Any], key: Any, make_key: Callable[[Any], tuple[Any, Any]]
) -> Iterator[Sequence[Any]]:
    """Rows of ``stmt`` ordered by (key, Application/Permit id), BATCH at a time by keyset."""
    last: tuple[Any, Any] | None = None
    id_column = stmt.selected_columns[0]
    while True:
        page = stmt
        if last is not None:
            page = page.where(tuple_(key, id_column) > tuple_(last[0], last[1]))
        rows = db.session.execute(page.order_by(key, id_column).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        if len(rows) < BATCH:
            return
        last = make_key(rows[-1])


# -- the queue ------------------------------------------------------------------------------------
def queue_header() -> list[str]:
    return [
        _("Tracking number"),
        _("Applicant"),
        _("NIK (masked)"),
        _("Permit type"),
        _("Status"),
        _("Submitted on"),
        _("Due date"),
        _("Working days left"),
        _("Officer"),
    ]


def queue_rows(f: QueueFilters, user: User) -> Iterator[list[Cell]]:
    """Every application the queue shows with filters ``f`` (all its pages), in its order."""
    column: ColumnElement[Any] = Application.due_date if f.sort == "due" else Application.submitted_at  # type: ignore[assignment]
    stmt = (
        _base_query(QueueFilters(**{**f.__dict__, "cursor": None}), user)
        .where(column.is_not(None))
        .with_only_columns(
            Application.id,
            Application.tracking_number,
            User.full_name,
            User.nik,
            Application.category_id,
            Application.status,
            Application.submitted_at,
            Application.due_date,
            Application.assigned_officer_id,
            column,
        )
    )
    categories = _category_names()
    staff = _staff_names()
    labels = {status: str(label) for status, label in workflow.STATUS_LABELS.items()}
    today = clock.office_today()
    closed = clock.holidays()
    for rows in _batches(stmt, column, lambda row: (row[-1], row[0])):
        for row in rows:
            _id, number, name, nik, category_id, status, submitted, due, officer_id, _key = row
            days_left = (
                clock.working_days_between(today, due, closed)
                if due is not None and status in WAITING
                else None
            )
            yield [
                number,
                name,
                mask_nik(nik),
                categories.get(category_id, ""),
                labels[status],
                _local(submitted),
                due,
                days_left,
                staff.get(officer_id, "") if officer_id else "",
            ]


# -- decisions ------------------------------------------------------------------------------------
def decisions_header() -> list[str]:
    return [
        _("Tracking number"),
        _("Permit type"),
        _("Applicant"),
        _("NIK (masked)"),
        _("Decision"),
        _("Submitted on"),
        _("Decided on"),
        _("Due date"),
        _("Within the service standard"),
        _("Permit number"),
        _("Reason"),
    ]


def _day_bounds(span: DateRange) -> tuple[datetime, datetime]:
    """The UTC instants between which the office's days ``span.start``..``span.end`` fall."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    start = datetime.combine(span.start, datetime.min.time(), zone)
    end = datetime.combine(span.end + timedelta(days=1), datetime.min.time(), zone)
    return start, end


def decision_rows(span: DateRange) -> Iterator[list[Cell]]:
    """Approvals and rejections decided within ``span`` (office days), oldest first."""
    start, end = _day_bounds(span)
    stmt = (
        select(
            Application.id,
            Application.tracking_number,
            Application.category_id,
            User.full_name,
            User.nik,
            Application.status,
            Application.submitted_at,
            Application.decided_at,
            Application.due_date,
            Permit.number,
            Application.decision_reason,
        )
        .join(User, User.id == Application.applicant_id)
        .outerjoin(Permit, Permit.application_id == Application.id)
        .where(Application.status.in_(DECIDED))
        .where(Application.decided_at >= start, Application.decided_at < end)
    )
    categories = _category_names()
    labels = {status: str(label) for status, label in workflow.STATUS_LABELS.items()}
    yes, no = _("Yes"), _("No")
    for rows in _batches(stmt, Application.decided_at, lambda row: (row[7], row[0])):
        for row in rows:
            _id, number, category_id, name, nik, status, submitted, decided, due, permit, reason = row
            decided_day = clock.office_today(decided) if decided else None
            within = "" if due is None or decided_day is None else (yes if decided_day <= due else no)
            yield [
                number,
                categories.get(category_id, ""),
                name,
                mask_nik(nik),
                labels[status],
                _local(submitted),
                _local(decided),
                due,
                within,
                permit or "",
                reason or "",
            ]


# -- permits --------------------------------------------------------------------------------------
def permits_header() -> list[str]:
    return [
        _("Permit number"),
        _("Permit type"),
        _("Holder"),
        _("NIK (masked)"),
        _("Tracking number"),
        _("Issued on"),
        _("Valid until"),
        _("State"),
        _("Revoked on"),
    ]


def state_labels() -> dict[PermitState, str]:
    return {
        PermitState.VALID: _("Valid"),
        PermitState.EXPIRED: _("Expired"),
        PermitState.REVOKED: _("Revoked"),
    }


def permit_rows(span: DateRange) -> Iterator[list[Cell]]:
    """Permits issued within ``span`` (office days), oldest first, with their state today."""
    start, end = _day_bounds(span)
    stmt = (
        select(
            Permit.id,
            Permit.number,
            Permit.category_id,
            Permit.holder_name,
            User.nik,
            Application.tracking_number,
            Permit.issued_at,
            Permit.valid_until,
            Permit.revoked_at,
        )
        .join(Application, Application.id == Permit.application_id)
        .join(User, User.id == Application.applicant_id)
        .where(Permit.issued_at >= start, Permit.issued_at < end)
    )
    categories = _category_names()
    labels = state_labels()
    today = clock.office_today()
    for rows in _batches(stmt, Permit.issued_at, lambda row: (row[6], row[0])):
        for row in rows:
            _id, number, category_id, holder, nik, tracking, issued, valid_until, revoked = row
            if revoked is not None:
                state = PermitState.REVOKED
            elif valid_until is not None and today > valid_until:
                state = PermitState.EXPIRED
            else:
                state = PermitState.VALID
            yield [
                number,
                categories.get(category_id, ""),
                holder,
                mask_nik(nik),
                tracking or "",
                _local(issued),
                valid_until,
                labels[state],
                _local(revoked),
            ]
