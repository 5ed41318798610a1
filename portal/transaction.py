"""One transaction rule: services flush; the request, the CLI command or the job commits once,
or rolls back.

- A service changes rows and flushes (so ids and constraints are there), and never commits. A
  service that can fail after it has written something runs inside ``atomic()``: its SAVEPOINT is
  rolled back when it raises, so a caller that catches the refusal (a view showing the form
  again) finds nothing of it left behind.
- A request commits once, in ``init_app``'s after-request hook, when its answer is a success or
  a redirect (status below 400) and it wrote something (a request that only read commits
  nothing, as before). Any other answer, and any exception, commits nothing: the
  request's session is discarded when its app context ends, which rolls it back.
- A CLI command commits once at its end; a job run by a worker commits when it ends (jobs.py).
  The email outbox's claim (notifications) commits on its own: the claim must be visible before
  the mail server is called, so an email is never sent twice.
- A file stored by a service whose row then rolls back is deleted again
  (``delete_file_on_rollback``), so no file is left behind for nothing; a file a row no longer
  points to is deleted once that change commits (``delete_file_after_commit``), so no row
  points to a missing file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import TextClause, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from werkzeug.wrappers import Response

from portal.extensions import db

if TYPE_CHECKING:
    from portal.storage.base import StorageBackend

F = TypeVar("F", bound=Callable[..., Any])

_WRITES = "portal_writes"
_PENDING_FILES = "portal_pending_files"
_REPLACED_FILES = "portal_replaced_files"


@contextmanager
def atomic() -> Iterator[None]:
    """Run the block in a SAVEPOINT: released when it ends, rolled back when it raises (the
    exception goes on). Nothing is committed here."""
    with db.session.begin_nested():
        yield


def atomic_service(func: F) -> F:
    """Decorate a service so that a failure halfway leaves nothing behind (see ``atomic``)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with atomic():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    """The request's one commit (registered after the outbox's hook, so it runs before it:
    Flask runs after-request hooks last-registered first, and the outbox hands on only what
    was committed)."""

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400 and has_writes():
            db.session.commit()
        return response


def has_writes() -> bool:
    """Whether the session holds changes not yet committed (pending objects, or a flush or an
    INSERT/UPDATE/DELETE statement since the last commit or rollback). A request that never
    used the database has no session, and none is made to answer."""
    if not db.session.registry.has():
        return False
    session = db.session()
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WRITES))


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WRITES] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    statement = state.statement
    if (
        state.is_insert
        or state.is_update
        or state.is_delete
        or (
            isinstance(statement, TextClause)
            and not str(statement).lstrip().lower().startswith(("select", "with"))
        )
    ):
        state.session.info[_WRITES] = True


@event.listens_for(Session, "after_rollback")
def _no_writes_after_rollback(session: Session) -> None:
    session.info.pop(_WRITES, None)


# -- stored files that must not outlive a rolled-back row ----------------------------------------
def delete_file_on_rollback(storage: StorageBackend, key: str) -> None:
    """Delete ``key`` from ``storage`` if the current transaction (or savepoint) rolls back;
    keep it once the outermost transaction commits."""
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING_FILES, []).append((storage, key, transaction))


def delete_file_after_commit(storage: StorageBackend, key: str) -> None:
    """Delete ``key`` once the outermost transaction commits (the row that pointed to it was
    changed); forget it if the change rolls back."""
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_REPLACED_FILES, []).append((storage, key, transaction))


@event.listens_for(Session, "after_commit")
def _settle_files_on_commit(session: Session) -> None:
    # SQLAlchemy sends after_commit for a released SAVEPOINT too: files wait for the outermost
    # transaction (a later rollback of it still deletes a new file and keeps a replaced one).
    if session.in_nested_transaction():
        return
    session.info.pop(_WRITES, None)
    session.info.pop(_PENDING_FILES, None)
    for storage, key, _transaction in session.info.pop(_REPLACED_FILES, []):
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - a leftover file is harmless; the commit is done
            current_app.logger.exception("could not delete the replaced file %s", key)


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None and transaction is not outer:
        transaction = transaction.parent
    return transaction is not None


@event.listens_for(Session, "after_soft_rollback")
def _delete_files_on_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    replaced = session.info.get(_REPLACED_FILES)
    if replaced:
        session.info[_REPLACED_FILES] = [
            entry for entry in replaced if not _inside(entry[2], previous_transaction)
        ]
    pending = session.info.get(_PENDING_FILES)
    if not pending:
        return
    keep = []
    for storage, key, transaction in pending:
        if not _inside(transaction, previous_transaction):
            keep.append((storage, key, transaction))
            continue
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - a leftover file is harmless; the rollback must go on
            current_app.logger.exception("could not delete the stored file %s", key)
    session.info[_PENDING_FILES] = keep
