"""The running counts (portal.applications.counts) behind the officer queue's status counts and
the home page's "most requested": they move in the transitions' own transactions and always
equal a fresh count of the applications."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.applications import counts, workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.extensions import db
from tests.conftest import make_user
from tests.wizard_helpers import make_category, make_submitted


def _live() -> dict[str, int]:
    return {
        S(status).value: n
        for status, n in db.session.execute(
            select(Application.status, func.count())
            .where(Application.status != S.DRAFT)
            .group_by(Application.status)
        )
    }


def _queue_count(html: str, label: str) -> int:
    match = re.search(rf"{label}: <strong>(\d+)</strong>", html)
    assert match, f"no count for {label}"
    return int(match.group(1))


def test_queue_counts_follow_every_transition(client, login_as):
    category = make_category()
    officer = login_as(Role.OFFICER, locale="en")
    apps = [make_submitted(make_user(Role.APPLICANT), category) for _ in range(4)]
    html = client.get("/office/queue?lang=en").get_data(as_text=True)
    assert _queue_count(html, "Submitted") == 4
    workflow.transition(apps[0], S.IN_REVIEW, officer)
    workflow.transition(apps[1], S.IN_REVIEW, officer)
    workflow.transition(apps[1], S.NEEDS_CORRECTION, officer)
    workflow.transition(apps[2], S.WITHDRAWN, db.session.get(User, apps[2].applicant_id))
    db.session.commit()
    html = client.get("/office/queue?lang=en").get_data(as_text=True)
    assert _queue_count(html, "Submitted") == 1
    assert _queue_count(html, "In review") == 1
    assert _queue_count(html, "Correction needed") == 1
    assert _queue_count(html, "Withdrawn") == 1
    assert counts.by_status() == _live()
    # the category filter reads the same counts, per category
    other = make_category(slug="lain")
    make_submitted(make_user(Role.APPLICANT), other)
    html = client.get(f"/office/queue?lang=en&category={category.id}").get_data(as_text=True)
    assert _queue_count(html, "Submitted") == 1
    assert counts.by_status(other.id) == {"submitted": 1}


def test_a_refused_transition_leaves_the_counts_alone(client):
    category = make_category()
    application = make_submitted(make_user(Role.APPLICANT), category)
    officer = make_user(Role.OFFICER)
    before = counts.by_status()
    with pytest.raises(workflow.StaleApplication):
        workflow.transition(application, S.IN_REVIEW, officer, expected_version=application.version + 1)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.transition(application, S.APPROVED, officer)
    assert counts.by_status() == before == _live()


def test_home_most_requested_counts_submissions(client):
    busy = make_category(slug="ramai")
    quiet = make_category(slug="sepi")
    for _ in range(3):
        make_submitted(make_user(Role.APPLICANT), busy)
    make_submitted(make_user(Role.APPLICANT), quiet)
    # a draft is not a request, and a withdrawn submission still was one
    withdrawn = make_submitted(make_user(Role.APPLICANT), quiet)
    workflow.transition(withdrawn, S.WITHDRAWN, db.session.get(User, withdrawn.applicant_id))
    db.session.commit()
    from portal.applications import services

    services.start_application(make_user(Role.APPLICANT), quiet)
    db.session.commit()
    from portal.public.services import most_requested

    top = {category.slug: n for category, n in most_requested()}
    assert top["ramai"] == 3 and top["sepi"] == 2
    assert counts.submitted_by_category() == {busy.id: 3, quiet.id: 2}


def test_rebuild_gives_the_same_counts(client):
    category = make_category()
    officer = make_user(Role.OFFICER)
    apps = [make_submitted(make_user(Role.APPLICANT), category) for _ in range(3)]
    workflow.transition(apps[0], S.IN_REVIEW, officer)
    workflow.transition(apps[0], S.RECOMMENDED, officer)
    db.session.commit()
    kept = counts.by_status(), counts.submitted_by_category()
    counts.rebuild()
    assert (counts.by_status(), counts.submitted_by_category()) == kept
    assert kept[0] == _live() == {"submitted": 2, "recommended": 1}
