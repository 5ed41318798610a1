"""Issue 18, item 1 in Chromium, in Indonesian: an applicant registers her business on a phone
(a wrong NIB first), applies for a TDUP for it (choosing the business as the holder), the
officer recommends and the approver issues it, and the verification page names the business
and its NIB, not her. Screenshots at 360x740 and 1280x800 in test-artifacts/screenshots/."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_signed_permit_journey import PHONE, press

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_applicant_registers_her_business_and_its_tdup_is_issued_to_it(
    live, new_context, live_user, screenshot
):
    from portal.applications import services as app_services
    from portal.applications import workflow
    from portal.applications.models import Application
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import User
    from portal.catalogue.models import HolderKind
    from portal.extensions import db
    from portal.permits.models import Permit
    from tests.factories import VALID_ANSWERS, add_document
    from tests.wizard_helpers import make_category

    applicant = live_user(full_name=f"Siti Rahmawati {uuid.uuid4().hex[:4]}")
    officer = live_user("officer")
    approver = live_user("approver", full_name="Dra. Hj. Nurul Aini, M.Si.")
    nib = f"{uuid.uuid4().int % 10**13:013d}"
    slug = f"tdup-{uuid.uuid4().hex[:6]}"
    with live.app.app_context():
        category = make_category(slug=slug, holder_kind=HolderKind.EITHER)
        category.code, category.name_id = "TDUP", "Tanda Daftar Usaha Pariwisata"
        db.session.commit()
        db.session.remove()

    # On her phone she registers the business: a 12-digit NIB is refused, nothing typed is lost.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, applicant, "/account/businesses")
    press(phone, phone.locator('main a[href="/account/businesses/new"]'))
    phone.fill("#name", "PT Wisata Mahakam Lestari")
    phone.select_option("#legal_form", "pt")
    phone.fill("#nib", nib[:12])
    phone.fill("#npwp", "01.234.567.8-901.000")
    phone.fill("#deed_number", "AHU-0012345.AH.01.01.Tahun 2024")
    phone.fill("#address", "Jl. Pahlawan No. 5, Samarinda")
    press(phone, phone.locator("main form.business-form button[type=submit]"))
    expect(phone.locator("main")).to_contain_text("NIB terdiri dari tepat 13 digit")
    expect(phone.locator("#name")).to_have_value("PT Wisata Mahakam Lestari")
    _fits(phone)
    screenshot(phone, "nib-refused-phone", full_page=True)
    phone.fill("#nib", nib)
    press(phone, phone.locator("main form.business-form button[type=submit]"))
    expect(phone.locator("main h1")).to_have_text("PT Wisata Mahakam Lestari")
    expect(phone.locator(".business-profile")).to_contain_text("01.234.567.8-901.000")
    _fits(phone)
    screenshot(phone, "business-phone", full_page=True)

    # She applies for the TDUP and chooses the business as its holder.
    phone.goto(f"/permits/{slug}", wait_until="domcontentloaded")
    press(phone, phone.locator('main form[action$="/apply"] button[type="submit"]').first)
    expect(phone.locator("main h1")).to_have_text("Siapa pemegang izin?")
    phone.locator("main label", has_text="PT Wisata Mahakam Lestari").click()
    _fits(phone)
    screenshot(phone, "holder-phone", full_page=True)
    press(phone, phone.locator('main form[action$="/apply/holder"] button[type="submit"]'))
    assert "/requirements" in phone.url

    # The form's pages and the office's review (covered by their own journeys) are done directly.
    with live.app.app_context():
        application = db.session.query(Application).filter_by(applicant_id=applicant.id).one()
        assert application.holder_business_id is not None
        application.answers = dict(VALID_ANSWERS)
        application.completed_pages = ["business", "location"]
        db.session.commit()
        add_document(application)
        who = db.session.get(User, applicant.id)
        app_services.submit(application, who, declaration=True)
        clerk = db.session.get(User, officer.id)
        for to in (S.IN_REVIEW, S.RECOMMENDED):
            workflow.transition(application, to, clerk)
        db.session.commit()
        application_id = application.id
        db.session.remove()

    # The approver issues it on a desktop.
    review_url = f"/office/applications/{application_id}"
    boss = new_context()
    log_in(boss, approver, review_url)
    decision = boss.locator(f'form[action="{review_url}/decide"]')
    decision.locator('input[value="approve"]').check()
    press(boss, decision.locator("button"))
    press(boss, boss.locator(f'main form[action="{review_url}/decide"] button.btn-success'))
    expect(boss.locator("main")).to_contain_text("telah diterbitkan")

    with live.app.app_context():
        permit = db.session.query(Permit).filter_by(application_id=application_id).one()
        token, holder, holder_nib = permit.verification_token, permit.holder_name, permit.holder_nib
        db.session.remove()
    assert (holder, holder_nib) == ("PT Wisata Mahakam Lestari", nib)

    # Anyone with the QR code's link sees the business and its NIB, not the person who typed.
    for context, name in (
        (new_context(viewport=PHONE, is_mobile=True, has_touch=True), "phone"),
        (new_context(), "desktop"),
    ):
        context.goto(f"/verify/{token}", wait_until="domcontentloaded")
        expect(context.locator(".verify-holder")).to_have_text("PT Wisata Mahakam Lestari")
        expect(context.locator(".verify-nib")).to_have_text(nib)
        expect(context.locator("main")).not_to_contain_text(applicant.full_name)
        if name == "phone":
            _fits(context)
        screenshot(context, f"verify-{name}", full_page=True)

    # The business's page on a desktop, for the record.
    desk = new_context()
    log_in(desk, applicant, "/account/businesses")
    expect(desk.locator(".business-list")).to_contain_text("PT Wisata Mahakam Lestari")
    screenshot(desk, "my-businesses-desktop", full_page=True)
