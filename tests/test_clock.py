"""The service-level clock: working days skip weekends and the office's holidays; the clock
pauses while the applicant holds the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.applications import services, workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.calendar import clock
from portal.calendar.models import Holiday
from portal.calendar.seed import seed_holidays
from portal.extensions import db
from tests.conftest import make_user
from tests.wizard_helpers import make_category

CLOSED_2026 = None


@pytest.fixture
def closed():
    list(seed_holidays())
    return clock.holidays()


def test_seed_holidays_is_idempotent_and_complete():
    list(seed_holidays())
    list(seed_holidays())
    assert db.session.scalar(select(func.count()).select_from(Holiday)) == 25


def test_weekends_are_skipped():
    # Friday 2026-11-20 + 1 working day = Monday 2026-11-23
    assert clock.add_working_days(date(2026, 11, 20), 1, frozenset()) == date(2026, 11, 23)
    assert clock.add_working_days(date(2026, 11, 20), 5, frozenset()) == date(2026, 11, 27)


def test_lebaran_holidays_and_joint_leave_are_skipped(closed):
    # Tue 17 Mar 2026: 18 (cuti bersama), 19 (Nyepi), 20 (cuti), 21-22 weekend/Idulfitri,
    # 23-24 (cuti bersama) are closed: the first working day after is Wed 25 March.
    assert clock.add_working_days(date(2026, 3, 17), 1, closed) == date(2026, 3, 25)
    assert clock.working_days_between(date(2026, 3, 17), date(2026, 3, 25), closed) == 1


def test_working_days_between_is_antisymmetric(closed):
    a, b = date(2026, 12, 1), date(2026, 12, 31)
    assert clock.working_days_between(a, b, closed) == -clock.working_days_between(b, a, closed)
    # December 2026: 23 weekdays after 1 Dec minus 24 and 25 Dec
    assert clock.working_days_between(a, b, closed) == 20


def test_office_day_uses_the_office_time_zone(app):
    late_evening_wita = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # 00:30 on the 24th in WITA
    assert clock.office_today(late_evening_wita) == date(2026, 11, 24)


def test_due_date_pauses_during_correction(closed):
    applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.OFFICER)
    category = make_category(time_limit_days=5)
    application = services.start_application(applicant, category)
    application.answers = {
        "business_name": "X",
        "employees": 1,
        "has_branch": "no",
        "start_date": "2020-01-01",
    }
    db.session.commit()
    workflow.transition(application, S.SUBMITTED, applicant)
    db.session.commit()
    assert application.due_date == clock.add_working_days(clock.office_today(application.submitted_at), 5)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.NEEDS_CORRECTION, officer, note="fix")
    db.session.commit()
    due_before = application.due_date
    # the applicant took the file for a week (5 working days, or fewer across holidays)
    paused_at = application.sla_paused_at - timedelta(days=7)
    db.session.execute(
        db.update(Application).where(Application.id == application.id).values(sla_paused_at=paused_at)
    )
    db.session.commit()
    db.session.refresh(application)
    workflow.transition(application, S.RESUBMITTED, applicant)
    db.session.commit()
    held = clock.working_days_between(clock.office_today(paused_at), clock.office_today())
    assert held >= 3
    assert application.due_date == clock.add_working_days(due_before, held)
    assert application.sla_paused_at is None
