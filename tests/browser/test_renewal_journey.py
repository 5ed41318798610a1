"""Issue 19's renewal in Chromium, in Indonesian, on a 360 x 740 phone and a 1280 desktop: an
applicant whose permit expires in 20 days finds the reminder among her notifications, follows
it to the permit's application, presses "Perpanjang", lands on a renewal filled in from the
permit (the answers on the review page, the still-valid KTP reused on the documents page) and
submits it; once the office approves it (through the services: the office's own journey is
tests/browser/test_office_journey.py), the old permit's verification page names the new one.
Screenshots under test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def _approve(application_id: int):
    """The office's review and decision, through the workflow: (number, token) of the permit."""
    from portal.applications import workflow
    from portal.applications.models import Application
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role, User
    from portal.extensions import db
    from portal.permits import services as permits
    from tests.factories import make_user

    application = db.session.get_one(Application, application_id)
    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    if application.status is S.DRAFT:
        workflow.transition(application, S.SUBMITTED, db.session.get(User, application.applicant_id))
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    permit = permits.permit_for_application(application.id)
    return permit.number, permit.verification_token


@pytest.fixture
def expiring(live, live_user):
    """A holder whose permit (12 months, a KTP and a site photo) expires in 20 days, and the
    day's reminder sent: (holder, application id, permit number, verification token)."""
    from portal.applications.models import Application
    from portal.auth.models import User
    from portal.calendar import clock
    from portal.extensions import db
    from portal.permits import services as permits
    from portal.permits.expiry import send_expiry_reminders
    from tests.factories import add_document, make_category, make_submitted
    from tests.fixtures_files import make_png

    holder = live_user(full_name=f"Siti Rahmawati {uuid.uuid4().hex[:6]}")
    with live.app.app_context():
        category = make_category(slug=f"renew-{uuid.uuid4().hex[:8]}", validity_months=12)
        application = make_submitted(
            db.session.get_one(User, holder.id), category, document_name="ktp-siti.pdf"
        )
        add_document(application, "photo", make_png(), name="lokasi.png", content_type="image/png")
        number, token = _approve(application.id)
        permit = permits.permit_for_application(application.id)
        permit.valid_until = clock.office_today() + timedelta(days=20)
        db.session.commit()
        assert send_expiry_reminders(clock.office_today()).total == 1
        db.session.commit()
        made = (holder, db.session.get_one(Application, application.id).id, number, token)
        db.session.remove()
    return made


def wizard_continue(page) -> None:
    press(page, page.locator('main form button[name="action"][value="continue"]'))


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_reminder_leads_to_a_prefilled_renewal_and_the_old_permit_names_the_new_one(
    new_context, live, expiring, screenshot, device
):
    holder, application_id, old_number, old_token = expiring
    width = device["viewport"]["width"]
    page = new_context(**device)
    log_in(page, holder, "/notifications")

    # The reminder, in-app: the permit's number and date, a link to its application.
    reminder = page.locator("main .notice", has_text=old_number)
    expect(reminder).to_contain_text("Perpanjang dari halaman permohonannya")
    screenshot(page, "reminder")
    press(page, reminder.locator("a"))
    expect(page).to_have_url(re.compile(rf"/applications/{application_id}$"))
    offer = page.locator("main .renewal-offer")
    expect(offer).to_be_visible()
    offer.scroll_into_view_if_needed()
    screenshot(page, "permit-with-renew")
    press(page, offer.locator("button", has_text="Perpanjang"))

    # The renewal: a new draft, filled in from the permit.
    expect(page.locator("main .alert-success")).to_contain_text("diisi dari izin Anda")
    draft_id = int(re.search(r"/applications/(\d+)/", page.url).group(1))
    assert draft_id != application_id
    screenshot(page, "renewal-ready")
    press(page, page.locator("main a.btn-primary", has_text="Lanjut"))
    # Each page shows the permit's answers; she checks them and goes on.
    expect(page).to_have_url(re.compile(rf"/applications/{draft_id}/form/business$"))
    expect(page.locator('main form [name="business_name"]')).to_have_value("Warung Sederhana")
    screenshot(page, "renewal-prefilled", full_page=True)
    wizard_continue(page)
    expect(page).to_have_url(re.compile(rf"/applications/{draft_id}/form/location$"))
    wizard_continue(page)
    expect(page).to_have_url(re.compile(rf"/applications/{draft_id}/documents$"))
    ktp = page.locator('section.document-slot[aria-labelledby="doc-ktp-title"]')
    expect(ktp.locator("a", has_text="ktp-siti.pdf")).to_be_visible()  # reused: still valid
    photo = page.locator('section.document-slot[aria-labelledby="doc-photo-title"]')
    expect(photo.locator("a", has_text="lokasi.png")).to_have_count(0)  # a site photo is asked again
    screenshot(page, "renewal-documents", full_page=True)
    press(page, page.locator("main button.btn-primary, main a.btn-primary", has_text="Lanjut").first)
    expect(page).to_have_url(re.compile(rf"/applications/{draft_id}/review$"))
    review = page.locator("main")
    for value in ("Warung Sederhana", "ktp-siti.pdf"):
        expect(review).to_contain_text(value)
    page.check("#declaration")
    screenshot(page, "renewal-review", full_page=True)
    press(page, page.locator('main form button[type="submit"]').last)
    expect(page).to_have_url(re.compile(rf"/applications/{draft_id}/confirmation$"))
    expect(page.locator(".tracking-number")).to_be_visible()
    screenshot(page, "renewal-submitted")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # The office approves; the old permit's verification page names the new permit.
    with live.app.app_context():
        new_number, new_token = _approve(draft_id)
        from portal.extensions import db

        db.session.remove()
    assert new_number != old_number
    page.goto(f"/verify/{old_token}", wait_until="domcontentloaded")
    expect(page.locator("main")).to_contain_text(f"digantikan oleh izin {new_number}")
    screenshot(page, "old-permit-verify", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"/verify/{new_token}", wait_until="domcontentloaded")
    expect(page.locator("main")).not_to_contain_text("digantikan")
