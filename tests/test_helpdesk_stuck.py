"""The "where people get stuck" report: who may see it, the numbers, the charts and tables, and
the date range."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from werkzeug.datastructures import MultiDict

from portal.applications import services as app_services
from portal.applications.models import Application
from portal.auth.models import Role
from portal.calendar.clock import office_today
from portal.db import utcnow
from portal.extensions import db
from portal.helpdesk import services
from tests.conftest import make_user
from tests.test_helpdesk_support import (
    applicant,
    category,
    draft_with_errors,
    make_tutorial,
    map_stage,
    watched,
)
from tests.wizard_helpers import make_submitted


@pytest.fixture
def data():
    """One category: a draft stuck at requirements, two at the form (with errors), one at the
    documents, and one submitted. The form-stage tutorial was watched by one of those stuck at
    the form and by the one who submitted."""
    cat = category("hd-stuck")
    people = [applicant() for _ in range(5)]
    app_services.start_application(people[0], cat)
    draft_with_errors(people[1], cat)
    draft_with_errors(people[2], cat)
    draft_with_errors(people[3], cat, document=True)
    submitted = make_submitted(people[4], cat)
    submitted.created_at = utcnow() - timedelta(hours=5)
    db.session.commit()
    tutorial = make_tutorial(slug="hd-form-guide")
    map_stage(tutorial, "fill_form")
    watched(people[1], tutorial)
    watched(people[4], tutorial)
    return cat, tutorial


def _report():
    today = office_today()
    return services.stuck_report(today - timedelta(days=29), today, make_user(Role.ADMIN))


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.APPROVER])
def test_applicants_and_officers_get_403(client, login_as, role):
    login_as(role)
    assert client.get("/helpdesk/stuck").status_code == 403


@pytest.mark.parametrize("role", [Role.HELPDESK, Role.ADMIN])
def test_help_desk_and_admins_see_the_report(client, login_as, role):
    login_as(role)
    assert client.get("/helpdesk/stuck").status_code == 200


def test_funnel_counts_how_far_drafts_got_and_submissions(data):
    report = _report()
    (row,) = report.funnel
    assert row.started == 5
    assert row.reached == [5, 4, 2, 1]  # requirements, form, documents, review
    assert row.submitted == 1


def test_fields_with_the_most_errors_have_labels_and_counts(data):
    report = _report()
    top = {(f.field_label, f.code): f.count for f in report.fields}
    # Three drafts each hit two errors on the business page; labels come from the form.
    assert top == {("Jumlah karyawan", "invalid_number"): 3, ("Punya cabang?", "required"): 3}


def test_median_times_of_submitted_applications(data):
    (timing,) = _report().timings
    assert timing.count == 1 and timing.start_to_submit == pytest.approx(5.0, abs=0.1)
    assert timing.to_first_upload is not None and timing.upload_to_submit is not None


def test_tutorial_watched_share_through_vs_stopped(data):
    rows = {r.stage: r for r in _report().tutorials}
    form = rows["fill_form"]
    # Got past the form: the documents draft and the submitted one; only the latter watched.
    assert (form.through_watched, form.through_total) == (1, 2)
    # Stopped at the form: two drafts, one watched.
    assert (form.stopped_watched, form.stopped_total) == (1, 2)
    assert form.through_percent == 50 and form.stopped_percent == 50


def test_the_page_shows_svg_charts_and_tables_with_the_same_numbers(client, login_as, data):
    login_as(Role.HELPDESK)
    page = client.get("/helpdesk/stuck?lang=en").get_data(as_text=True)
    assert page.count("<svg") == 4 and "<rect" in page
    assert " style=" not in page and "<script>" not in page and "cdn" not in page.lower()
    assert re.search(r"<th scope=\"row\">Fill in the form</th><td>4</td>", page)
    assert re.search(r"<th scope=\"row\">Submitted</th><td>1</td>", page)
    assert ">4</text>" in page  # the same number on the chart
    assert "1 / 2 (50%)" in page


def test_the_date_range_filters_by_start_date(client, login_as, data):
    for application in db.session.scalars(db.select(Application)):
        application.created_at = utcnow() - timedelta(days=60)
    db.session.commit()
    assert _report().funnel == []
    login_as(Role.HELPDESK)
    start = (office_today() - timedelta(days=90)).isoformat()
    page = client.get(f"/helpdesk/stuck?start={start}&end={office_today().isoformat()}&lang=en")
    assert re.search(r"<th scope=\"row\">Fill in the form</th><td>4</td>", page.get_data(as_text=True))


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-13-45",
        "start=yesterday&end=today",
        "start=2026-05-01&end=2026-01-01",
        "start=2000-01-01&end=2026-01-01",
        "start=%27%20OR%201=1--",
        "end=" + "9" * 5000,
    ],
    ids=["bad-date", "words", "reversed", "too-long-range", "sql", "long"],
)
def test_bad_date_ranges_show_a_message_not_an_error(client, login_as, query):
    login_as(Role.HELPDESK)
    response = client.get(f"/helpdesk/stuck?{query}&lang=en")
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.get_data(as_text=True)


def test_the_report_needs_no_more_queries_for_more_categories(app, data):
    from sqlalchemy import event

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _report()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    before = count_queries()
    for i in range(3):
        cat = category(f"hd-more-{i}")
        draft_with_errors(applicant(), cat)
        app_services.save_page(
            services.editable_applications(
                db.session.scalars(db.select(Application).order_by(Application.id.desc()))
                .first()
                .applicant_id
            )[0],
            "location",
            MultiDict({"start_date": "2020-01-01"}),
            actor=make_user(Role.APPLICANT),
        )
        db.session.commit()  # services flush; the caller (the request) commits
    assert count_queries() == before
