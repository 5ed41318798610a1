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


def test_an_application_saved_outside_the_workflow_shows_at_once(client):
    """An application added through the ORM (a seed, a data fix) moves the daily figures in its
    flush, and that drops the cached statistics once it commits."""
    from portal.applications.models import Application
    from portal.db import utcnow
    from portal.extensions import db

    category = make_category()
    applicant = make_user(Role.APPLICANT)
    make_submitted(applicant, category)
    assert _submitted(client) == 1  # now cached
    db.session.add(
        Application(
            applicant_id=applicant.id,
            category_id=category.id,
            form_version_id=category.current_version_id,
            submitted_at=utcnow(),
        )
    )
    db.session.commit()
    assert _submitted(client) == 2


def test_rows_written_outside_the_app_show_within_the_cache_lifetime(client, monkeypatch):
    from sqlalchemy import update

    from portal.applications.rollup import SubmissionDay
    from portal.extensions import db

    category = make_category()
    make_submitted(make_user(Role.APPLICANT), category)
    assert _submitted(client) == 1
    # another program writes the figures (SQL, no ORM change): nothing invalidates
    db.session.execute(update(SubmissionDay).values(n=SubmissionDay.n + 1))
    db.session.commit()
    assert _submitted(client) == 1  # still the cached figure, within its lifetime
    later = cache.time.monotonic() + 61
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert _submitted(client) == 2  # the lifetime is over: counted again
    cache.invalidate()
    monkeypatch.undo()
    assert _submitted(client) == 2  # and exact after an invalidation


def test_a_status_change_keeps_the_rest_of_the_cache(client, app):
    """A transition drops only the figures counted from the applications: the next /statistics
    is counted again, but the office settings and the site's header are not read again (the
    first visit after a change costs the statistics only)."""
    from sqlalchemy import event

    from portal.extensions import db

    category = make_category()
    make_submitted(make_user(Role.APPLICANT), category)
    assert _submitted(client) == 1  # the page and everything on it now cached
    make_submitted(make_user(Role.APPLICANT), category)
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert _submitted(client) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    read = " ".join(statements)
    assert "stat_submission_days" in read  # counted again
    assert "FROM settings" not in read and "FROM site_identity" not in read  # kept
    assert "survey_responses" not in read  # the IKM does not move with a status change


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


def test_a_value_just_kept_survives_the_values_kept_after_it(app):
    """The per-process cache is bounded by dropping its oldest entries, not all of them: a page's
    tutorial panel kept a moment ago is not computed again because the cache reached its bound
    (a late test in the suite saw its panel queried twice)."""
    with app.app_context():
        cache.invalidate()
        for i in range(cache.LOCAL_ENTRIES - 5):
            cache.local(f"filler-{i}", 60, lambda i=i: i)
        computed = []
        assert cache.local("panel", 60, lambda: computed.append(1) or "panel") == "panel"
        for i in range(10):
            cache.local(f"after-{i}", 60, lambda i=i: i)
        assert cache.local("panel", 60, lambda: computed.append(1) or "panel") == "panel"
        assert computed == [1]
        for i in range(3 * cache.LOCAL_ENTRIES):
            cache.local(f"more-{i}", 60, lambda i=i: i)
        assert len(cache._local) <= cache.LOCAL_ENTRIES
        assert (
            cache.local(f"more-{3 * cache.LOCAL_ENTRIES - 1}", 60, lambda: "again")
            == 3 * cache.LOCAL_ENTRIES - 1
        )


@pytest.mark.parametrize("scope", [cache.PAGES, cache.FIGURES])
def test_a_change_made_during_a_request_shows_later_in_that_request(app, scope):
    """The generations are worked out once per request; a change committed in the same request
    (an admin's save, then the page it redirects to being drawn) is not hidden by that memo."""
    with app.test_request_context("/"):
        figures = scope == cache.FIGURES
        assert cache.local("counted", 60, lambda: "before", figures=figures) == "before"
        assert cache.local("counted", 60, lambda: "kept", figures=figures) == "before"
        cache.invalidate(scope)
        assert cache.local("counted", 60, lambda: "after", figures=figures) == "after"


def test_another_process_change_shows_in_the_next_request(app):
    """Another worker's change moves the shared generation file: the next request sees it."""
    with app.test_request_context("/"):
        app.preprocess_request()  # a request's own start (the suite's hook gives it a fresh g)
        assert cache.local("shared", 60, lambda: "old") == "old"
        path = cache._generation_path(cache.PAGES)
    with open(path, "w", encoding="ascii") as fh:  # what another process's invalidate writes
        fh.write("another-worker-was-here")
    with app.test_request_context("/"):
        app.preprocess_request()
        assert cache.local("shared", 60, lambda: "new") == "new"
