"""The job queue adapter: jobs run in-process right away by default, on RQ workers when
REDIS_URL is set. Feature code calls ``enqueue`` and never asks which.

Retries are the same either way: a job that raises is run again after each of
``JOBS_RETRY_INTERVALS`` (10 s, 1 min, 5 min), then given up. With RQ its scheduler does it;
in-process, a timer thread of the web process runs the job again in its own app context
(``JOBS_INLINE_RETRY``, on by default; the tests switch it on where they want it). A timer is
lost when the process stops: the features keep their work in the database (a webhook delivery
stays PENDING) and have a command that hands it on again.

``flask --app portal jobs worker`` (``make worker``) starts an RQ worker on the queue
"portal". The app is created once, by the command; each job runs inside its app context (a
forked work horse shares it, with a fresh database pool). When a job ends, ``job_finished``
is sent inside its app context (the notifications package hands on the emails the job
committed). The adapter imports no feature; the notifications package adds ``flask jobs
requeue-stuck``, which repairs the email outbox after a worker crashed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from blinker import Namespace
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup, ScriptInfo
from redis import Redis
from rq import Queue, Retry, SimpleWorker, Worker

from portal.extensions import db

QUEUE_NAME = "portal"
DEFAULT_RETRY_INTERVALS = (10, 60, 300)  # seconds before the 1st, 2nd and 3rd retry
SLOW_JOB_TIMEOUT = 1800  # seconds: a slow job (a guide's recording) may take minutes

#: Sent (sender: the app) at the end of every job run outside a request, in its app context.
job_finished = Namespace().signal("job-finished")


def use_rq(app: Flask | None = None) -> bool:
    """True when jobs go to RQ: REDIS_URL is set and JOBS_USE_RQ is not switched off (it
    defaults to true whenever REDIS_URL is set)."""
    cfg = (app or current_app).config
    if not cfg.get("REDIS_URL"):
        return False
    flag = cfg.get("JOBS_USE_RQ")
    return True if flag is None else bool(flag)


def get_queue(app: Flask | None = None):
    """The RQ queue "portal" on REDIS_URL (one Redis connection pool per app and URL)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    url = app.config["REDIS_URL"]
    cache = app.extensions.setdefault("portal_jobs", {})
    if cache.get("url") != url:
        cache.update(url=url, queue=Queue(QUEUE_NAME, connection=Redis.from_url(url)))
    return cache["queue"]


def enqueue(func: Callable[..., Any], *args: Any, slow: bool = False) -> None:
    """Run ``func(*args)`` as a background job. ``func`` must be importable by name (RQ
    workers import it) and take plain, serialisable arguments; it must be safe to run twice
    (the queue retries failed jobs). Inline, a failing job is logged and never fails the
    caller; with RQ, a Redis that cannot be reached raises.

    ``slow``: a job of minutes (recording a video guide). With RQ it gets a long timeout;
    inline it runs in a thread of its own with its own app context, so the request that
    queued it is not held (JOBS_INLINE_SLOW_IN_THREAD=False runs it right away instead)."""
    if use_rq():
        intervals = list(current_app.config.get("JOBS_RETRY_INTERVALS", DEFAULT_RETRY_INTERVALS))
        options: dict[str, Any] = {"job_timeout": SLOW_JOB_TIMEOUT} if slow else {}
        get_queue().enqueue(func, *args, retry=Retry(max=len(intervals), interval=intervals), **options)
        return
    if slow and current_app.config.get("JOBS_INLINE_SLOW_IN_THREAD", True):
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        def _run() -> None:
            with app.app_context():
                try:
                    func(*args)
                except Exception:  # noqa: BLE001 - logged, like any inline job
                    app.logger.exception("background job %s failed", getattr(func, "__name__", func))

        threading.Thread(target=_run, name=f"job-{getattr(func, '__name__', 'job')}", daemon=True).start()
        return
    try:
        func(*args)
    except Exception:  # noqa: BLE001 - an inline job failing must not fail the request
        current_app.logger.exception("inline job %s failed", getattr(func, "__name__", func))
        if current_app.config.get("JOBS_INLINE_RETRY", True):
            _retry_later(current_app._get_current_object(), func, args, 0)  # type: ignore[attr-defined]


def _retry_later(app: Flask, func: Callable[..., Any], args: tuple[Any, ...], done: int) -> bool:
    """Run ``func(*args)`` again after the next of JOBS_RETRY_INTERVALS (``done`` retries
    were made), in a daemon timer thread with its own app context, like a bare worker's job:
    its work is committed when it ends and ``job_finished`` is sent. False when no retry is
    left."""
    intervals = list(app.config.get("JOBS_RETRY_INTERVALS", DEFAULT_RETRY_INTERVALS))
    if done >= len(intervals):
        app.logger.warning("job %s given up after %d retries", getattr(func, "__name__", func), done)
        return False

    def _run() -> None:
        with app.app_context():
            try:
                func(*args)
                db.session.commit()
            except Exception:  # noqa: BLE001 - logged, then retried or given up
                db.session.rollback()
                app.logger.exception("retried job %s failed", getattr(func, "__name__", func))
                _retry_later(app, func, args, done + 1)
            finally:
                _finished()
                db.session.remove()

    timer = threading.Timer(float(intervals[done]), _run)
    timer.name = f"job-retry-{getattr(func, '__name__', 'job')}"
    timer.daemon = True
    timer.start()
    return True


_worker_app: Flask | None = None


@contextmanager
def job_context() -> Iterator[None]:
    """The app context a job runs in: the current one when there is one (inline, or on a
    worker started by ``flask jobs worker``); otherwise (a bare ``rq worker``) an app created
    once per process, where the job's work is committed when it ends (portal/transaction.py)
    and the emails it committed are handed to the queue."""
    if has_app_context():
        yield
        return
    global _worker_app
    if _worker_app is None:
        # Found the way `flask --app portal` finds it (FLASK_APP names another app).
        _worker_app = ScriptInfo(app_import_path=os.environ.get("FLASK_APP", "portal")).load_app()
    with _worker_app.app_context():
        yield
        db.session.commit()
        _finished()


def _finished() -> None:
    job_finished.send(current_app._get_current_object())  # type: ignore[attr-defined]


# -- workers ----------------------------------------------------------------------------------
def _worker_classes():
    class AppContextMixin:
        """Runs every job inside ``app``'s context, then hands on the emails it committed."""

        def __init__(self, *args, app: Flask | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.app = app

        def perform_job(self, job, queue):
            if self.app is None:
                return super().perform_job(job, queue)
            with self.app.app_context():
                try:
                    done = super().perform_job(job, queue)
                    # The job's one commit; a failed job's work is rolled back.
                    if done:
                        db.session.commit()
                    else:
                        db.session.rollback()
                    return done
                finally:
                    _finished()

    class AppWorker(AppContextMixin, Worker):
        """RQ's forking worker: each job runs in a work horse forked from this process."""

        def main_work_horse(self, job, queue):
            if self.app is not None:
                # Connections opened by the parent must not be shared with the child.
                with self.app.app_context():
                    db.engine.dispose(close=False)
            return super().main_work_horse(job, queue)

    class AppSimpleWorker(AppContextMixin, SimpleWorker):
        """Runs jobs in the worker's own process (tests, platforms without fork)."""

    return AppWorker, AppSimpleWorker


def make_worker(app: Flask, *, simple: bool = False):
    """An RQ worker on the queue "portal" that runs jobs in ``app``'s context."""
    app_worker, app_simple_worker = _worker_classes()
    queue = get_queue(app)
    cls = app_simple_worker if simple else app_worker
    return cls([queue], connection=queue.connection, app=app)


# -- command line -----------------------------------------------------------------------------
jobs_cli = AppGroup("jobs", help="Background jobs: the RQ worker and outbox repairs.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of forking.")
def worker_command(burst: bool, simple: bool) -> None:
    """Start an RQ worker on the queue "portal" (needs REDIS_URL). It also runs RQ's
    scheduler, which puts failed jobs back on the queue when their retry is due."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not use_rq(app):
        raise click.ClickException(
            "REDIS_URL is not set (or JOBS_USE_RQ is off): jobs run inside the web process "
            "and no worker is needed."
        )
    worker = make_worker(app, simple=simple)
    click.echo(f"Worker {worker.name} on queue {QUEUE_NAME!r}")
    worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
