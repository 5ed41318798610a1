"""Webhook retries without Redis (issue 19): jobs run in-process, and a failed try is run
again by the job layer's timer after JOBS_RETRY_INTERVALS (10 s, 1 min, 5 min by default; a
fraction of a second here), bounded by WEBHOOK_MAX_ATTEMPTS, against a real receiver on
127.0.0.1 and a scratch database with real commits (SQLite, or PostgreSQL with
TEST_DATABASE_URL), without any worker or `flask api webhooks-requeue`."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from portal.api import webhooks
from portal.api.models import DeliveryState, WebhookAttempt, WebhookDelivery
from portal.auth.models import Role
from portal.extensions import db
from portal.jobs import use_rq
from tests.conftest import make_user
from tests.webhook_receiver import Receiver
from tests.wizard_helpers import make_category, make_submitted


@pytest.fixture
def inline_app(real_commits, tmp_path):
    from portal import create_app
    from tests.dbutil import scratch_database_url

    with scratch_database_url("webhooks_inline", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            JOBS_INLINE_RETRY=True,
            JOBS_RETRY_INTERVALS=[0.3, 0.3, 0.3],
            WEBHOOK_TIMEOUT_SECONDS=1,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            _wait_for_timers()
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def _retry_timers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("job-retry-")]


def _wait_for_timers(seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while _retry_timers() and time.monotonic() < deadline:
        time.sleep(0.05)


def _delivery(app) -> tuple[WebhookDelivery, list[int | None]]:
    with app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        codes = list(db.session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.number)))
        db.session.expunge(delivery)
        return delivery, codes


def _submit(app, receiver) -> None:
    with app.app_context():
        assert not use_rq()
        webhooks.register("Dinas PUPR", receiver.url, [], None)
        db.session.commit()
        make_submitted(make_user(Role.APPLICANT), make_category())
        assert webhooks.dispatch_queued() == 1  # posted once, inline


def test_a_receiver_that_refused_the_first_try_gets_it_on_the_retry_exactly_once(inline_app, receiver):
    receiver.plan = ["500"]
    _submit(inline_app, receiver)
    assert len(receiver.received) == 1
    delivery, codes = _delivery(inline_app)
    assert delivery.state is DeliveryState.PENDING and codes == [500]
    _wait_for_timers()
    delivery, codes = _delivery(inline_app)
    assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 2
    assert codes == [500, 204]
    time.sleep(1)  # longer than every interval: nothing else comes
    assert len(receiver.received) == 2
    ids = {r.headers[webhooks.DELIVERY_HEADER.lower()] for r in receiver.received}
    assert ids == {str(delivery.id)}
    with inline_app.app_context():
        assert webhooks.deliver(delivery.id) is False  # acknowledged: never posted again
    assert len(receiver.received) == 2


def test_inline_retries_are_bounded(inline_app, receiver):
    inline_app.config["WEBHOOK_MAX_ATTEMPTS"] = 4
    receiver.plan = ["500"] * 10
    _submit(inline_app, receiver)
    _wait_for_timers()
    time.sleep(1)
    delivery, codes = _delivery(inline_app)
    assert delivery.state is DeliveryState.FAILED and delivery.attempts == 4
    assert codes == [500] * 4
    assert len(receiver.received) == 4


def test_the_first_retry_waits_ten_seconds_by_default(inline_app, receiver):
    del inline_app.config["JOBS_RETRY_INTERVALS"]  # the default: 10 s, 1 min, 5 min
    receiver.plan = ["500"]
    _submit(inline_app, receiver)
    (timer,) = _retry_timers()
    assert isinstance(timer, threading.Timer) and timer.interval == 10.0
    timer.cancel()
    timer.join()
    assert len(receiver.received) == 1
