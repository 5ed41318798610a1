"""A short-lived cache for figures that are costly to compute from the whole applications
table (the public statistics): Redis when REDIS_URL is configured (shared by every worker and
host), in this process otherwise.

Entries live ``ttl`` seconds at most. A status change invalidates them all: the workflow marks
the session (``applications_changed``) and, once that transaction has committed, the cache's
generation moves on, so the next reader computes afresh. With Redis the generation is shared,
so every process sees the change at once; in-process, the process that made the change sees it
at once and the others within ``ttl``. A cache that is down (Redis unreachable) is skipped:
the figures are computed, the page is right, only slower.
"""

from __future__ import annotations

import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

T = TypeVar("T")
log = logging.getLogger(__name__)

_GENERATION_KEY = "satupintu:cache:generation"
_local: dict[str, tuple[float, Any]] = {}
_local_generation = 0
_lock = threading.Lock()
_clients: dict[str, Any] = {}


def _redis():
    url = current_app.config.get("CACHE_REDIS_URL") or current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        _clients[url] = client
    return client


def local(name: str, ttl: float, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds in this process (no round
    trip at all: for small values read on every page, such as the office settings). An
    invalidation in this process drops it at once; other processes see a change within
    ``ttl``."""
    key = f"{name}:{_local_generation}"
    now = time.monotonic()
    hit = _local.get(key)
    if hit and hit[0] > now:
        return hit[1]
    value = compute()
    with _lock:
        if len(_local) > 500:
            _local.clear()
        _local[key] = (now + ttl, value)
    return value


def cached(name: str, ttl: float, compute: Callable[[], T]) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds if nothing changed since."""
    client = _redis()
    if client is None:
        return local(name, ttl, compute)
    try:
        generation = int(client.get(_GENERATION_KEY) or 0)
        key = f"satupintu:cache:{name}:{generation}"
        raw = client.get(key)
        if raw is not None:
            return pickle.loads(raw)  # noqa: S301 - written by this app only, in its own Redis
    except Exception as exc:  # noqa: BLE001 - a cache that is down must not break the page
        log.warning("cache unavailable (%s): computing %s", type(exc).__name__, name)
        return compute()
    value = compute()
    try:
        client.set(key, pickle.dumps(value), ex=max(1, int(ttl)))
    except Exception as exc:  # noqa: BLE001
        log.warning("cache unavailable (%s): %s not stored", type(exc).__name__, name)
    return value


def invalidate() -> None:
    """Forget every entry (a status changed)."""
    global _local_generation
    with _lock:
        _local_generation += 1
        _local.clear()
    try:
        client = _redis()
        if client is not None:
            client.incr(_GENERATION_KEY)
    except Exception as exc:  # noqa: BLE001 - entries then expire by their ttl
        log.warning("cache unavailable (%s): not invalidated", type(exc).__name__)


def mark_changed(session: Session | scoped_session[Any]) -> None:
    """Invalidate once ``session``'s transaction commits (called by workflow.transition and
    when the office settings are saved)."""
    session.info["applications_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop("applications_changed", False):
        invalidate()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("applications_changed", None)
