"""Server-side login sessions: the cookie carries a random token, the database its hash.

Idle timeout (30 minutes) and absolute timeout (12 hours) are checked here on every request;
logging out, changing the password or deactivating the account ends sessions in the database,
so a replayed old cookie is anonymous.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import select, update

from portal.auth.demo import demo_accounts_allowed, is_demo_email
from portal.auth.models import LoginSession, User
from portal.auth.second_factor import needs_second_factor
from portal.db import short_write, utcnow
from portal.extensions import db

# last_seen_at is written at most this often, so a page view seldom costs a write (and on
# SQLite seldom waits for the write lock). The idle timeout is therefore kept to within
# this much: a session idle for SESSION_IDLE_TIMEOUT minus _TOUCH_EVERY may already end.
_TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, second_factor_passed: bool = False) -> str:
    """Create a session row for ``user`` and return the token to keep in the cookie. A staff
    account's session is a logged-in one only once it passed the second factor."""
    token = secrets.token_urlsafe(32)
    agent = (request.user_agent.string or "")[:200] if request else None
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=_hash(token),
            user_agent=agent,
            second_factor_at=utcnow() if second_factor_passed else None,
        )
    )
    user._session_token = token
    return token


def load_session_user(token: str | None) -> User | None:
    """The user of a live session, or None for an unknown, ended or timed-out one."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    now = utcnow()
    cfg = current_app.config
    if now - row.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"] or (
        now - row.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
    ):
        short_write(db.session, lambda: _end(row, now))
        return None
    user = row.user
    if not user.is_active or (is_demo_email(user.email) and not demo_accounts_allowed()):
        return None
    if row.second_factor_at is None and needs_second_factor(user):
        # password only (or a staff role given since): not a logged-in session until the
        # second factor passes, so every staff URL refuses it like a stranger's
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        # a plain UPDATE in its own short write transaction: a GET must not turn its read
        # transaction into a write (SQLite refuses that when another request has written)
        short_write(
            db.session,
            lambda: db.session.execute(
                update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now)
            ),
        )
    user._session_token = token
    return user


def pending_session_user(token: str | None) -> User | None:
    """The staff user whose login session of ``token`` passed the password and waits for the
    second factor (for at most SECOND_FACTOR_PENDING), or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None or row.second_factor_at is not None:
        return None
    if utcnow() - row.created_at > current_app.config["SECOND_FACTOR_PENDING"]:
        return None
    user = row.user
    if not user.is_active or (is_demo_email(user.email) and not demo_accounts_allowed()):
        return None
    user._session_token = token
    return user


def _end(row: LoginSession, now) -> None:
    row.ended_at = now


def end_session(token: str | None) -> None:
    if token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token_hash == _hash(token), LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all_sessions(user: User, keep_token: str | None = None) -> None:
    """End every session of ``user`` (password change, deactivation), except ``keep_token``."""
    stmt = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep_token:
        stmt = stmt.where(LoginSession.token_hash != _hash(keep_token))
    db.session.execute(stmt.values(ended_at=utcnow()))
