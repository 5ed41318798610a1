"""The declarative base and the column helpers every model shares."""

from __future__ import annotations

import enum
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, DateTime, Enum, MetaData, Result, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, registry, scoped_session

T = TypeVar("T")

# Named constraints so migrations can drop and alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def rowcount(result: Result[Any]) -> int:
    """The number of rows an UPDATE or DELETE matched. ``Session.execute`` is typed as
    returning a plain Result; for those statements it is a CursorResult, which counts them."""
    return cast(CursorResult[Any], result).rowcount


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware: the one clock every timestamp uses."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use portal.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """created_at / updated_at in UTC for every table that wants them."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """An enum column stored by value as a plain string (no native type): the same on SQLite
    and PostgreSQL, and adding a member needs no ALTER TYPE."""
    return Enum(cls, name=name, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


#: Indexes that only migrations create (PostgreSQL-specific, not expressible portably in the
#: models): autogenerate and the migration test leave them alone.
MIGRATION_ONLY_INDEXES = frozenset({"ix_users_full_name_trgm", "ix_search_terms_term_trgm"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object hook: skip the migration-only indexes."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


#: True while the current unit of work may write (a POST, a CLI command, a short write
#: below). On SQLite such transactions start with BEGIN IMMEDIATE: they wait for the write
#: lock up front (busy_timeout) instead of failing with "database is locked" when a read
#: transaction tries to become a write transaction while another connection writes.
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


def short_write(session: Session | scoped_session, work: Callable[[], T]) -> T:
    """Run ``work`` (a small write: a stage reached, a session seen) and commit it, from a
    request that otherwise only reads (a GET).

    On SQLite in WAL mode a read transaction cannot be upgraded to a write once another
    connection has committed since it began: the write fails at once with "database is
    locked", and busy_timeout does not help. So the read transaction is ended first (a GET
    has nothing pending) and the write runs in its own transaction that begins with the
    write lock (BEGIN IMMEDIATE). On PostgreSQL this is just ``work()`` and a commit.
    Raises whatever ``work`` raises, after rolling the write back.
    """
    if isinstance(session, scoped_session):
        session = session()
    if sqlite_write_intent.get() or session.get_bind().dialect.name != "sqlite":
        result = work()
        session.commit()
        return result
    if session.in_transaction():
        session.commit()  # ends the read transaction; nothing is pending in a GET
    token = sqlite_write_intent.set(True)
    try:
        result = work()
        session.commit()
        return result
    except BaseException:
        session.rollback()
        raise
    finally:
        sqlite_write_intent.reset(token)


def release_write_lock(session: Session | scoped_session) -> None:
    """Before slow work that needs no database (a password hash check): on SQLite, end the
    current transaction when it has written nothing, so a POST's write lock (BEGIN IMMEDIATE)
    is not held while the CPU works and other requests' writes need not wait for it. Loaded
    objects are reloaded on their next use. Call it only where the request has written nothing
    yet (the log-in's first step). Elsewhere, and with changes pending, nothing."""
    if isinstance(session, scoped_session):
        session = session()
    if session.get_bind().dialect.name != "sqlite" or not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted:
        return
    session.commit()
