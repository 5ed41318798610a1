"""The job queue on the real Redis with RQ workers and the real SMTP test server (aiosmtpd):
emails queued by a status change wait in Redis until a worker runs, are sent exactly once
however often the job runs, go back to PENDING when the mail server fails and are sent once by
the retry; ``flask jobs requeue-stuck`` repairs what a crashed worker left behind.

These tests need committed rows (the worker reads them), so they use a scratch database
(tests/dbutil.py), and the run's own Redis server (tests/redis_server.py), flushed before each
test. Without redis-server they are skipped, unless REQUIRE_REDIS=1 makes that a failure.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from portal.jobs import enqueue, get_queue, make_worker, use_rq
from portal.notifications.models import OutboxEmail, OutboxState
from portal.notifications.services import dispatch_queued, send_outbox_email
from tests.conftest import make_user
from tests.smtp import SmtpServer, free_port
from tests.wizard_helpers import make_category, make_submitted


# -- Redis and an app on a scratch database --------------------------------------------------
@pytest.fixture
def redis_db(redis_server):
    conn = redis_server.client()
    conn.flushdb()  # the run's own server: nobody else's data is here
    try:
        yield conn
    finally:
        conn.flushdb()
        conn.close()


@pytest.fixture
def rq_app(real_commits, redis_db, redis_server, tmp_path):
    """An app with REDIS_URL set, on its own committed database, mailing a real SMTP server
    (``rq_app.smtp``)."""
    from portal import create_app
    from tests.dbutil import scratch_database_url

    server = SmtpServer()
    server.controller.start()
    with scratch_database_url("notif_jobs", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            REDIS_URL=redis_server.url(),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=server.port,
            JOBS_RETRY_INTERVALS=[1],
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        app.smtp = server
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            server.controller.stop()
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


def _submit_one(app, locale: str = "en") -> tuple[int, str, str]:
    """A status change (submission) with REDIS_URL set: returns (outbox id, address, number)."""
    with app.app_context():
        applicant = make_user(Role.APPLICANT, locale=locale, full_name="Rina Wulandari")
        application = make_submitted(applicant, make_category())
        assert dispatch_queued() == 1
        row = db.session.scalars(select(OutboxEmail)).one()
        return row.id, applicant.email, application.tracking_number


def _row(app, outbox_id: int) -> OutboxEmail:
    with app.app_context():
        row = db.session.get(OutboxEmail, outbox_id)
        db.session.expunge(row)
        return row


def _work(app, **kwargs) -> None:
    make_worker(app, simple=True).work(burst=True, **kwargs)


# -- tests -----------------------------------------------------------------------------------
def test_status_change_waits_in_redis_until_a_worker_sends_it_once(rq_app):
    outbox_id, address, number = _submit_one(rq_app)
    with rq_app.app_context():
        assert get_queue().count == 1  # queued in Redis ...
    assert rq_app.smtp.envelopes == []  # ... and not sent yet
    assert _row(rq_app, outbox_id).state is OutboxState.PENDING

    _work(rq_app)
    [message] = rq_app.smtp.messages()
    assert rq_app.smtp.envelopes[0].rcpt_tos == [address]
    assert message["Subject"] == f"Application received: {number}"
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Hello Rina Wulandari,")
    row = _row(rq_app, outbox_id)
    assert row.state is OutboxState.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


def test_the_same_job_twice_still_sends_one_message(rq_app):
    outbox_id, _, _ = _submit_one(rq_app)
    with rq_app.app_context():
        enqueue(send_outbox_email, outbox_id)  # a duplicate next to the original
        assert get_queue().count == 2
    _work(rq_app)
    assert len(rq_app.smtp.envelopes) == 1
    with rq_app.app_context():
        enqueue(send_outbox_email, outbox_id)  # and once more, after it was sent
    _work(rq_app)
    with rq_app.app_context():
        assert send_outbox_email(outbox_id) is False  # run directly: claims nothing
    assert len(rq_app.smtp.envelopes) == 1
    assert _row(rq_app, outbox_id).attempts == 1


def test_smtp_failure_goes_back_to_pending_and_the_retry_sends_once(rq_app):
    from rq.registry import ScheduledJobRegistry

    live_port = rq_app.config["MAIL_PORT"]
    rq_app.config["MAIL_PORT"] = free_port()  # nothing listens there
    outbox_id, _, _ = _submit_one(rq_app)
    _work(rq_app)
    row = _row(rq_app, outbox_id)
    assert row.state is OutboxState.PENDING
    assert row.attempts == 1
    assert "refused" in row.last_error.lower()
    assert rq_app.smtp.envelopes == []
    with rq_app.app_context():
        assert ScheduledJobRegistry(queue=get_queue()).count == 1  # RQ retries it later

    rq_app.config["MAIL_PORT"] = live_port  # the mail server is back
    time.sleep(1.2)  # JOBS_RETRY_INTERVALS=[1]
    _work(rq_app, with_scheduler=True)  # the scheduler puts the due retry on the queue
    assert len(rq_app.smtp.envelopes) == 1
    row = _row(rq_app, outbox_id)
    assert row.state is OutboxState.SENT
    assert row.attempts == 2
    assert row.last_error is None
    _work(rq_app, with_scheduler=True)
    assert len(rq_app.smtp.envelopes) == 1


def test_an_email_failing_every_time_ends_failed(rq_app):
    rq_app.config.update(MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=2)
    outbox_id, _, _ = _submit_one(rq_app)
    _work(rq_app)
    time.sleep(1.2)
    _work(rq_app, with_scheduler=True)
    row = _row(rq_app, outbox_id)
    assert row.state is OutboxState.FAILED
    assert row.attempts == 2
    assert row.last_error


def test_requeue_stuck_puts_back_what_a_crashed_worker_left(rq_app):
    crashed_id, address, _ = _submit_one(rq_app)
    with rq_app.app_context():
        get_queue().empty()  # the job was lost with the worker ...
        row = db.session.get(OutboxEmail, crashed_id)
        row.state, row.claimed_at = OutboxState.SENDING, utcnow() - timedelta(minutes=30)
        busy = OutboxEmail(
            to_email="busy@example.test",
            subject="s",
            body="b",
            state=OutboxState.SENDING,
            claimed_at=utcnow() - timedelta(minutes=1),
        )
        db.session.add(busy)
        db.session.commit()
        busy_id = busy.id
    result = rq_app.test_cli_runner().invoke(args=["jobs", "requeue-stuck", "--minutes", "15"])
    assert result.exit_code == 0, result.output
    assert "1 stuck email(s) put back; 1 pending email(s) queued again." in result.output
    assert _row(rq_app, crashed_id).state is OutboxState.PENDING
    assert _row(rq_app, busy_id).state is OutboxState.SENDING  # a live worker's: left alone

    result = rq_app.test_cli_runner().invoke(args=["jobs", "worker", "--burst", "--simple"])
    assert result.exit_code == 0, result.output
    assert [e.rcpt_tos for e in rq_app.smtp.envelopes] == [[address]]
    assert _row(rq_app, crashed_id).state is OutboxState.SENT
    # running the repair again finds nothing to do and sends nothing more
    result = rq_app.test_cli_runner().invoke(args=["jobs", "requeue-stuck", "--minutes", "15"])
    assert "0 stuck email(s) put back; 0 pending email(s) queued again." in result.output


def test_forking_worker_command_sends_with_the_app_it_was_started_with(rq_app):
    """`flask jobs worker` (RQ's forking Worker): each job runs in a forked work horse with the
    app made once by the command, and a fresh database pool."""
    outbox_id, address, _ = _submit_one(rq_app)
    result = rq_app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert rq_app.smtp.received.wait(10)
    assert [e.rcpt_tos for e in rq_app.smtp.envelopes] == [[address]]
    assert _row(rq_app, outbox_id).state is OutboxState.SENT


def test_worker_command_without_redis_says_none_is_needed(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = app.test_cli_runner().invoke(args=["jobs", "worker"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


def test_rq_is_used_exactly_when_redis_url_is_set(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    assert not use_rq(app)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    assert use_rq(app)
    monkeypatch.setitem(app.config, "JOBS_USE_RQ", False)
    assert not use_rq(app)


def test_inline_requeue_sends_a_failed_email_once(app, smtp_server, monkeypatch):
    """Without Redis, an email whose inline send failed stays PENDING; the repair command
    sends it once."""
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    user = make_user(Role.APPLICANT, locale="en")
    row = OutboxEmail(
        user_id=user.id,
        to_email=user.email,
        subject="Hello",
        body="Body",
        state=OutboxState.PENDING,
        attempts=1,
        last_error="ConnectionRefusedError",
        claimed_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(row)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "requeue-stuck"])
    assert result.exit_code == 0, result.output
    assert len(smtp_server.envelopes) == 1
    db.session.refresh(row)
    assert row.state is OutboxState.SENT
    assert row.attempts == 2
    app.test_cli_runner().invoke(args=["jobs", "requeue-stuck"])
    assert len(smtp_server.envelopes) == 1


def test_redis_down_at_dispatch_keeps_the_change_and_the_email_for_later(
    app, client, login_as, monkeypatch, caplog
):
    """The status change is committed before the queue is asked; a queue that cannot be
    reached is logged, the page still works, and the email waits (PENDING) for requeue-stuck."""
    import re

    from portal.applications.models import ApplicationStatus as S
    from tests.conftest import csrf_token

    applicant = make_user(Role.APPLICANT, locale="en")
    application = make_submitted(applicant, make_category())
    dispatch_queued()
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{free_port()}/0")
    login_as(Role.OFFICER)
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/office/applications/{application.id}/start",
        data={"csrf_token": csrf_token(page), "version": version},
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is S.IN_REVIEW
    row = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.user_id == applicant.id).order_by(OutboxEmail.id.desc())
    ).first()
    assert row.state is OutboxState.PENDING
    assert row.attempts == 0
    assert "could not queue outbox email" in caplog.text
