"""Counters that hand out unique numbers under concurrency (tracking numbers, permit numbers).

``next_value`` increments the row in place with UPDATE ... RETURNING: on PostgreSQL the row
lock serialises concurrent callers until their transactions end; on SQLite the database write
lock does. A rolled-back transaction gives its number back, so numbers have no gaps unless a
commit fails afterwards.
"""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class SequenceCounter(db.Model):
    __tablename__ = "sequence_counters"
    __table_args__ = (UniqueConstraint("name", name="uq_sequence_counters_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    value: Mapped[int] = mapped_column(default=0)


def next_value(name: str) -> int:
    """The next number of counter ``name`` (1, 2, 3 ...), inside the caller's transaction."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(SequenceCounter).values(name=name, value=0).on_conflict_do_nothing(index_elements=["name"])
    )
    return db.session.execute(
        update(SequenceCounter)
        .where(SequenceCounter.name == name)
        .values(value=SequenceCounter.value + 1)
        .returning(SequenceCounter.value)
    ).scalar_one()
