"""What waits for the office, by assigned officer and due date, kept in the transaction that
changes an application, so the per-officer workload on the officer queue (open, due soon,
overdue) sums a few hundred small rows instead of grouping every waiting application on each
view (530 ms at 1,000,000 applications on PostgreSQL).

One row per (officer, due date): how many applications waiting for the office (``WAITING``)
that officer holds with that due date. Officer ``NOBODY`` (0) is "not assigned"; an application
without a due date is kept on ``NO_DUE_DATE``, a day no "due soon" or "overdue" range reaches,
so it counts as open only, as a count over the applications does. Rows that reach 0 stay.

Who keeps it: ``workflow.transition`` (status and due date, and the officer a decision may set)
and ``assignment.claim`` change the row with Core UPDATEs and call :func:`record_change` with
the application before and after; every ORM insert, change or delete of an application's
status, due date or officer (assigning, seeds, tests, data fixes) is caught at flush. The
"before" is read from the row under its lock (``locked_state``), never from a page loaded
earlier: a claim or an assignment does not move the application's version. ``rebuild()``
(``flask counts rebuild``) counts it again after rows were written with Core or COPY
(bench/fill.py). A deactivated officer's applications are counted as unassigned when read.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Date, case, delete, func, insert, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.extensions import db

#: What the office is working on: the queue's default and the workload's "open".
WAITING = (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED, S.RECOMMENDED)
NOBODY = 0
NO_DUE_DATE = date(9999, 12, 31)
#: The columns whose change moves an application in these counts.
WATCHED = ("status", "assigned_officer_id", "due_date")


class WaitingCount(db.Model):
    __tablename__ = "waiting_counts"

    officer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


class State(NamedTuple):
    status: S | None
    assigned_officer_id: int | None
    due_date: date | None


Key = tuple[int, date]


def state_of(application: Application) -> State:
    return State(application.status, application.assigned_officer_id, application.due_date)


def locked_state(application_id: int) -> State | None:
    """The application's status, officer and due date as stored, its row locked until the
    transaction ends (PostgreSQL; SQLite has one writer at a time)."""
    row = db.session.execute(
        select(*(getattr(Application, name) for name in WATCHED))
        .where(Application.id == application_id)
        .with_for_update()
    ).one_or_none()
    return State(*row) if row else None


def _key(state: State | None) -> Key | None:
    if state is None or state.status not in WAITING:
        return None
    return (state.assigned_officer_id or NOBODY, state.due_date or NO_DUE_DATE)


def _add(deltas: Counter[Key], before: State | None, after: State | None) -> None:
    old, new = _key(before), _key(after)
    if old != new:
        if old is not None:
            deltas[old] -= 1
        if new is not None:
            deltas[new] += 1


def record_change(before: State | None, after: State | None) -> None:
    """Move one application from ``before`` to ``after`` (None: not there) in the counts,
    inside the caller's transaction."""
    deltas: Counter[Key] = Counter()
    _add(deltas, before, after)
    _apply(deltas)


def _apply(deltas: Counter[Key]) -> None:
    keys = sorted(k for k, n in deltas.items() if n)
    if not keys:
        return
    upsert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # In key order, so two transactions lock the rows in the same order (no deadlock).
    for officer_id, due_on in keys:
        stmt = upsert(WaitingCount).values(
            officer_id=officer_id, due_on=due_on, n=deltas[(officer_id, due_on)]
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["officer_id", "due_on"], set_={"n": WaitingCount.n + stmt.excluded.n}
            )
        )


@sa_event.listens_for(Session, "before_flush")
def _orm_changes(session: Session, _context: Any, _instances: Any) -> None:
    deltas: Counter[Key] = Counter()
    for obj in session.new:
        if isinstance(obj, Application):
            _add(deltas, None, state_of(obj))
    changed: dict[int, State | None] = {}
    for obj in session.dirty:
        if isinstance(obj, Application) and obj.id is not None:
            attrs: Any = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in WATCHED):
                changed[obj.id] = state_of(obj)
    deleted = {obj.id for obj in session.deleted if isinstance(obj, Application) and obj.id is not None}
    ids = sorted(changed.keys() | deleted)
    if ids:
        # as stored, locked in id order until the transaction ends: what this flush replaces
        stored = {
            row[0]: State(*row[1:])
            for row in session.execute(
                select(Application.id, *(getattr(Application, name) for name in WATCHED))
                .where(Application.id.in_(ids))
                .order_by(Application.id)
                .with_for_update()
            )
        }
        for app_id in ids:
            _add(deltas, stored.get(app_id), None if app_id in deleted else changed[app_id])
    if any(deltas.values()):
        _apply(deltas)


# -- reading ------------------------------------------------------------------------------------
def by_officer(today: date, soon_until: date) -> dict[int | None, tuple[int, int, int]]:
    """Per officer (None: nobody), the waiting applications she holds: (open, due from
    ``today`` to ``soon_until``, due before ``today``)."""
    due, n = WaitingCount.due_on, WaitingCount.n
    rows = db.session.execute(
        select(
            WaitingCount.officer_id,
            func.sum(n),
            func.sum(case((due.between(today, soon_until), n), else_=0)),
            func.sum(case((due < today, n), else_=0)),
        )
        .where(n != 0)
        .group_by(WaitingCount.officer_id)
    )
    return {
        (officer_id or None): (int(total), int(soon or 0), int(late or 0))
        for officer_id, total, soon, late in rows
        if total
    }


# -- rebuilding ---------------------------------------------------------------------------------
def rebuild() -> None:
    """Count the waiting applications again, in the caller's transaction."""
    db.session.execute(delete(WaitingCount))
    counted: Counter[Key] = Counter()
    for officer_id, due_date, n in db.session.execute(
        select(Application.assigned_officer_id, Application.due_date, func.count())
        .where(Application.status.in_(WAITING))
        .group_by(Application.assigned_officer_id, Application.due_date)
    ):
        counted[(officer_id or NOBODY, due_date or NO_DUE_DATE)] += n
    if counted:
        db.session.execute(
            insert(WaitingCount),
            [{"officer_id": o, "due_on": d, "n": n} for (o, d), n in sorted(counted.items())],
        )
