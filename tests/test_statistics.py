"""The satisfaction index (IKM) as PermenPANRB 14/2017 computes it, checked against the
worked example of shared/data/skm_and_holidays.md, and the public statistics page: empty
state, charts with tables, date filter, and a query count that does not grow with the data."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event

from portal.applications.models import Application, ApplicationStatus
from portal.auth.models import Role
from portal.calendar import clock
from portal.db import utcnow
from portal.extensions import db
from portal.public import skm
from portal.public import statistics as stats
from portal.public.models import SurveyResponse
from tests.conftest import make_user
from tests.wizard_helpers import make_category

#: The worked example's per-element averages (NRR), U1..U9.
EXAMPLE_NRR = ["3.40", "3.25", "3.10", "3.90", "3.45", "3.30", "3.60", "3.05", "3.20"]


def test_ikm_of_the_worked_example():
    # Sum 30.25; IKM = 30.25 x 1/9 = 3.361; x 25 = 84.03 -> B (Baik).
    ikm = skm.compute_ikm(EXAMPLE_NRR)
    assert ikm.value == Decimal("3.361")
    assert ikm.converted == Decimal("84.03")
    assert ikm.grade == "B"


@pytest.mark.parametrize(
    ("converted", "grade"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_follow_the_table(converted, grade):
    assert skm.grade_for(Decimal(converted)) == grade


def test_all_fours_is_100_and_all_ones_is_25():
    assert skm.compute_ikm([4] * 9).converted == Decimal("100.00")
    assert skm.compute_ikm([1] * 9).converted == Decimal("25.00")
    assert skm.compute_ikm([1] * 9).grade == "D"


def _applications(category, applicant, count, status=ApplicationStatus.APPROVED):
    rows = [
        Application(
            applicant_id=applicant.id,
            category_id=category.id,
            form_version_id=category.current_version_id,
            status=status,
        )
        for _ in range(count)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _example_responses(category, applicant, year, month):
    """20 answers whose per-element averages are exactly the worked example's NRRs: element i
    gets a 4 from the first k_i respondents and a 3 from the rest (3.40 = (8x4 + 12x3) / 20)."""
    fours = [int(round((float(n) - 3) * 20)) for n in EXAMPLE_NRR]
    apps = _applications(category, applicant, 20)
    for r, application in enumerate(apps):
        db.session.add(
            SurveyResponse(
                application_id=application.id,
                category_id=category.id,
                year=year,
                month=month,
                **{f"u{i + 1}": 4 if r < fours[i] else 3 for i in range(9)},
            )
        )
    db.session.commit()


def test_ikm_table_computes_the_example_from_answers_per_period_and_category():
    category = make_category(slug="ikm-a")
    other = make_category(slug="ikm-b")
    applicant = make_user(Role.APPLICANT)
    _example_responses(category, applicant, 2026, 2)
    [app] = _applications(other, applicant, 1)
    db.session.add(
        SurveyResponse(
            application_id=app.id,
            category_id=other.id,
            year=2026,
            month=5,
            **{u: 4 for u in skm.SKM_ELEMENTS},
        )
    )
    db.session.commit()

    by_quarter = skm.ikm_table("quarter", by_category=True)
    assert [
        (r.period, r.category_id, r.ikm.respondents, r.ikm.converted, r.ikm.grade) for r in by_quarter
    ] == [
        ("2026-Q1", category.id, 20, Decimal("84.03"), "B"),
        ("2026-Q2", other.id, 1, Decimal("100.00"), "A"),
    ]
    assert [str(v.normalize()) for v in by_quarter[0].ikm.nrr] == [
        str(Decimal(n).normalize()) for n in EXAMPLE_NRR
    ]
    by_month = skm.ikm_table("month", by_category=False)
    assert [r.period for r in by_month] == ["2026-02", "2026-05"]
    [year] = skm.ikm_table("year", by_category=False)
    assert (year.period, year.ikm.respondents) == ("2026", 21)
    from datetime import date

    only_may = skm.ikm_table("month", start=date(2026, 4, 1), end=date(2026, 6, 30))
    assert [r.period for r in only_may] == ["2026-05"]


def test_statistics_with_no_data_shows_an_empty_state(client):
    response = client.get("/statistics?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "stats-empty" in html
    assert "There are no applications" in html
    assert client.get("/statistics?start=2020-01-01&end=2020-01-31").status_code == 200


def test_statistics_with_bad_dates_falls_back_to_the_last_twelve_months(client):
    response = client.get("/statistics?start=not-a-date&end=2026-13-45&lang=en")
    assert response.status_code == 200
    assert "showing the last twelve months" in response.get_data(as_text=True)


def _decided(
    category,
    applicant,
    *,
    submitted_days_ago: int,
    decided_days_ago: int,
    status=ApplicationStatus.APPROVED,
    due_in: int | None = None,
):
    now = utcnow()
    [application] = _applications(category, applicant, 1, status)
    application.submitted_at = now - timedelta(days=submitted_days_ago)
    application.decided_at = now - timedelta(days=decided_days_ago)
    submitted_on = clock.office_today(application.submitted_at)
    application.due_date = clock.add_working_days(submitted_on, due_in or category.time_limit_days)
    db.session.commit()
    return application


def test_statistics_page_shows_counts_times_and_ikm_with_tables(client):
    category = make_category(slug="stat-a", time_limit_days=5)
    category.name_en = "Advertisement permit"
    db.session.commit()
    applicant = make_user(Role.APPLICANT)
    _decided(category, applicant, submitted_days_ago=3, decided_days_ago=0)
    _decided(
        category, applicant, submitted_days_ago=30, decided_days_ago=1, status=ApplicationStatus.REJECTED
    )
    [waiting] = _applications(category, applicant, 1, ApplicationStatus.SUBMITTED)
    waiting.submitted_at = utcnow()
    db.session.commit()
    today = clock.office_today()
    _example_responses(category, applicant, today.year, today.month)

    data = stats.compute(*stats.default_range())
    assert data.submitted == 3
    assert data.decided == 2
    [row] = data.categories
    assert row.submitted == 3
    assert row.decided == 2
    assert row.on_time == 1
    assert row.ikm.converted == Decimal("84.03")
    assert row.ikm.respondents == 20
    assert data.ikm_overall.grade == "B"

    html = client.get("/statistics?lang=en").get_data(as_text=True)
    assert "stats-empty" not in html
    assert "Advertisement permit" in html
    assert "84.03" in html
    assert "Good" in html
    assert html.count("<svg") >= 4
    assert html.count("<table") >= 4
    assert 'style="' not in html
    assert "<script>" not in html
    assert "50%" in html  # one of two decided on time


def test_statistics_query_count_does_not_grow_with_rows(app):
    category = make_category(slug="stat-q")
    applicant = make_user(Role.APPLICANT)

    def count_queries() -> int:
        statements = []
        engine = db.session.get_bind().engine
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            stats.compute(*stats.default_range())
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len([s for s in statements if not re.match(r"\s*(SAVEPOINT|RELEASE)", s, re.I)])

    _decided(category, applicant, submitted_days_ago=4, decided_days_ago=1)
    few = count_queries()
    for n in range(6):
        other = category if n % 2 else make_category(slug=f"stat-q-{n}")
        _decided(other, applicant, submitted_days_ago=10 + n, decided_days_ago=n)
    assert count_queries() == few


def _counted_from_applications(start, end):
    """The figures counted straight from the applications table, as the page did before the
    daily figures (portal.applications.rollup): the reference the page must agree with."""
    import statistics as pystats
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    from flask import current_app

    from portal.catalogue.models import PermitCategory

    tz = ZoneInfo(current_app.config["TIMEZONE"])
    low = datetime.combine(start, time.min, tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time.min, tz).astimezone(UTC)
    closed = clock.holidays()
    months: dict[str, int] = {}
    per_category: dict[int, list] = {}
    all_days = []
    for application in db.session.scalars(db.select(Application)):
        category = db.session.get(PermitCategory, application.category_id)
        row = per_category.setdefault(category.id, [0, 0, 0, []])
        if application.submitted_at and low <= application.submitted_at < high:
            local = application.submitted_at.astimezone(tz)
            months[f"{local.year}-{local.month:02d}"] = months.get(f"{local.year}-{local.month:02d}", 0) + 1
            row[0] += 1
        if (
            application.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
            and application.decided_at
            and application.submitted_at
            and low <= application.decided_at < high
        ):
            decided_on = application.decided_at.astimezone(tz).date()
            days = clock.working_days_between(
                application.submitted_at.astimezone(tz).date(), decided_on, closed
            )
            row[1] += 1
            due = application.due_date
            row[2] += (decided_on <= due) if due is not None else (days <= category.time_limit_days)
            row[3].append(days)
            all_days.append(days)
    categories = {
        cid: (s, d, o, float(pystats.median(days)) if days else None)
        for cid, (s, d, o, days) in per_category.items()
        if s or d
    }
    return (
        {m: n for m, n in months.items() if n},
        categories,
        float(pystats.median(all_days)) if all_days else None,
    )


def _shown(start, end):
    data = stats.compute(start, end)
    return (
        {m: n for m, n in data.months if n},
        {
            r.category_id: (r.submitted, r.decided, r.on_time, r.median_days)
            for r in data.categories
            if r.submitted or r.decided
        },
        data.median_days,
    )


def test_the_daily_figures_agree_with_a_count_of_the_applications(client):
    """The statistics come from figures kept with each change; after transitions, direct edits,
    a deletion, a new holiday and a changed service standard they still equal a count of the
    applications table, and ``flask counts rebuild`` gives the same figures again."""
    from flask import g

    from portal.applications import rollup, workflow
    from portal.calendar.models import Holiday
    from tests.wizard_helpers import make_submitted

    a = make_category(slug="stat-r-a", time_limit_days=5)
    b = make_category(slug="stat-r-b", time_limit_days=2)
    applicant = make_user(Role.APPLICANT)
    approver = make_user(Role.APPROVER)
    made = []
    for i in range(12):
        category = a if i % 3 else b
        status = ApplicationStatus.REJECTED if i % 4 == 0 else ApplicationStatus.APPROVED
        made.append(
            _decided(
                category,
                applicant,
                submitted_days_ago=3 + 4 * i,
                decided_days_ago=i,
                status=status,
                due_in=1 + i % 6,
            )
        )
    made[5].due_date = None  # an old application without a due date: the limit decides
    waiting = make_submitted(applicant, a)  # through the workflow
    db.session.commit()
    start, end = stats.default_range()
    assert _shown(start, end) == _counted_from_applications(start, end)

    # a decision through the workflow (its UPDATE is not an ORM change)
    waiting.status = ApplicationStatus.RECOMMENDED
    db.session.commit()
    workflow.transition(waiting, ApplicationStatus.APPROVED, approver)
    db.session.commit()
    # direct edits: a decision moved to another day, one withdrawn, one deleted, one reopened
    made[1].decided_at = made[1].decided_at - timedelta(days=2)
    made[2].status = ApplicationStatus.WITHDRAWN
    db.session.delete(made[3])
    made[4].category_id = a.id if made[4].category_id == b.id else b.id
    db.session.commit()
    assert _shown(start, end) == _counted_from_applications(start, end)

    # a holiday inside the decided spans and a new service standard: read as they are now
    today = clock.office_today()
    weekdays = [today - timedelta(days=d) for d in range(3, 25) if (today - timedelta(days=d)).weekday() < 5]
    db.session.add_all(Holiday(day=day, name=f"Libur {n}") for n, day in enumerate(weekdays[::2]))
    b.time_limit_days = 9
    db.session.commit()
    g.pop("_holidays", None)
    assert _shown(start, end) == _counted_from_applications(start, end)

    kept = sorted(
        db.session.execute(db.select(rollup.DecisionDay.__table__).where(rollup.DecisionDay.n != 0))
    )
    rollup.rebuild()
    db.session.commit()
    assert (
        sorted(db.session.execute(db.select(rollup.DecisionDay.__table__).where(rollup.DecisionDay.n != 0)))
        == kept
    )
    assert _shown(start, end) == _counted_from_applications(start, end)


def test_the_figures_agree_with_a_count_after_every_kind_of_transition(client):
    """Every transition through the workflow (submit, review, correction, resubmission,
    recommendation, approval, rejection, withdrawal at several stages) and what happens to a
    permit afterwards (revoked, expired: the application stays approved) keeps the figures the
    page reads equal to a count of the applications table, checked after each step."""
    from portal.applications import workflow
    from portal.permits.models import Permit
    from portal.permits.services import revoke_permit
    from tests.factories import make_submitted

    S = ApplicationStatus
    category = make_category(slug="stat-t", time_limit_days=3)
    other = make_category(slug="stat-t-2", time_limit_days=9)
    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    start, end = stats.default_range()

    def agrees():
        db.session.commit()
        assert _shown(start, end) == _counted_from_applications(start, end)

    paths = [
        (category, [(S.IN_REVIEW, officer), (S.RECOMMENDED, officer), (S.APPROVED, approver)]),
        (category, [(S.IN_REVIEW, officer), (S.RECOMMENDED, officer), (S.REJECTED, approver)]),
        (other, [(S.IN_REVIEW, officer), (S.NEEDS_CORRECTION, officer), (S.RESUBMITTED, None)]),
        (other, [(S.WITHDRAWN, None)]),
        (category, [(S.IN_REVIEW, officer), (S.RECOMMENDED, officer), (S.WITHDRAWN, None)]),
        (other, [(S.IN_REVIEW, officer), (S.RECOMMENDED, officer), (S.APPROVED, approver)]),
    ]
    made = []
    for n, (which, steps) in enumerate(paths):
        applicant = make_user(Role.APPLICANT, email=f"stat-t-{n}@example.test")
        application = make_submitted(applicant, which)  # submit
        agrees()
        for to, actor in steps:
            workflow.transition(application, to, actor or applicant)
            agrees()
        made.append(application)
    resubmitted = made[2]
    for to, actor in [(S.IN_REVIEW, officer), (S.RECOMMENDED, officer), (S.APPROVED, approver)]:
        workflow.transition(resubmitted, to, actor)
        agrees()
    assert stats.compute(start, end).decided == 4

    permit = db.session.scalar(db.select(Permit).where(Permit.application_id == made[0].id))
    revoke_permit(permit, approver, "Data palsu")
    agrees()
    later = db.session.scalar(db.select(Permit).where(Permit.application_id == made[5].id))
    later.valid_until = clock.office_today() - timedelta(days=1)  # expired
    agrees()
    assert stats.compute(start, end).decided == 4
