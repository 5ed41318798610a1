"""Issue 16, item 6 in Chromium, in Indonesian: the public register of issued permits, read by
a visitor without an account on a 360x740 phone and on a desktop: the listed permit shows its
number, type, status and the business's name, nothing scrolls sideways, and the search by
number finds it."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


@pytest.fixture
def issued_number(live, live_user):
    from portal.applications import workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import User
    from portal.extensions import db
    from portal.permits import register
    from portal.permits import services as permits
    from tests.factories import make_draft
    from tests.wizard_helpers import make_category

    applicant = live_user(full_name="Siti Rahmawati")
    officer, approver = live_user("officer"), live_user("approver")
    with live.app.app_context():
        category = make_category(slug=f"register-{uuid.uuid4().hex[:8]}")
        register.save_setting(category.id, True, "business_name", db.session.get(User, approver.id))
        answers = {
            "business_name": "Warung Makan Sederhana Bu Siti Rahmawati Cabang Jalan Panjang Sekali",
            "employees": 3,
            "has_branch": "no",
            "start_date": "2020-05-01",
        }
        draft = make_draft(db.session.get(User, applicant.id), category, answers=answers)
        for to, who in (
            (S.SUBMITTED, applicant),
            (S.IN_REVIEW, officer),
            (S.RECOMMENDED, officer),
            (S.APPROVED, approver),
        ):
            workflow.transition(draft, to, db.session.get(User, who.id))
        db.session.commit()
        number = permits.permit_for_application(draft.id).number
        db.session.remove()
    return number


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 800}], ids=["phone", "desktop"]
)
def test_a_visitor_finds_an_issued_permit_in_the_register(new_context, issued_number, screenshot, viewport):
    page = new_context(viewport=viewport)
    page.goto("/", wait_until="domcontentloaded")
    page.locator("footer a", has_text="Daftar Izin Terbit").click()
    expect(page.locator("h1")).to_have_text("Daftar Izin Terbit")
    page.fill("#register-q", issued_number)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main form button").click()
    entry = page.locator(".register-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(issued_number)
    expect(entry).to_contain_text("Berlaku")
    expect(entry.locator(".register-holder")).to_contain_text("Warung Makan Sederhana")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, "register", full_page=True)
