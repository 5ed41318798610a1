"""The officer queue's workload table on a 360 x 740 phone, in Indonesian (issue 19): it
reads as one card per officer (name, then open / due soon / overdue, each with its label), and
neither the page nor the table scrolls sideways; on a 1280 desktop it stays a table.
Screenshots of both under test-artifacts/screenshots/."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

FITS = """() => {
    const table = document.querySelector('.workload-table');
    const box = table.parentElement;
    const r = table.getBoundingClientRect();
    return {page: document.documentElement.scrollWidth, box: box.scrollWidth - box.clientWidth,
            right: r.right, cells: [...table.querySelectorAll('tbody tr:first-child > *')]
                .map(c => c.getBoundingClientRect().right)};
}"""


@pytest.fixture
def busy_office(live, live_user):
    """Two officers with long names holding applications (one overdue), one unassigned."""
    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.calendar import clock
    from portal.extensions import db
    from tests.wizard_helpers import make_category, make_submitted

    me = live_user("officer", full_name="Fransiska Kurniawati Simanjuntak Purbaya")
    other = live_user("officer", full_name="Muhammad Rizky Ramadhan Kusumawardhana")
    applicant = live_user()
    with live.app.app_context():
        category = make_category(slug=f"beban-{uuid.uuid4().hex[:8]}")
        ids = [make_submitted(db.session.get(User, applicant.id), category).id for _ in range(4)]
        today = clock.office_today()
        for application_id, officer_id, due in [
            (ids[0], me.id, today - timedelta(days=3)),
            (ids[1], me.id, today),
            (ids[2], other.id, today + timedelta(days=20)),
        ]:
            # through the ORM, so the running workload counts follow (a Core UPDATE would need
            # `flask counts rebuild`, as after bench/fill.py)
            application = db.session.get_one(Application, application_id)
            application.assigned_officer_id = officer_id
            application.due_date = due
        db.session.commit()
        db.session.remove()
    return me


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)], ids=["phone", "desktop"])
def test_the_workload_table_reads_well_without_scrolling_sideways(
    new_context, busy_office, screenshot, width, height
):
    page = new_context(
        viewport={"width": width, "height": height}, is_mobile=width < 400, has_touch=width < 400
    )
    log_in(page, busy_office, "/office/queue")
    table = page.locator(".workload-table")
    expect(table).to_be_visible()
    expect(page.locator(".workload-table tbody")).to_contain_text("Fransiska Kurniawati Simanjuntak Purbaya")
    table.scroll_into_view_if_needed()
    screenshot(page, f"workload-{width}")
    found = page.evaluate(FITS)
    assert found["page"] <= width, found
    assert found["box"] <= 0, f"the workload table scrolls inside its box: {found}"
    assert found["right"] <= width and max(found["cells"]) <= width, found
    mine = page.locator(
        ".workload-table tbody tr", has_text="Fransiska Kurniawati Simanjuntak Purbaya (Anda)"
    )
    shown = mine.locator("td").evaluate_all(
        "cells => cells.map(c => [getComputedStyle(c, '::before').content, c.innerText.trim(),"
        " c.getBoundingClientRect().top])"
    )
    if width < 400:
        # Each number says what it is, on the card itself, one under the other.
        assert [(label, number) for label, number, _ in shown] == [
            ('"Menunggu"', "2"),
            ('"Tenggat sudah dekat"', "1"),
            ('"Lewat tenggat"', "1"),
        ]
        tops = [top for *_, top in shown]
        assert tops == sorted(tops) and len(set(tops)) == 3
    else:
        expect(page.locator(".workload-table thead")).to_be_visible()
        assert [number for _, number, _ in shown] == ["2", "1", "1"]
        assert len({top for *_, top in shown}) == 1  # one table row
