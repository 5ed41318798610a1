"""Webhooks on status changes (portal/api/webhooks.py), against a real receiver on 127.0.0.1:
one signed delivery per change, bounded and logged retries for a receiver that times out,
answers 500 or redirects, and never a second delivery of an acknowledged event. Jobs run
inline here with the tests' JOBS_INLINE_RETRY off (a failed try waits for ``requeue_pending``);
test_webhooks_inline_retry.py lets the job layer's timer retry, and test_webhooks_rq.py runs
the same through Redis and an RQ worker."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from sqlalchemy import select

from portal.api import webhooks
from portal.api.models import DeliveryState, WebhookAttempt, WebhookDelivery
from portal.applications import signals, workflow
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.extensions import db
from tests.conftest import login, make_user
from tests.webhook_receiver import Receiver
from tests.wizard_helpers import make_category, make_submitted


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def endpoint(receiver, app):
    app.config.update(WEBHOOK_TIMEOUT_SECONDS=0.5, WEBHOOK_MAX_ATTEMPTS=3)
    made = webhooks.register("Dinas PUPR", receiver.url, [], None)
    db.session.commit()
    yield made
    app.config.update(WEBHOOK_TIMEOUT_SECONDS=5, WEBHOOK_MAX_ATTEMPTS=4)


def _submit():
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    webhooks.dispatch_queued()  # what the request's end (or the job's) does
    return application


def _verify(secret: str, received) -> dict:
    header = received.headers[webhooks.SIGNATURE_HEADER.lower()]
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + received.body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    assert abs(int(parts["t"]) - time.time()) < 60
    return json.loads(received.body)


def _deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def _attempts(delivery: WebhookDelivery) -> list[WebhookAttempt]:
    return list(
        db.session.scalars(
            select(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery.id)
            .order_by(WebhookAttempt.number)
        )
    )


def test_each_status_change_is_one_signed_delivery(receiver, endpoint):
    application = _submit()
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.IN_REVIEW, officer)
    db.session.commit()
    webhooks.dispatch_queued()
    assert len(receiver.received) == 2
    first, second = (_verify(endpoint.secret, r) for r in receiver.received)
    assert first["type"] == "application.status_changed"
    assert first["data"] == {
        "tracking_number": application.tracking_number,
        "category": "test-domisili",
        "from_status": "draft",
        "to_status": "submitted",
    }
    assert second["data"]["to_status"] == "in_review" and second["id"] != first["id"]
    assert [d.state for d in _deliveries()] == [DeliveryState.DELIVERED] * 2
    # Acknowledged: asking again (a retried job, the requeue command) sends nothing.
    for delivery in _deliveries():
        assert webhooks.deliver(delivery.id) is False
    assert webhooks.requeue_pending() == 0
    assert len(receiver.received) == 2


def test_a_receiver_that_refused_the_first_try_gets_it_on_the_retry(receiver, endpoint):
    receiver.plan = ["500"]
    _submit()
    (delivery,) = _deliveries()
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
    assert [(a.status_code, a.error) for a in _attempts(delivery)] == [(500, "HTTP 500")]
    assert webhooks.requeue_pending() == 1
    (delivery,) = _deliveries()
    assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 2
    assert [a.status_code for a in _attempts(delivery)] == [500, 204]
    first, retry = receiver.received
    assert first.headers[webhooks.DELIVERY_HEADER.lower()] == retry.headers[webhooks.DELIVERY_HEADER.lower()]
    assert json.loads(first.body) == _verify(endpoint.secret, retry)
    webhooks.requeue_pending()
    assert len(receiver.received) == 2  # never again once acknowledged


def test_a_receiver_that_times_out_is_retried_a_bounded_number_of_times(receiver, endpoint):
    receiver.plan = ["timeout"] * 5
    receiver.hang_seconds = 1.5
    _submit()
    for _ in range(5):
        webhooks.requeue_pending()
    (delivery,) = _deliveries()
    assert delivery.state is DeliveryState.FAILED
    attempts = _attempts(delivery)
    assert len(attempts) == 3 == delivery.attempts  # WEBHOOK_MAX_ATTEMPTS
    assert all(a.status_code is None and "timed out" in a.error for a in attempts)
    assert all(a.duration_ms < 1400 for a in attempts)  # the short timeout, not the receiver's pace
    assert len(receiver.received) == 3


def test_a_redirect_off_site_is_not_followed_and_counts_as_a_failed_try(receiver, endpoint):
    elsewhere = Receiver().start()
    try:
        receiver.redirect_to = elsewhere.url
        receiver.plan = ["redirect"] * 5
        _submit()
        for _ in range(5):
            webhooks.requeue_pending()
        (delivery,) = _deliveries()
        assert delivery.state is DeliveryState.FAILED
        attempts = _attempts(delivery)
        assert [a.status_code for a in attempts] == [302, 302, 302]
        assert "not followed" in attempts[0].error
        assert elsewhere.received == []
    finally:
        elsewhere.stop()


def test_a_status_change_that_rolls_back_announces_nothing(receiver, endpoint):
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    webhooks.dispatch_queued()
    before = len(receiver.received)
    officer = make_user(Role.OFFICER)

    def refuse(*_args, **_kwargs):
        raise RuntimeError("a receiver refuses the change")

    signals.status_changed.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            workflow.transition(application, S.IN_REVIEW, officer)
    finally:
        signals.status_changed.disconnect(refuse)
    db.session.rollback()
    db.session.commit()
    webhooks.dispatch_queued()
    assert len(receiver.received) == before
    assert len(_deliveries()) == before


def test_an_endpoint_for_other_categories_hears_nothing(receiver, app):
    webhooks.register("Only bangunan", receiver.url, ["izin-bangunan"], None)
    db.session.commit()
    _submit()
    assert receiver.received == [] and _deliveries() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://partner.example/hook",
        "ftp://127.0.0.1/hook",
        "javascript:alert(1)",
        "https://user:pw@partner.example/hook",
        "file:///etc/passwd",
        "",
        "https://" + "a" * 600 + ".example/",
    ],
)
def test_endpoint_addresses_must_be_https(app, url):
    with pytest.raises(webhooks.WebhookError):
        webhooks.register("X", url, [], None)


def test_admin_reads_the_delivery_log(client, receiver, endpoint):
    receiver.plan = ["500"]
    application = _submit()
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = client.get(f"/admin/api/webhooks/{endpoint.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert application.tracking_number in html and "HTTP 500" in html
    assert endpoint.secret in html
