"""Daily figures behind the public statistics, kept in the transaction that changes an
application, so /statistics reads a few thousand small rows instead of a million applications
(its first visit after a status change took 3 to 4 s at 1,000,000 applications).

- ``stat_submission_days``: applications submitted per category and office day.
- ``stat_decision_days``: decided (approved, rejected) applications per category, office day of
  the decision, office day of the submission, and whether the decision came by the due date
  (1), after it (0) or the application had none (-1). The working days between the two days
  are counted when the page is read, with the holidays as they are then, and "on time"
  without a due date with the category's limit as it is then: the figures are those a count
  over the applications table would give.

Who keeps them: ``workflow.transition`` (its UPDATE is not an ORM change) calls
:func:`record_change` with the application before and after; every ORM insert, change or
delete of an application's category, status or dates (tests, seeds, data fixes) is caught at
flush. ``rebuild()`` (``flask counts rebuild``) counts them again from the applications
table, after rows were written with Core or COPY (bench/fill.py) or the office's time zone
changed.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, ForeignKey, SmallInteger, case, delete, func, insert, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import cache
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.calendar import clock
from portal.extensions import db

DECIDED = (S.APPROVED, S.REJECTED)
BY_DUE, LATE, NO_DUE = 1, 0, -1
#: The columns whose change moves an application in these figures.
WATCHED = ("category_id", "status", "submitted_at", "decided_at", "due_date")


class SubmissionDay(db.Model):
    __tablename__ = "stat_submission_days"

    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


class DecisionDay(db.Model):
    __tablename__ = "stat_decision_days"

    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), primary_key=True)
    decided_on: Mapped[date] = mapped_column(Date, primary_key=True)
    submitted_on: Mapped[date] = mapped_column(Date, primary_key=True)
    due: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


class State(NamedTuple):
    category_id: int | None
    status: S | None
    submitted_at: datetime | None
    decided_at: datetime | None
    due_date: date | None


def state_of(application: Application) -> State:
    return State(*(getattr(application, name) for name in WATCHED))


Key = tuple[Any, ...]


def _add(deltas: Counter[Key], state: State | None, sign: int) -> None:
    if state is None or state.category_id is None or state.submitted_at is None:
        return
    submitted_on = clock.office_today(state.submitted_at)
    deltas[("s", state.category_id, submitted_on)] += sign
    if state.status in DECIDED and state.decided_at is not None:
        decided_on = clock.office_today(state.decided_at)
        due = NO_DUE if state.due_date is None else (BY_DUE if decided_on <= state.due_date else LATE)
        deltas[("d", state.category_id, decided_on, submitted_on, due)] += sign


def record_change(before: State | None, after: State | None) -> None:
    """Move one application from ``before`` to ``after`` (None: not there) in the figures,
    inside the caller's transaction."""
    deltas: Counter[Key] = Counter()
    _add(deltas, before, -1)
    _add(deltas, after, +1)
    _apply(deltas)


def _apply(deltas: Counter[Key]) -> None:
    dialect = db.session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    # In key order, so two transactions lock the rows in the same order (no deadlock).
    for key in sorted(k for k, n in deltas.items() if n):
        n = deltas[key]
        if key[0] == "s":
            stmt = upsert(SubmissionDay).values(category_id=key[1], day=key[2], n=n)
            stmt = stmt.on_conflict_do_update(
                index_elements=["category_id", "day"], set_={"n": SubmissionDay.n + stmt.excluded.n}
            )
        else:
            stmt = upsert(DecisionDay).values(
                category_id=key[1], decided_on=key[2], submitted_on=key[3], due=key[4], n=n
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["category_id", "decided_on", "submitted_on", "due"],
                set_={"n": DecisionDay.n + stmt.excluded.n},
            )
        db.session.execute(stmt)


def _stored(session: Session, application_id: int) -> State | None:
    row = session.execute(
        select(*(getattr(Application, name) for name in WATCHED)).where(Application.id == application_id)
    ).one_or_none()
    return State(*row) if row else None


@sa_event.listens_for(Session, "before_flush")
def _orm_changes(session: Session, _context: Any, _instances: Any) -> None:
    deltas: Counter[Key] = Counter()
    for obj in session.new:
        if isinstance(obj, Application):
            _add(deltas, state_of(obj), +1)
    for obj in session.dirty:
        if isinstance(obj, Application) and obj.id is not None:
            attrs: Any = inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in WATCHED):
                _add(deltas, _stored(session, obj.id), -1)
                _add(deltas, state_of(obj), +1)
    for obj in session.deleted:
        if isinstance(obj, Application) and obj.id is not None:
            _add(deltas, _stored(session, obj.id), -1)
    if any(deltas.values()):
        _apply(deltas)
        cache.mark_changed(session, cache.FIGURES)


# -- reading ------------------------------------------------------------------------------------
def submitted_per_day(start: date, end: date) -> list[tuple[int, date, int]]:
    """(category id, office day, applications submitted) for the days ``start``..``end``."""
    # Core rows (the connection, not the ORM session): a tenth of the objects for thousands
    # of rows, so the first visit after a change does not pay a garbage collection for them.
    return [
        (cid, day, int(n))
        for cid, day, n in db.session.connection().execute(
            select(SubmissionDay.category_id, SubmissionDay.day, SubmissionDay.n).where(
                SubmissionDay.day >= start, SubmissionDay.day <= end, SubmissionDay.n != 0
            )
        )
    ]


def decided_between(start: date, end: date) -> list[tuple[int, date, date, int, int]]:
    """(category id, decided on, submitted on, due flag, count) for decisions ``start``..``end``."""
    return [
        (cid, decided_on, submitted_on, due, int(n))
        for cid, decided_on, submitted_on, due, n in db.session.connection().execute(
            select(
                DecisionDay.category_id,
                DecisionDay.decided_on,
                DecisionDay.submitted_on,
                DecisionDay.due,
                DecisionDay.n,
            ).where(DecisionDay.decided_on >= start, DecisionDay.decided_on <= end, DecisionDay.n != 0)
        )
    ]


# -- rebuilding ---------------------------------------------------------------------------------
def rebuild() -> None:
    """Count the figures again from the applications table, in the caller's transaction."""
    db.session.execute(delete(SubmissionDay))
    db.session.execute(delete(DecisionDay))
    submitted_on = clock.office_day_sql(Application.submitted_at)
    decided_on = clock.office_day_sql(Application.decided_at)
    rows = db.session.execute(
        select(Application.category_id, submitted_on, func.count())
        .where(Application.submitted_at.is_not(None))
        .group_by(Application.category_id, submitted_on)
    ).all()
    if rows:
        db.session.execute(
            insert(SubmissionDay), [{"category_id": c, "day": _as_date(d), "n": n} for c, d, n in rows]
        )
    due = case(
        (Application.due_date.is_(None), NO_DUE), (decided_on <= Application.due_date, BY_DUE), else_=LATE
    )
    rows = db.session.execute(
        select(Application.category_id, decided_on, submitted_on, due, func.count())
        .where(
            Application.status.in_(DECIDED),
            Application.decided_at.is_not(None),
            Application.submitted_at.is_not(None),
        )
        .group_by(Application.category_id, decided_on, submitted_on, due)
    ).all()
    if rows:
        db.session.execute(
            insert(DecisionDay),
            [
                {
                    "category_id": c,
                    "decided_on": _as_date(d),
                    "submitted_on": _as_date(s),
                    "due": int(flag),
                    "n": n,
                }
                for c, d, s, flag, n in rows
            ],
        )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
