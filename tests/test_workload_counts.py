"""The officers' workload on the queue comes from running counts of the waiting applications by
officer and due date (portal.applications.waiting), kept with every change; after a long random
series of submissions, claims, assignments, reviews, corrections, recommendations, decisions,
withdrawals, due-date edits, unassignments and a deactivated officer it still equals a grouping
of the applications table, and ``flask counts rebuild`` gives the same rows again."""

from __future__ import annotations

import os
import random
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import case, func, select

from portal import create_app
from portal.applications import waiting, workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import start_application
from portal.auth.models import Role, User
from portal.backoffice import services
from portal.backoffice.services.workload import Load, soon_until
from portal.calendar import clock
from portal.extensions import db
from tests.conftest import make_user
from tests.dbutil import scratch_database_url
from tests.factories import make_category
from tests.wizard_helpers import make_submitted


def grouped_over_the_applications(today) -> list[Load]:
    """The workload as the queue computed it before the running counts: one grouped statement
    over the waiting applications (the reference the counts must agree with)."""
    until = soon_until(today)
    due = Application.due_date
    counts = {
        officer_id: (int(total), int(soon or 0), int(late or 0))
        for officer_id, total, soon, late in db.session.execute(
            select(
                Application.assigned_officer_id,
                func.count(),
                func.sum(case((due.between(today, until), 1), else_=0)),
                func.sum(case((due < today, 1), else_=0)),
            )
            .where(Application.status.in_(waiting.WAITING))
            .group_by(Application.assigned_officer_id)
        )
    }
    rows = [
        Load(load.officer_id, load.name, *counts.pop(load.officer_id, (0, 0, 0)))
        for load in services.workload(today)
        if load.officer_id is not None
    ]
    unassigned = counts.pop(None, (0, 0, 0))
    for total, soon, late in counts.values():
        unassigned = (unassigned[0] + total, unassigned[1] + soon, unassigned[2] + late)
    return [*rows, Load(None, "", *unassigned)]


def _stored_rows():
    return sorted(
        (o, d, n)
        for o, d, n in db.session.execute(
            select(waiting.WaitingCount.officer_id, waiting.WaitingCount.due_on, waiting.WaitingCount.n)
        )
        if n
    )


def _check(today) -> None:
    for day in (today - timedelta(days=9), today, today + timedelta(days=1), today + timedelta(days=12)):
        assert services.workload(day) == grouped_over_the_applications(day), day


def test_the_workload_agrees_with_a_grouping_of_the_applications_after_a_random_day():
    rng = random.Random(17)
    categories = [
        make_category(slug="wl-a", time_limit_days=3),
        make_category(slug="wl-b", time_limit_days=8),
    ]
    officers = [make_user(Role.OFFICER, full_name=f"Petugas {n}") for n in range(3)]
    approver = make_user(Role.APPROVER)
    applicants = [make_user(Role.APPLICANT) for _ in range(4)]
    today = clock.office_today()
    made: list[Application] = []

    def pick(*statuses):
        candidates = [a for a in made if a.status in statuses]
        return rng.choice(candidates) if candidates else None

    def submit():
        applicant = rng.choice(applicants)
        draft = start_application(applicant, rng.choice(categories))
        db.session.commit()
        workflow.transition(draft, S.SUBMITTED, applicant)
        made.append(draft)

    def applicant_of(application):
        return next(u for u in applicants if u.id == application.applicant_id)

    def claim():
        application = next(
            (a for a in made if a.status in waiting.WAITING and a.assigned_officer_id is None), None
        )
        if application:
            services.claim(application, rng.choice([o for o in officers if o.is_active_account]))

    def assign():
        chosen = rng.sample(made, min(len(made), rng.randint(1, 3)))
        services.assign(
            [a.id for a in chosen], rng.choice([o for o in officers if o.is_active_account]).id, approver
        )

    def start_review():
        application = pick(S.SUBMITTED, S.RESUBMITTED)
        if application:  # takes it for the officer when it is nobody's
            services.start_review(application, rng.choice([o for o in officers if o.is_active_account]), None)

    def officer_step(to, *frm):
        application = pick(*frm)
        if application:
            workflow.transition(application, to, rng.choice(officers))

    def resubmit():
        application = pick(S.NEEDS_CORRECTION)
        if application:
            workflow.transition(application, S.RESUBMITTED, applicant_of(application))

    def decide():
        application = pick(S.RECOMMENDED)
        if application:
            workflow.transition(application, rng.choice((S.APPROVED, S.REJECTED, S.REJECTED)), approver)

    def withdraw():
        application = pick(S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION, S.RESUBMITTED, S.RECOMMENDED)
        if application:
            workflow.transition(application, S.WITHDRAWN, applicant_of(application))

    def move_due_date():  # a data fix: an ORM change
        application = pick(*waiting.WAITING, S.NEEDS_CORRECTION)
        if application:
            application.due_date = None if rng.random() < 0.1 else today + timedelta(days=rng.randint(-6, 10))

    def unassign():  # a data fix: an ORM change
        application = pick(*waiting.WAITING)
        if application:
            application.assigned_officer_id = None

    steps = [
        (submit, 5),
        (claim, 3),
        (assign, 2),
        (start_review, 3),
        (lambda: officer_step(S.NEEDS_CORRECTION, S.IN_REVIEW), 2),
        (resubmit, 2),
        (lambda: officer_step(S.RECOMMENDED, S.IN_REVIEW), 2),
        (decide, 2),
        (withdraw, 1),
        (move_due_date, 4),
        (unassign, 1),
    ]
    actions, weights = zip(*steps, strict=True)
    seen = set()
    for n in range(260):
        rng.choices(actions, weights)[0]()
        db.session.commit()
        seen |= {(a.status, a.assigned_officer_id is None) for a in made}
        if n == 150:  # an officer leaves: what she holds counts as unassigned
            officers[0].is_active_account = False
            db.session.commit()
        if n % 20 == 0:
            _check(today)
    _check(today)
    # the series went through every status, assigned and not
    assert {status for status, _ in seen} >= {
        *waiting.WAITING,
        S.NEEDS_CORRECTION,
        S.APPROVED,
        S.REJECTED,
        S.WITHDRAWN,
    }
    assert {(status, nobody) for status in waiting.WAITING for nobody in (True, False)} <= seen | {
        (S.RECOMMENDED, True)  # recommending takes an officer: only an unassignment leaves it nobody's
    }
    assert len({a.assigned_officer_id for a in made if a.status in waiting.WAITING}) >= 3

    kept = _stored_rows()
    waiting.rebuild()
    db.session.commit()
    assert _stored_rows() == kept
    _check(today)


def test_a_claim_racing_a_withdrawal_is_counted_once(real_commits, tmp_path):
    """The applicant withdraws an application she loaded while it was nobody's, as an officer
    claims it on another connection: the withdrawal reads the officer under the row's lock,
    so the counts take it out of the officer's workload, not out of "unassigned"."""
    url_base = os.environ.get("TEST_DATABASE_URL", "")
    if not url_base.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race needs PostgreSQL's row locks")
    with scratch_database_url("workload_race", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        try:
            with app.app_context():
                db.create_all()
                applicant = make_user(Role.APPLICANT)
                officer = make_user(Role.OFFICER)
                application = make_submitted(applicant, make_category())
                db.session.commit()
                app_id, applicant_id, officer_id = application.id, applicant.id, officer.id
            claimed = threading.Event()
            failures: list[str] = []

            def claim_and_hold() -> None:
                with app.app_context():
                    try:
                        services.claim(
                            db.session.get_one(Application, app_id), db.session.get_one(User, officer_id)
                        )
                        claimed.set()
                        time.sleep(1.0)  # the withdrawal waits for this commit
                        db.session.commit()
                    except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                        failures.append(repr(exc))
                        claimed.set()

            with app.app_context():
                application = db.session.get_one(Application, app_id)  # nobody's, as loaded
                applicant = db.session.get_one(User, applicant_id)
                assert application.assigned_officer_id is None
                thread = threading.Thread(target=claim_and_hold)
                thread.start()
                claimed.wait(10)
                workflow.transition(application, S.WITHDRAWN, applicant)
                db.session.commit()
                thread.join(20)
                assert failures == []
                assert db.session.get_one(Application, app_id).assigned_officer_id == officer_id
                assert _stored_rows() == []  # nothing waits any more, for anyone
                assert [(w.open, w.due_soon, w.overdue) for w in services.workload()] == [
                    (0, 0, 0),
                    (0, 0, 0),
                ]
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
