"""The short-lived cache behind /statistics (portal.cache): a status change shows at once, rows
written outside the workflow show within the cache's lifetime, and a cache that is down (Redis
unreachable) still gives the right page."""

from __future__ import annotations

import re
import socket

import pytest
from flask import current_app

from portal import cache
from portal.auth.models import Role
from tests.conftest import make_user
from tests.wizard_helpers import make_category, make_submitted

SUBMITTED_RE = re.compile(r"Applications submitted</dt><dd[^>]*>(\d+)</dd>")


def _submitted(client) -> int:
    html = client.get("/statistics?lang=en").get_data(as_text=True)
    match = SUBMITTED_RE.search(html)
    assert match, html[:500]
    return int(match.group(1))


def test_a_submission_shows_at_once_despite_the_cache(client):
    category = make_category()
    make_submitted(make_user(Role.APPLICANT), category)
    assert _submitted(client) == 1  # now cached
    make_submitted(make_user(Role.APPLICANT), category)  # a transition, committed
    assert _submitted(client) == 2


def test_rows_written_outside_the_workflow_show_within_the_cache_lifetime(client, monkeypatch):
    from portal.applications.models import Application
    from portal.db import utcnow
    from portal.extensions import db

    category = make_category()
    applicant = make_user(Role.APPLICANT)
    make_submitted(applicant, category)
    assert _submitted(client) == 1
    # a bulk import: no transition, so nothing invalidates
    db.session.add(
        Application(
            applicant_id=applicant.id,
            category_id=category.id,
            form_version_id=category.current_version_id,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    assert _submitted(client) == 1  # still the cached figure, within its lifetime
    later = cache.time.monotonic() + 61
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert _submitted(client) == 2  # the lifetime is over: counted again
    cache.invalidate()
    monkeypatch.undo()
    assert _submitted(client) == 2  # and exact after an invalidation


@pytest.fixture
def redis_down(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    current_app.config["CACHE_REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    yield
    current_app.config.pop("CACHE_REDIS_URL")


def test_with_the_cache_down_pages_are_still_right(client, login_as, redis_down, caplog):
    category = make_category()
    make_submitted(make_user(Role.APPLICANT), category)
    assert _submitted(client) == 1
    make_submitted(make_user(Role.APPLICANT), category)  # invalidation fails quietly too
    assert _submitted(client) == 2
    assert "cache unavailable" in caplog.text
    login_as(Role.OFFICER)
    assert client.get("/office/queue").status_code == 200
    assert client.get("/").status_code == 200
