"""Issue 18's staff two-step login in Chromium, in Indonesian: a new officer sets it up at the
first login (QR code, the key to type, recovery codes shown once), on a 360x740 phone and on
a desktop; an approver who typed only the password cannot open the queue nor decide, and can
once the code from the app is typed."""

from __future__ import annotations

import re
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}


def _password(page, user) -> None:
    page.goto("/login", wait_until="domcontentloaded")
    page.fill("#email", user.email)
    page.fill("#password", user.password)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form button[type="submit"]').click()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_new_officer_sets_up_two_step_login(new_context, live_user, screenshot, size):
    officer = live_user("officer", enrolled=False)
    page = new_context(locale="id-ID")
    if size == "phone":
        page.set_viewport_size(PHONE)
    _password(page, officer)
    expect(page).to_have_url(re.compile(r"/login/setup$"))
    expect(page.locator("h1")).to_have_text("Atur verifikasi dua langkah")
    qr = page.locator('main img[src="/login/setup/qr.svg"]')
    expect(qr).to_be_visible()
    # The SVG loaded (waited for: visible is not yet loaded; a QR that never loads times out).
    page.wait_for_function(
        "() => { const img = document.querySelector('main img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    screenshot(page, f"enrol-{size}", full_page=True)
    secret = page.locator("#manual-key").inner_text().replace(" ", "")
    # a wrong code first: the page says so beside the field
    page.fill("#code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form button[type="submit"]').click()
    expect(page.locator("#code-error")).to_contain_text("Kode tidak benar")
    page.fill("#code", pyotp.TOTP(secret).now())
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form button[type="submit"]').click()
    expect(page.locator("h1")).to_have_text("Verifikasi dua langkah sudah aktif")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, f"recovery-codes-{size}", full_page=True)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    page.goto("/office/queue", wait_until="domcontentloaded")
    expect(page).to_have_url(re.compile(r"/office/queue"))


@pytest.fixture
def recommended(live, live_user):
    """An application an officer recommended for approval, and an approver: (approver, id)."""
    from sqlalchemy import select

    from portal.applications.models import Document
    from portal.auth.models import User
    from portal.backoffice import services as office
    from portal.calendar.seed import seed_holidays
    from portal.extensions import db
    from tests.wizard_helpers import make_category, make_submitted

    applicant = live_user(full_name=f"Rina Wulandari {uuid.uuid4().hex[:6]}")
    officer = live_user("officer")
    approver = live_user("approver")
    with live.app.app_context():
        list(seed_holidays())
        category = make_category(slug=f"twofa-{uuid.uuid4().hex[:8]}")
        application = make_submitted(db.session.get(User, applicant.id), category)
        staff = db.session.get(User, officer.id)
        office.start_review(application, staff, application.version)
        documents = db.session.scalars(select(Document).where(Document.application_id == application.id))
        for document in documents.all():
            office.set_document_verdict(application, document.id, staff, True)
        office.recommend(application, staff, "approve", "", application.version)
        db.session.commit()
        made = application.id
        db.session.remove()
    return approver, made


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_an_approver_cannot_decide_without_the_second_step(new_context, live, recommended, screenshot, size):
    from tests.browser.conftest import second_step

    approver, application_id = recommended
    page = new_context(locale="id-ID")
    if size == "phone":
        page.set_viewport_size(PHONE)
    _password(page, approver)
    expect(page).to_have_url(re.compile(r"/login/code$"))
    expect(page.locator("h1")).to_have_text("Verifikasi dua langkah")
    screenshot(page, f"code-prompt-{size}", full_page=True)
    # straight to the application, skipping the code: the login page answers
    page.goto(f"/office/applications/{application_id}", wait_until="domcontentloaded")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.locator("main form button", has_text="Setuju")).to_have_count(0)
    # the code from the app: now the approver sees the decision form
    page.goto("/login/code", wait_until="domcontentloaded")
    second_step(page, approver.email)
    page.goto(f"/office/applications/{application_id}", wait_until="domcontentloaded")
    expect(page).to_have_url(re.compile(rf"/office/applications/{application_id}$"))
    expect(page.locator('main form[action$="/decide"]')).to_have_count(1)
