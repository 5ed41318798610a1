"""Issue 18's Done-when for co-applicants, in Chromium and in Indonesian on a 360 px phone: the
land owner opens the link from the email, logs in, and confirms a PBG application; the
applicant's page then shows the confirmation. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, submit_login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}


def test_land_owner_confirms_a_pbg_application_on_a_phone(live, live_user, new_context, screenshot):
    from portal.applications import services as app_services
    from portal.applications.services import coapplicants
    from portal.auth.models import User
    from portal.extensions import db
    from tests.factories import VALID_ANSWERS, add_document, make_category

    applicant = live_user(full_name="Budi Santoso")
    owner = live_user(full_name="Hj. Siti Pemilik Tanah")
    with live.app.app_context(), live.app.test_request_context():
        category = make_category(
            slug=f"pbg-{uuid.uuid4().hex[:6]}",
            co_applicant_role_id="Pemilik tanah",
            co_applicant_role_en="Land owner",
        )
        user = db.session.get_one(User, applicant.id)
        application = app_services.start_application(user, category)
        application.answers = dict(VALID_ANSWERS)
        application.completed_pages = ["business", "location"]
        db.session.commit()
        add_document(application)
        app_services.submit(application, user, declaration=True)
        invite = coapplicants.invite(application, user, owner.email)
        db.session.commit()
        application_id = application.id
        body = db.session.execute(
            db.text("SELECT body FROM outbox_emails WHERE to_email = :e ORDER BY id DESC LIMIT 1"),
            {"e": owner.email},
        ).scalar_one()
        assert invite.state.value == "pending"
        db.session.remove()
    link = urlsplit(next(w for w in body.split() if "/co-applicant/" in w)).path

    page = new_context(viewport=PHONE)
    page.goto(link, wait_until="domcontentloaded")  # not logged in: the login page, then back
    submit_login(page, owner.email, owner.password)
    if "/co-applicant/" not in page.url:
        page.goto(link, wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("Konfirmasi permohonan")
    expect(page.locator("main")).to_contain_text("Budi Santoso")
    screenshot(page, "co-applicant-link-phone", full_page=True)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator("main")).to_contain_text("Anda telah mengonfirmasi")

    mine = new_context(viewport=PHONE)
    log_in(mine, applicant, f"/applications/{application_id}")
    expect(mine.locator(".co-applicant-state")).to_contain_text("mengonfirmasi permohonan ini")
    expect(mine.locator("main")).not_to_contain_text("co_applicant.")  # no raw action names
    screenshot(mine, "co-applicant-confirmed-applicant-phone", full_page=True)
