"""Webhooks through Redis and an RQ worker (tests/test_jobs.py's set-up): a receiver on
127.0.0.1 that refuses the first try gets the delivery on the queue's own retry, once, and a
retried job of an acknowledged delivery posts nothing."""

from __future__ import annotations

import time

import pytest
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from portal.api import webhooks
from portal.api.models import DeliveryState, WebhookAttempt, WebhookDelivery
from portal.auth.models import Role
from portal.extensions import db
from portal.jobs import get_queue, make_worker
from tests.conftest import make_user
from tests.webhook_receiver import Receiver
from tests.wizard_helpers import make_category, make_submitted


@pytest.fixture
def redis_db(redis_server):
    conn = redis_server.client()
    conn.flushdb()
    try:
        yield conn
    finally:
        conn.flushdb()
        conn.close()


@pytest.fixture
def rq_app(real_commits, redis_db, redis_server, tmp_path):
    from portal import create_app
    from tests.dbutil import scratch_database_url

    with scratch_database_url("webhooks_rq", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            REDIS_URL=redis_server.url(),
            JOBS_RETRY_INTERVALS=[1, 1],
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
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


def _work(app, **kwargs) -> None:
    make_worker(app, simple=True).work(burst=True, **kwargs)


def test_a_refused_first_try_is_delivered_once_on_the_queues_retry(rq_app, receiver):
    receiver.plan = ["500"]
    with rq_app.app_context():
        endpoint = webhooks.register("Dinas PUPR", receiver.url, [], None)
        db.session.commit()
        secret = endpoint.secret
        make_submitted(make_user(Role.APPLICANT), make_category())
        assert webhooks.dispatch_queued() == 1
    assert receiver.received == []  # queued, not posted by the request
    _work(rq_app)
    assert len(receiver.received) == 1
    with rq_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
        assert ScheduledJobRegistry(queue=get_queue()).count == 1  # the queue retries it later
    time.sleep(1.2)
    _work(rq_app, with_scheduler=True)
    assert len(receiver.received) == 2
    with rq_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 2
        codes = db.session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.number)).all()
        assert codes == [500, 204]
        # A duplicated job (a worker that crashed after posting, a requeue) posts nothing.
        assert webhooks.deliver(delivery.id) is False
    time.sleep(1.2)
    _work(rq_app, with_scheduler=True)
    assert len(receiver.received) == 2
    signature = receiver.received[1].headers[webhooks.SIGNATURE_HEADER.lower()]
    timestamp = int(signature.split(",")[0].removeprefix("t="))
    assert signature == webhooks.sign(secret, timestamp, receiver.received[1].body)


def test_retries_through_the_queue_are_bounded(rq_app, receiver):
    receiver.plan = ["500"] * 10
    with rq_app.app_context():
        rq_app.config["WEBHOOK_MAX_ATTEMPTS"] = 3  # 1 + the two JOBS_RETRY_INTERVALS
        webhooks.register("Dinas PUPR", receiver.url, [], None)
        db.session.commit()
        make_submitted(make_user(Role.APPLICANT), make_category())
        webhooks.dispatch_queued()
    _work(rq_app)
    for _ in range(4):
        time.sleep(1.2)
        _work(rq_app, with_scheduler=True)
    assert len(receiver.received) == 3
    with rq_app.app_context():
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert delivery.state is DeliveryState.FAILED and delivery.attempts == 3
        assert ScheduledJobRegistry(queue=get_queue()).count == 0
