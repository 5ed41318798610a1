"""Issue 18's 'Data saya' in Chromium, in Indonesian, on a 360x740 phone and a desktop: an
applicant with an issued permit downloads her data (PDF and JSON), closes her account, and the
permit's verification page still says it is valid."""

from __future__ import annotations

import json
import re
import threading
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def holder(live, live_user):
    """An applicant whose application was approved (the permit issued): (user, token)."""
    from portal.applications import workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import User
    from portal.calendar.seed import seed_holidays
    from portal.extensions import db
    from portal.permits import services as permits
    from tests.wizard_helpers import make_category, make_submitted

    applicant = live_user(full_name=f"Siti Rahmawati {uuid.uuid4().hex[:4]}")
    officer, approver = live_user("officer"), live_user("approver")
    made: dict[str, str] = {}

    def approve() -> None:
        # in a thread of its own: signing the permit runs an event loop, and Playwright's is
        # running in this one
        with live.app.app_context():
            list(seed_holidays())
            application = make_submitted(
                db.session.get(User, applicant.id), make_category(slug=f"data-{uuid.uuid4().hex[:8]}")
            )
            workflow.transition(application, S.IN_REVIEW, db.session.get(User, officer.id))
            workflow.transition(application, S.RECOMMENDED, db.session.get(User, officer.id))
            workflow.transition(application, S.APPROVED, db.session.get(User, approver.id))
            db.session.commit()
            made["token"] = permits.permit_for_application(application.id).verification_token
            db.session.remove()

    worker = threading.Thread(target=approve)
    worker.start()
    worker.join()
    token = made["token"]
    return applicant, token


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_download_my_data_close_the_account_and_the_permit_stays_valid(new_context, holder, screenshot, size):
    user, token = holder
    page = new_context(locale="id-ID", accept_downloads=True)
    if size == "phone":
        page.set_viewport_size(PHONE)
    log_in(page, user, "/account")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("link", name=re.compile("Data saya")).click()
    expect(page.locator("h1")).to_have_text("Data saya")
    screenshot(page, f"my-data-{size}", full_page=True)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Unduh sebagai PDF (untuk dibaca)").click()
    assert pdf.value.suggested_filename == "data-saya.pdf"
    assert Path(pdf.value.path()).read_bytes()[:4] == b"%PDF"
    with page.expect_download() as data:
        page.get_by_role("link", name="Unduh sebagai JSON (untuk komputer)").click()
    exported = json.loads(Path(data.value.path()).read_text(encoding="utf-8"))
    assert exported["account"]["email"] == user.email and exported["permits"]
    page.fill("#password", user.password)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Tutup akun saya").click()
    expect(page.locator("main")).to_contain_text("Akun Anda sudah ditutup")
    screenshot(page, f"account-closed-{size}")
    page.goto(f"/verify/{token}", wait_until="domcontentloaded")
    expect(page.locator("main")).to_contain_text("BERLAKU")
