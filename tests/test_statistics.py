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
