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

from sqlalchemy import select

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


@dataclass(frozen=True)
class Digest:
    user: User
    overdue: list[DigestItem]
    due_soon: list[DigestItem]


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


def digest_for(user: User, today: date) -> Digest:
    """What ``user``'s digest lists: an approver, every waiting application due within
    DUE_SOON_DAYS working days or overdue; an officer (only), those assigned to her and the
    unassigned ones (which anyone may claim)."""
    closed = clock.holidays()
    stmt = (
        select(Application.id, Application.tracking_number, Application.category_id, Application.due_date)
        .where(
            Application.status.in_(WAITING),
            Application.due_date.is_not(None),
            Application.due_date <= soon_until(today),
        )
        .order_by(Application.due_date, Application.id)
    )
    if not user.has_role(Role.APPROVER):
        stmt = stmt.where(
            (Application.assigned_officer_id == user.id) | Application.assigned_officer_id.is_(None)
        )
    overdue: list[DigestItem] = []
    soon: list[DigestItem] = []
    for app_id, number, category_id, due in db.session.execute(stmt):
        item = DigestItem(
            app_id, number or "", category_id, due, clock.working_days_between(today, due, closed)
        )
        (overdue if due < today else soon).append(item)
    return Digest(user, overdue, soon)
