"""The login limits with Flask-Limiter on a real Redis (the several-hosts tier).

On the run's own Redis server (tests/redis_server.py): skips with a reason when redis-server is
not installed, unless REQUIRE_REDIS=1 (CI), then it fails.
"""

from __future__ import annotations

import uuid

import pytest

from portal import create_app
from portal.extensions import limiter
from tests.conftest import DEFAULT_PASSWORD, csrf_token, make_user

WRONG = "not the right password"

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_app(tmp_path, redis_server):
    redis_client = redis_server.client()
    # The server lives for the whole run: a key prefix per test gives each a clean slate, and
    # its keys are deleted afterwards.
    prefix = f"satupintu-test-{uuid.uuid4().hex[:12]}"
    # The limiter is one object shared by every app; keep the session app's storage and put
    # it back afterwards so the other tests go on with memory storage.
    saved = limiter._storage, limiter._limiter, limiter._key_prefix
    app = create_app(
        "test",
        RATELIMIT_STORAGE_URI=redis_server.url(),
        RATELIMIT_KEY_PREFIX=prefix,
        MAIL_DIR=tmp_path / "mail",
        INSTANCE_DIR=tmp_path,
    )
    try:
        yield app, _Keys(redis_client, prefix)
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
        redis_client.close()
        limiter._storage, limiter._limiter, limiter._key_prefix = saved


class _Keys:
    def __init__(self, client, prefix: str):
        self.client, self.prefix = client, prefix

    def count(self) -> int:
        return sum(1 for _ in self.client.scan_iter(f"*{self.prefix}*"))


def attempt(client, email: str, password: str):
    token = csrf_token(client.get("/login?lang=en").get_data(as_text=True))
    return client.post("/login?lang=en", data={"csrf_token": token, "email": email, "password": password})


def test_limits_are_kept_in_redis(redis_app):
    app, keys = redis_app
    assert "Redis" in type(limiter.storage).__name__
    user = make_user()
    client = app.test_client()
    for _ in range(5):
        assert attempt(client, user.email, WRONG).status_code == 200
    assert keys.count() > 0  # the counters live in Redis, not in this process

    refused = attempt(client, user.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0


def test_redis_limit_is_shared_between_app_processes(redis_app, tmp_path):
    """Two app instances (two gunicorn hosts) count against the same Redis counters."""
    app, _ = redis_app
    user = make_user()
    for _ in range(5):
        attempt(app.test_client(), user.email, WRONG)
    # A second app object with the same storage: its limiter storage is a new Redis client.
    second = create_app(
        "test",
        RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"],
        MAIL_DIR=tmp_path / "m2",
        RATELIMIT_KEY_PREFIX=app.config["RATELIMIT_KEY_PREFIX"],
        INSTANCE_DIR=tmp_path,
    )
    assert attempt(second.test_client(), user.email, DEFAULT_PASSWORD).status_code == 429


def test_redis_other_account_still_logs_in(redis_app):
    app, _ = redis_app
    attacked, other = make_user(), make_user()
    client = app.test_client()
    for _ in range(6):
        attempt(client, attacked.email, WRONG)
    assert attempt(client, other.email, DEFAULT_PASSWORD).status_code == 302


def test_redis_many_accounts_from_one_address(redis_app):
    app, _ = redis_app
    client = app.test_client()
    statuses = [attempt(client, f"guess{i}@example.test", WRONG).status_code for i in range(21)]
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    refused = attempt(client, "one.more@example.test", WRONG)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
