"""A short-lived cache for figures that are costly to compute from the whole applications
table (the public statistics): Redis when REDIS_URL is configured (shared by every worker and
host), in this process otherwise.

Entries live ``ttl`` seconds at most. A change that shows on pages (a status change, a tutorial
published, the office settings or a permit type saved) invalidates them all: the code marks the
session (``mark_changed``) and, once that transaction has committed, the cache's generation
moves on, so the next reader computes afresh. The generation is shared by every process, so a
change made in one gunicorn worker shows in the others at once, for the Redis entries and for
the per-process ones (``local``) alike:

- always, a small file in the instance folder, replaced on each invalidation: every worker of
  this machine sees the change at once (the embedded default has no Redis);
- with Redis, also a counter in Redis: the workers of other hosts see it within
  ``REDIS_GENERATION_SECONDS`` (each process asks Redis at most that often).

A request reads the shared generation once (kept on ``g``). A cache that is down (Redis
unreachable) is skipped for a few seconds at a time: the figures are computed, the page is
right, only slower, and the generation file still carries invalidations between this machine's
workers.

Two scopes, each with its own generation: ``pages`` (everything: a publish, the settings, a
permit type) and ``figures`` (what is counted from the applications: the statistics). A status
change moves only ``figures``, so the header, the settings and the catalogue stay cached and
the first visit to /statistics after a change computes only the statistics. An entry kept with
``figures=True`` is keyed on both generations.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

T = TypeVar("T")
log = logging.getLogger(__name__)

PAGES, FIGURES = "pages", "figures"
_GENERATION_KEYS = {PAGES: "satupintu:cache:generation", FIGURES: "satupintu:cache:generation:figures"}
#: At most this many values are kept per process; past it the oldest kept are dropped first
#: (those of an older generation, which nothing reads any more).
LOCAL_ENTRIES = 500
_local: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_local_generations = {PAGES: 0, FIGURES: 0}
_lock = threading.Lock()
_clients: dict[str, Any] = {}
#: After Redis failed, it is left alone for this many seconds (each try costs a timeout).
RETRY_SECONDS = 5.0
_down_until: dict[str, float] = {}
GENERATION_FILE = "cache-generation"
#: How long a process keeps Redis's generation before asking again: another host's change
#: shows here within this time (this machine's workers see it at once, by the file).
REDIS_GENERATION_SECONDS = 1.0
_redis_generations: dict[tuple[str | None, str], tuple[float, str]] = {}


def _redis_url() -> str | None:
    return current_app.config.get("CACHE_REDIS_URL") or current_app.config.get("REDIS_URL")


def _redis():
    url = _redis_url()
    if not url or _down_until.get(url, 0.0) > time.monotonic():
        return None
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=0.25, socket_connect_timeout=0.25)
        _clients[url] = client
    return client


def _redis_failed(exc: Exception, what: str) -> None:
    url = _redis_url()
    if url:
        _down_until[url] = time.monotonic() + RETRY_SECONDS
    log.warning("cache unavailable (%s): %s", type(exc).__name__, what)


def _generation_path(scope: str) -> str:
    configured = current_app.config.get("CACHE_GENERATION_FILE")
    path = str(configured or os.path.join(current_app.instance_path, GENERATION_FILE))
    return path if scope == PAGES else f"{path}-{scope}"


def _file_generation(scope: str) -> str:
    try:  # read on every request: the bare system calls, no file object
        fd = os.open(_generation_path(scope), os.O_RDONLY)
        try:
            return os.read(fd, 64).decode("ascii", "replace")
        finally:
            os.close(fd)
    except OSError:  # not made yet (nothing changed since the install), or unreadable
        return ""


def _bump_file_generation(scope: str) -> None:
    path = _generation_path(scope)
    try:
        folder = os.path.dirname(path) or "."
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cache-generation-")
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(os.urandom(8).hex())
        os.replace(tmp, path)  # readers see the old value or the new one, never half of one
    except OSError as exc:
        log.warning("cache generation file not written (%s): other workers see the change late", exc)


def _redis_generation(client: Any, scope: str) -> str:
    """Redis's counter, asked at most every ``REDIS_GENERATION_SECONDS`` per process (a round
    trip on every page was a fifth of the catalogue's time under gunicorn)."""
    memo_key = (_redis_url(), scope)
    now = time.monotonic()
    kept = _redis_generations.get(memo_key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = str(int(client.get(_GENERATION_KEYS[scope]) or 0))
    _redis_generations[memo_key] = (now + REDIS_GENERATION_SECONDS, value)
    return value


def shared_generation(scope: str = PAGES) -> str:
    """The generation of ``scope`` every process agrees on (see the module's docstring), read
    once per request (outside a request, such as in a job, on every call)."""
    memo_name = f"_cache_generation_{scope}"
    memo = g.get(memo_name) if has_request_context() else None
    if memo is not None:
        return memo
    generation = _file_generation(scope)
    client = _redis()
    if client is not None:
        try:
            generation += ":" + _redis_generation(client, scope)
        except Exception as exc:  # noqa: BLE001 - a cache that is down must not break the page
            _redis_failed(exc, "generation not read")
    if has_request_context():
        setattr(g, memo_name, generation)
    return generation


def _generations(figures: bool) -> str:
    """The generations an entry's key carries, worked out once per request (a page reads a
    dozen entries; an invalidation during the request forgets it)."""
    memo_name = "_cache_keys_figures" if figures else "_cache_keys_pages"
    in_request = has_request_context()
    if in_request:
        memo = g.get(memo_name)
        if memo is not None:
            return memo
    scopes = (PAGES, FIGURES) if figures else (PAGES,)
    generations = ":".join(
        f"{_local_generations[scope]}:{shared_generation(scope) if has_app_context() else ''}"
        for scope in scopes
    )
    if in_request:
        setattr(g, memo_name, generations)
    return generations


def local(name: str, ttl: float, compute: Callable[[], T], *, figures: bool = False) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds in this process (no round
    trip for the value: for small values read on every page, such as the office settings).
    An invalidation in any process drops it at once (the shared generation is part of the
    key; with ``figures``, a status change too); ``ttl`` bounds how stale a value can be after
    a change nobody marked (rows written outside the app)."""
    key = f"{name}:{_generations(figures)}"
    now = time.monotonic()
    hit = _local.get(key)
    if hit and hit[0] > now:
        return hit[1]
    value = compute()
    with _lock:
        _local[key] = (now + ttl, value)
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def cached(name: str, ttl: float, compute: Callable[[], T], *, figures: bool = False) -> T:
    """``compute()``, or its value from the last ``ttl`` seconds if nothing changed since
    (with ``figures``: nor any status change)."""
    client = _redis()
    if client is None:
        return local(name, ttl, compute, figures=figures)
    try:
        scopes = (PAGES, FIGURES) if figures else (PAGES,)
        generation = ":".join(str(int(v or 0)) for v in client.mget([_GENERATION_KEYS[s] for s in scopes]))
        key = f"satupintu:cache:{name}:{generation}"
        raw = client.get(key)
        if raw is not None:
            return pickle.loads(raw)  # noqa: S301 - written by this app only, in its own Redis
    except Exception as exc:  # noqa: BLE001 - a cache that is down must not break the page
        _redis_failed(exc, f"computing {name}")
        return compute()
    value = compute()
    try:
        client.set(key, pickle.dumps(value), ex=max(1, int(ttl)))
    except Exception as exc:  # noqa: BLE001
        _redis_failed(exc, f"{name} not stored")
    return value


def invalidate(scope: str = PAGES) -> None:
    """Forget the entries of ``scope``, in every process: ``PAGES`` (the default) every entry
    (something the pages show changed), ``FIGURES`` those kept with ``figures=True`` (an
    application's status changed)."""
    with _lock:
        _local_generations[scope] += 1
        if scope == PAGES:
            _local.clear()
    if not has_app_context():
        return
    g.pop(f"_cache_generation_{scope}", None)
    g.pop("_cache_keys_pages", None)
    g.pop("_cache_keys_figures", None)
    _bump_file_generation(scope)
    try:
        client = _redis()
        if client is not None:
            value = str(int(client.incr(_GENERATION_KEYS[scope])))
            _redis_generations[(_redis_url(), scope)] = (time.monotonic() + REDIS_GENERATION_SECONDS, value)
    except Exception as exc:  # noqa: BLE001 - entries then expire by their ttl
        _redis_failed(exc, "not invalidated")


def mark_changed(session: Session | scoped_session[Any], scope: str = PAGES) -> None:
    """Invalidate ``scope`` once ``session``'s transaction commits (``FIGURES`` from
    workflow.transition; ``PAGES`` when the office settings, a permit type or a tutorial is
    saved)."""
    session.info.setdefault("cache_changed", set()).add(scope)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    scopes = session.info.pop("cache_changed", set())
    if PAGES in scopes:
        invalidate(PAGES)  # every key carries the pages generation: this drops the figures too
    elif FIGURES in scopes:
        invalidate(FIGURES)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("cache_changed", None)
