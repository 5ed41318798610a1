"""Issue 7's public journey in a real browser: a visitor without an account files a
complaint and follows it; the help desk answers it and the visitor sees the answer; after an
approval the applicant is offered the satisfaction survey, answers it, and the public
statistics page shows the satisfaction index for the category.

Everyone uses English so the texts can be asserted. The approved application is made through
the services (submit, review, accept the documents, recommend, approve) in the live app's
database; the office's journey in the browser is covered by test_office_journey.py.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def press(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


@pytest.fixture
def approved(live, live_user):
    """An applicant whose application of a category of its own is approved by staff through
    the back-office services: (applicant, application id, category English name)."""
    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.backoffice import services as office
    from portal.calendar.seed import seed_holidays
    from portal.extensions import db
    from portal.notifications.services import dispatch_queued
    from tests.wizard_helpers import make_category, make_submitted

    applicant = live_user(locale="en")
    officer = live_user("officer", locale="en")
    approver = live_user("approver", locale="en")
    name = f"Survey test permit {uuid.uuid4().hex[:6]}"
    with live.app.app_context():
        list(seed_holidays())
        category = make_category(slug=f"public-{uuid.uuid4().hex[:8]}")
        category.name_en = name
        db.session.commit()
        application = make_submitted(db.session.get(User, applicant.id), category)
        officer_user = db.session.get(User, officer.id)
        approver_user = db.session.get(User, approver.id)
        office.start_review(application, officer_user, application.version)
        for document in list(_documents(application)):
            office.set_document_verdict(application, document.id, officer_user, accept=True)
        office.recommend(application, officer_user, "approve", "", application.version)
        office.decide(application, approver_user, "approve", "", application.version)
        db.session.commit()  # services flush; the caller commits
        application_id = application.id
        assert db.session.get(Application, application_id).status.value == "approved"
        dispatch_queued()
        db.session.remove()
    return applicant, application_id, name


def _documents(application):
    from portal.applications.models import Document
    from portal.extensions import db

    return db.session.scalars(db.select(Document).where(Document.application_id == application.id))


def test_visitor_files_a_complaint_follows_it_and_sees_the_answer(
    new_context, live_user, live_mail, screenshot
):
    email = f"visitor-{uuid.uuid4().hex[:8]}@example.com"
    visitor = new_context(locale="en-US")
    visitor.goto("/")
    press(visitor, visitor.locator("footer a[href='/complaints']"))
    expect(visitor.locator("h1")).to_have_text("File a complaint")
    visitor.fill("#name", "Dewi Lestari")
    visitor.fill("#email", email)
    visitor.select_option("#topic", "time")
    visitor.fill("#tracking_number", "SP-2026-999999")
    visitor.fill("#text", "My application has been waiting for two weeks.\nPlease check it.")
    # The honeypot is there for bots, clipped to one pixel for people (visually hidden).
    box = visitor.locator("div.visually-hidden:has(#website)").bounding_box()
    assert box is not None
    assert box["width"] <= 1
    assert box["height"] <= 1
    press(visitor, visitor.locator('main form button[type="submit"]'))
    expect(visitor.locator("h1")).to_have_text("Thank you, we received it")
    number = visitor.locator(".case-number").inner_text()
    assert re.fullmatch(r"ADU-\d{4}-\d{6}", number)
    screenshot(visitor, "complaint-sent")
    press(visitor, visitor.locator("a.follow-link"))
    follow_url = visitor.url
    expect(visitor.locator(".case-status")).to_have_text("Received")
    expect(visitor.locator(".case-text")).to_contain_text("waiting for two weeks")
    # the same link came by email
    assert live_mail.last_link(email, "/complaints/follow/") == follow_url

    # The help desk answers it.
    helpdesk = new_context(locale="en-US")
    log_in(helpdesk, live_user("helpdesk", locale="en"), "/staff/complaints")
    press(helpdesk, helpdesk.get_by_role("link", name=number))
    helpdesk.fill("#text", "We checked it: the officer will decide tomorrow.")
    helpdesk.select_option("#status", "answered")
    press(helpdesk, helpdesk.locator('main form[method="post"] button[type="submit"]'))
    expect(helpdesk.locator(".alert-success")).to_be_visible()

    visitor.reload()
    expect(visitor.locator(".case-status")).to_have_text("Answered")
    expect(visitor.locator(".case-answer")).to_contain_text("the officer will decide tomorrow")
    screenshot(visitor, "complaint-answered")
    answered = [m for m in live_mail.messages(email) if number in m["Subject"] and "answered" in m["Subject"]]
    assert answered


def test_applicant_answers_the_survey_and_the_statistics_show_it(new_context, approved, screenshot):
    applicant, application_id, category_name = approved
    page = new_context(locale="en-US")
    log_in(page, applicant, f"/applications/{application_id}")
    offer = page.locator(".survey-offer")
    expect(offer).to_contain_text("How was our service?")
    press(page, offer.get_by_role("link", name="Answer the survey"))
    expect(page.locator("h1")).to_have_text("Satisfaction survey")
    for n in range(1, 10):
        page.locator(f'input[name="u{n}"][value="4"]').check()
    page.fill("#suggestion", "Fast and friendly.")
    screenshot(page, "survey", full_page=True)
    press(page, page.locator('main form button[type="submit"]'))
    expect(page.locator(".alert-success")).to_contain_text("Thank you")
    expect(page.locator(".survey-offer")).to_have_count(0)

    # Sending it again is refused with a clear message.
    page.goto(f"/survey/{application_id}")
    expect(page.locator("main")).to_contain_text("You have already answered")

    # The public statistics page shows the index for the category, without an account.
    visitor = new_context(locale="en-US")
    visitor.goto("/statistics")
    expect(visitor.locator("h1")).to_have_text("Service statistics")
    row = visitor.locator("table tr", has_text=category_name).last
    expect(row).to_contain_text("100.00")
    expect(row).to_contain_text("A (Very good)")
    expect(visitor.locator("svg.stat-chart").first).to_be_visible()
    screenshot(visitor, "statistics", full_page=True)
