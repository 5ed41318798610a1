"""The job queue adapter: jobs run in-process right away by default, on RQ workers when
REDIS_URL is set. Feature code calls ``enqueue`` and never asks which."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    """Run ``func(*args)`` as a background job. ``func`` must be importable by name (RQ
    workers import it) and take plain, serialisable arguments."""
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url and current_app.config.get("JOBS_USE_RQ", True):
        from redis import Redis
        from rq import Queue, Retry

        queue = Queue("portal", connection=Redis.from_url(redis_url))
        queue.enqueue(func, *args, retry=Retry(max=3, interval=[10, 60, 300]))
        return
    try:
        func(*args)
    except Exception:  # noqa: BLE001 - an inline job failing must not fail the request
        current_app.logger.exception("inline job %s failed", getattr(func, "__name__", func))


def job_context():
    """An app context for a job: the current one when running inline, a new app on a worker."""
    from contextlib import nullcontext

    from flask import has_app_context

    if has_app_context():
        return nullcontext()
    from portal import create_app

    return create_app().app_context()
