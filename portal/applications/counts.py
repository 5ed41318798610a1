"""Running counts of applications per category and status, kept in the same transaction as
the status change (``workflow.transition`` calls ``record_transition``), so the officer
queue's status counts and the home page's "most requested" read a few small rows instead of
counting a table of a million applications on every page view.

Keys: every status but draft (drafts are the applicant's own and never counted), and
``submitted``: how many applications of the category were ever submitted. The migration that
made the table filled it from the applications; ``rebuild()`` (``flask counts rebuild``) does
it again after rows were written outside the workflow (a bulk import, bench/fill.py).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.extensions import db

SUBMITTED_EVER = "submitted_ever"


class ApplicationCount(db.Model):
    __tablename__ = "application_counts"

    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    n: Mapped[int] = mapped_column(default=0, server_default="0")


def record_transition(category_id: int, frm: S, to: S) -> None:
    """Move one application of ``category_id`` from ``frm`` to ``to`` in the counts, inside the
    caller's transaction (the one that changes the status)."""
    deltas: dict[str, int] = {}
    if frm is not S.DRAFT:
        deltas[frm.value] = -1
    deltas[to.value] = deltas.get(to.value, 0) + 1
    if frm is S.DRAFT and to is S.SUBMITTED:
        deltas[SUBMITTED_EVER] = 1
    dialect = db.session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Always in key order: two transitions of one category lock the rows in the same order,
    # so they wait for each other instead of deadlocking.
    for key in sorted(deltas):
        stmt = upsert(ApplicationCount).values(category_id=category_id, key=key, n=deltas[key])
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["category_id", "key"], set_={"n": ApplicationCount.n + stmt.excluded.n}
            )
        )


def by_status(category_id: int | None = None) -> dict[str, int]:
    """Applications per status (not drafts), of one category or of all."""
    stmt = (
        select(ApplicationCount.key, func.sum(ApplicationCount.n))
        .where(ApplicationCount.key != SUBMITTED_EVER)
        .group_by(ApplicationCount.key)
    )
    if category_id is not None:
        stmt = stmt.where(ApplicationCount.category_id == category_id)
    return {key: int(n) for key, n in db.session.execute(stmt) if n}


def submitted_by_category() -> dict[int, int]:
    """How many applications of each category were ever submitted."""
    return {
        cid: n
        for cid, n in db.session.execute(
            select(ApplicationCount.category_id, ApplicationCount.n).where(
                ApplicationCount.key == SUBMITTED_EVER
            )
        )
    }


def rebuild() -> None:
    """Count everything again from the applications table, in the caller's transaction."""
    db.session.execute(delete(ApplicationCount))
    per_status = (
        select(Application.category_id, Application.status, func.count())
        .where(Application.status != S.DRAFT)
        .group_by(Application.category_id, Application.status)
    )
    rows = [
        {"category_id": cid, "key": S(status).value, "n": n}
        for cid, status, n in db.session.execute(per_status)
    ]
    rows += [
        {"category_id": cid, "key": SUBMITTED_EVER, "n": n}
        for cid, n in db.session.execute(
            select(Application.category_id, func.count())
            .where(Application.submitted_at.is_not(None))
            .group_by(Application.category_id)
        )
    ]
    if rows:
        db.session.execute(insert(ApplicationCount), rows)
