"""Deadlines and workload: what each officer holds (open, due within DUE_SOON_DAYS working
days, overdue), and the applications a person's daily digest lists.

"Due soon" is the queue's own filter: due today or within the next DUE_SOON_DAYS working days
(the portal.calendar clock, weekends and the office's holidays skipped); "overdue" is due
before today. Only applications waiting for the office count (the applicant's turn, during
corrections, pauses the clock and is not the office's backlog).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, select, true

from portal.applications import waiting
from portal.applications.models import Application
from portal.auth.models import Role, User, UserRole
from portal.backoffice.services.queue import DUE_SOON_DAYS, WAITING
from portal.calendar import clock
from portal.extensions import db


@dataclass(frozen=True)
class Load:
    officer_id: int | None  # None: not assigned to anyone
    name: str
    open: int
    due_soon: int
    overdue: int


def soon_until(today: date) -> date:
    return clock.add_working_days(today, DUE_SOON_DAYS)


def workload(today: date | None = None) -> list[Load]:
    """One row per active officer (those holding nothing too), then the unassigned ones; from
    the running counts of waiting applications by officer and due date (portal.applications.
    waiting), not a grouping of the applications."""
    today = today or clock.office_today()
    counts = waiting.by_officer(today, soon_until(today))
    officers = db.session.execute(
        select(User.id, User.full_name)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.OFFICER, User.is_active_account.is_(True))
        .order_by(User.full_name, User.id)
    ).all()
    rows = [Load(oid, name, *counts.pop(oid, (0, 0, 0))) for oid, name in officers]
    unassigned = counts.pop(None, (0, 0, 0))
    # applications held by someone who is no longer an active officer count as unassigned
    for total, soon, late in counts.values():
        unassigned = (unassigned[0] + total, unassigned[1] + soon, unassigned[2] + late)
    rows.append(Load(None, "", *unassigned))
    return rows


@dataclass(frozen=True)
class DigestItem:
    application_id: int
    tracking_number: str
    category_id: int
    due_date: date
    days_left: int  # working days; negative when overdue


#: Applications of each kind (overdue, due soon) one digest lists, the most urgent first; the
#: rest are counted and found in the queue (at 1,000,000 applications one digest listed 280,923).
DIGEST_LINES = 20


@dataclass(frozen=True)
class Digest:
    user: User
    overdue: list[DigestItem]  # the most overdue first, at most DIGEST_LINES
    due_soon: list[DigestItem]  # due soonest first, at most DIGEST_LINES
    overdue_total: int
    due_soon_total: int
    sees_all: bool  # an approver: every waiting application; an officer: hers and unassigned


def digest_recipients() -> list[User]:
    """Active officers and approvers (each once, whatever other roles they hold)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active_account.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role.in_((Role.OFFICER, Role.APPROVER)))),
            )
            .order_by(User.id)
        )
    )


_ITEM_COLUMNS = (Application.id, Application.tracking_number, Application.category_id, Application.due_date)


def digest_for(
    user: User, today: date, counts: dict[int | None, tuple[int, int, int]] | None = None
) -> Digest:
    """What ``user``'s digest lists: an approver, every waiting application due within
    DUE_SOON_DAYS working days or overdue; an officer (only), those assigned to her and the
    unassigned ones (which anyone may claim). At most DIGEST_LINES of each kind, with the true
    totals from the running counts (``counts``: ``waiting.by_officer``, read once for all the
    digests of a run)."""
    until = soon_until(today)
    if counts is None:
        counts = waiting.by_officer(today, until)
    sees_all = user.has_role(Role.APPROVER)
    held = (
        list(counts.values()) if sees_all else [counts.get(user.id, (0, 0, 0)), counts.get(None, (0, 0, 0))]
    )
    overdue_total = sum(late for _, _, late in held)
    soon_total = sum(soon for _, soon, _ in held)
    closed = clock.holidays()
    # An officer's: one LIMITed query per holder (hers, nobody's), merged and cut again. On
    # PostgreSQL each walks ix_applications_due_id in due-date order and stops at the limit
    # (or, for a holder of few, reads them by ix_applications_assigned_officer_id): no new index.
    holders: list[ColumnElement[bool]] = (
        [true()]
        if sees_all
        else [Application.assigned_officer_id == user.id, Application.assigned_officer_id.is_(None)]
    )

    def first(kind: ColumnElement[bool], total: int) -> list[DigestItem]:
        if not total:
            return []
        rows: list[tuple[int, str | None, int, date]] = []
        for holder in holders:
            result = db.session.execute(
                select(*_ITEM_COLUMNS)
                .where(Application.status.in_(WAITING), holder, kind)
                .order_by(Application.due_date, Application.id)
                .limit(DIGEST_LINES)
            ).tuples()
            rows += [(app_id, number, category, due) for app_id, number, category, due in result if due]
        rows.sort(key=lambda r: (r[3], r[0]))
        return [
            DigestItem(app_id, number or "", category_id, due, clock.working_days_between(today, due, closed))
            for app_id, number, category_id, due in rows[:DIGEST_LINES]
        ]

    return Digest(
        user,
        first(Application.due_date < today, overdue_total),
        first(Application.due_date.between(today, until), soon_total),
        overdue_total,
        soon_total,
        sees_all,
    )
