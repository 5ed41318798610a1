"""Never stale: a change that a recorded guide shows (a published form version: fields or
documents; a label the guide names that is gone) queues a new recording of the category's
guides as a background job. The old guide stays live until the new one is ready (the swap in
``publish``); meanwhile staff see it as "being updated".

One pending request per category and language: changes that come while it waits only move
its ``requested_at``, and the job waits until no change came for TUTORIAL_RECORD_QUIET_SECONDS,
so two publishes a second apart give one recording, of the latest version.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import jobs
from portal.catalogue.models import PermitCategory
from portal.catalogue.signals import form_version_published
from portal.db import utcnow
from portal.extensions import db
from portal.recorder.record import record_guide
from portal.tutorials.models import RecordingRequest, RecordingState, Tutorial

DEFAULT_QUIET_SECONDS = 10
_DISPATCH_KEY = "tutorial_recordings_to_dispatch"


def has_recorded_guide(category_id: int) -> bool:
    return (
        db.session.scalar(
            select(Tutorial.id)
            .where(Tutorial.category_id == category_id, Tutorial.recording.is_not(None))
            .limit(1)
        )
        is not None
    )


def _pending_request(category_id: int, lang: str) -> RecordingRequest | None:
    return db.session.scalar(
        select(RecordingRequest).where(
            RecordingRequest.category_id == category_id,
            RecordingRequest.lang == lang,
            RecordingRequest.state == RecordingState.PENDING,
        )
    )


def request_recording(
    category_id: int, *, lang: str = "id", viewport: str = "phone", reason: str = ""
) -> RecordingRequest:
    """Queue a recording of the category's guide (or move the waiting one's time). The job is
    handed to the queue after the commit."""
    now = utcnow()
    pending = _pending_request(category_id, lang)
    if pending is not None:
        pending.requested_at = now
        pending.reason = reason[:200]
        db.session.flush()
        return pending
    request = RecordingRequest(
        category_id=category_id,
        lang=lang,
        viewport=viewport,
        reason=reason[:200],
        requested_at=now,
        state=RecordingState.PENDING,
    )
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # another request made the pending row first: that one will run
        pending = _pending_request(category_id, lang)
        if pending is None:
            raise
        pending.requested_at = now
        db.session.flush()
        return pending
    db.session.info.setdefault(_DISPATCH_KEY, []).append(request.id)
    return request


def on_form_published(category, version=None, **_extra) -> None:
    """Signal receiver: a new form version of ``category`` re-records its recorded guides."""
    if category.id is None or not has_recorded_guide(category.id):
        return
    langs = set(
        db.session.scalars(
            select(Tutorial.recording["lang"].as_string()).where(
                Tutorial.category_id == category.id, Tutorial.recording.is_not(None)
            )
        )
    ) or {"id"}
    for lang in sorted(lang or "id" for lang in langs):
        request_recording(category.id, lang=lang, reason="form version published")


def _quiet_seconds() -> float:
    return float(current_app.config.get("TUTORIAL_RECORD_QUIET_SECONDS", DEFAULT_QUIET_SECONDS))


def run_recording(request_id: int) -> str:
    """The job: wait until the category is quiet, claim the request (a second run of the same
    job finds it taken and stops), record and publish. A failure marks the request failed and
    leaves the old guide live."""
    with jobs.job_context():
        request = db.session.get(RecordingRequest, request_id)
        if request is None or request.state is not RecordingState.PENDING:
            return "skipped"
        quiet = _quiet_seconds()
        while quiet > 0:
            db.session.refresh(request)
            wait = (request.requested_at + timedelta(seconds=quiet) - utcnow()).total_seconds()
            if wait <= 0:
                break
            db.session.rollback()  # do not hold a transaction while waiting
            time.sleep(min(wait, quiet))
        claimed = db.session.execute(
            update(RecordingRequest)
            .where(RecordingRequest.id == request_id, RecordingRequest.state == RecordingState.PENDING)
            .values(state=RecordingState.RUNNING, started_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if getattr(claimed, "rowcount", 0) != 1:
            return "skipped"
        request = _get_request(request_id)
        db.session.refresh(request)
        category = db.session.get(PermitCategory, request.category_id)
        assert category is not None
        try:
            result = record_guide(category.slug, lang=request.lang, viewport=request.viewport)
        except Exception as exc:  # noqa: BLE001 - recorded on the request for staff to see
            db.session.rollback()
            request = _get_request(request_id)
            request.state = RecordingState.FAILED
            request.error = str(exc)[:2000]
            request.finished_at = utcnow()
            db.session.commit()
            current_app.logger.warning("recording of %s failed: %s", category.slug, exc)
            return "failed"
        request = _get_request(request_id)
        request.state = RecordingState.DONE
        request.form_version_id = result.form_version_id
        request.finished_at = utcnow()
        db.session.commit()
        return "done"


def _get_request(request_id: int) -> RecordingRequest:
    request = db.session.get(RecordingRequest, request_id)
    assert request is not None  # claimed by this job: nobody else deletes it
    return request


def run_pending() -> list[str]:
    """Run every pending request now, oldest first (``flask tutorials record-pending``)."""
    ids = list(
        db.session.scalars(
            select(RecordingRequest.id)
            .where(RecordingRequest.state == RecordingState.PENDING)
            .order_by(RecordingRequest.requested_at)
        )
    )
    db.session.commit()
    return [run_recording(request_id) for request_id in ids]


def guide_status(tutorial: Tutorial) -> str:
    """For staff: "current"; "being_updated" (recorded from an older form version, or a new
    recording is waiting or running); "" for a guide the recorder did not make."""
    if not tutorial.recording or tutorial.category_id is None:
        return ""
    current = db.session.scalar(
        select(PermitCategory.current_version_id).where(PermitCategory.id == tutorial.category_id)
    )
    busy = db.session.scalar(
        select(RecordingRequest.id)
        .where(
            RecordingRequest.category_id == tutorial.category_id,
            RecordingRequest.state.in_([RecordingState.PENDING, RecordingState.RUNNING]),
        )
        .limit(1)
    )
    return "being_updated" if (current != tutorial.form_version_id or busy) else "current"


def init_app(app) -> None:
    """Re-record on every published form version; hand new requests to the job queue once
    the transaction that made them has committed (a job must see the committed version)."""
    form_version_published.connect(on_form_published)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)


def _after_commit(session) -> None:
    ids = session.info.pop(_DISPATCH_KEY, None)
    if not ids or not current_app.config.get("TUTORIAL_RECORDINGS_DISPATCH", True):
        return  # left pending: ``flask tutorials record-pending`` (or a test) runs them
    for request_id in ids:
        jobs.enqueue(run_recording, request_id, slow=True)
