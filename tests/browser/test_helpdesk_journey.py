"""Issue 6's journey in a real browser, an applicant and a help desk user side by side: the
applicant is stuck on the documents stage (their ID card upload was refused); the help desk
finds them, sees the stage and the error, receives their assist code and opens their draft,
watches it update by itself when the applicant uploads a file, sends the upload chapter of the
video guide, and logs the call; the applicant sees the assist session in their log.

English for both, so the texts can be asserted. The draft is made through the services in the
live app's database; the refused upload and everything after happen in the browser.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.fixtures_files import html_bytes, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

TOPIC = "Cannot upload the ID card"
KTP_SLOT = re.compile(r"Applicant's ID card \(required\)")
NOTE = "Their KTP file was a web page saved as .pdf. Sent the upload chapter; it works now."


@pytest.fixture
def stuck(live, live_user):
    """An applicant whose draft has both form pages done and is at the documents stage, a help
    desk user, and the published demo tutorials: (applicant, staff, draft id, tutorial id)."""
    from portal.applications import services
    from portal.auth.models import User
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.tutorials.models import Tutorial
    from portal.tutorials.seed import seed_tutorials
    from tests.wizard_helpers import make_category

    applicant = live_user(locale="en", full_name=f"Dewi Lestari {uuid.uuid4().hex[:6]}")
    staff = live_user("helpdesk", locale="en")
    with live.app.app_context():
        list(seed_categories())
        list(seed_tutorials())
        tutorial_id = db.session.scalar(db.select(Tutorial.id).filter_by(slug="panduan-permohonan"))
        category = make_category(slug=f"helpdesk-{uuid.uuid4().hex[:8]}")
        draft = services.start_application(db.session.get(User, applicant.id), category)
        draft.answers = {
            "business_name": "Toko Kelontong Dewi",
            "employees": 2,
            "has_branch": "no",
            "start_date": "2021-03-01",
        }
        draft.completed_pages = ["business", "location"]
        draft.stage = services.STAGE_DOCUMENTS
        db.session.commit()
        draft_id = draft.id
        db.session.remove()
    return applicant, staff, draft_id, tutorial_id


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


def upload(page, key: str, path) -> None:
    """Choose the file: the page's script uploads it and replaces the card (or shows why not)."""
    slot = page.locator(f'section.document-slot[aria-labelledby="doc-{key}-title"]')
    slot.locator(f"#file-{key}").set_input_files(str(path))
    expect(
        page.locator(f'section.document-slot[aria-labelledby="doc-{key}-title"]')
        .locator(".alert-danger, .doc-progress-text:has-text('uploaded')")
        .first
    ).to_be_visible()


def test_help_desk_sees_where_the_applicant_is_stuck_and_guides_them(
    new_context, stuck, live_mail, tmp_path, screenshot
):
    applicant, staff, draft_id, tutorial_id = stuck
    documents_url = f"/applications/{draft_id}/documents"

    # The applicant's ID card upload is refused: a web page saved with a .pdf name.
    citizen = new_context(locale="en-US", reduced_motion="reduce")
    log_in(citizen, applicant, documents_url)
    fake = tmp_path / "ktp-dewi.pdf"
    fake.write_bytes(html_bytes())
    upload(citizen, "ktp", fake)
    expect(citizen.locator("main .alert-danger").first).to_be_visible()
    expect(citizen.locator('section.document-slot[aria-labelledby="doc-ktp-title"] .badge')).to_have_class(
        re.compile(r"text-bg-warning")
    )  # still "Not uploaded yet"
    screenshot(citizen, "upload-refused")

    # The help desk finds them by email and sees the stage and the error they hit.
    desk = new_context(locale="en-US", reduced_motion="reduce")
    log_in(desk, staff, "/helpdesk/")
    desk.fill("#q", applicant.email)
    press(desk, desk.locator('main form[role="search"] button[type="submit"]'))
    press(desk, desk.locator("main table a", has_text=applicant.full_name))
    expect(desk.locator("main h1")).to_have_text(applicant.full_name)
    card = desk.locator("main article.card", has_text="Test permit")
    expect(card).to_contain_text("Stage reached: Upload the documents")
    expect(card).to_contain_text("Required documents uploaded: 0 of 1")
    errors = card.locator("table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Applicant's ID card")
    expect(errors.first).to_contain_text("wrong file type")
    # Never the values they typed: the answers are not on this page.
    expect(desk.locator("main")).not_to_contain_text("Toko Kelontong Dewi")
    screenshot(desk, "applicant-page", full_page=True)
    applicant_page = desk.url

    # The applicant makes an assist code and reads it out.
    citizen.goto("/account/assist", wait_until="domcontentloaded")
    press(citizen, citizen.locator('main form[action="/account/assist"] button'))
    code = re.sub(r"\D", "", citizen.locator(".assist-code").inner_text())
    assert len(code) == 6, code
    screenshot(citizen, "assist-code")

    # With it the help desk sees the draft as the applicant does, read-only.
    desk.fill("#code", code)
    press(desk, desk.locator('form[action$="/assist"] [type="submit"]'))
    expect(desk).to_have_url(re.compile(r"/helpdesk/assist/\d+$"))
    live_box = desk.locator("#assist-live")
    expect(live_box).to_contain_text("Toko Kelontong Dewi")
    expect(live_box).to_contain_text("Upload the documents")
    expect(live_box.locator('[aria-labelledby="latest-errors-title"]')).to_contain_text(
        "Applicant's ID card: wrong file type"
    )
    ktp_line = live_box.locator("li", has_text=KTP_SLOT)
    expect(ktp_line).to_contain_text("not uploaded")
    expect(desk.locator("main form")).to_have_count(0)  # nothing to change there
    screenshot(desk, "assisted-view")

    # The applicant uploads a real scan; the help desk's page updates by itself.
    scan = tmp_path / "ktp-dewi-scan.pdf"
    scan.write_bytes(make_pdf(text="KTP Dewi Lestari"))
    citizen.goto(documents_url, wait_until="domcontentloaded")
    upload(citizen, "ktp", scan)
    expect(
        citizen.locator('section.document-slot[aria-labelledby="doc-ktp-title"]').locator(
            "a", has_text="ktp-dewi-scan.pdf"
        )
    ).to_be_visible()
    expect(live_box.locator("li", has_text=KTP_SLOT)).to_contain_text("ktp-dewi-scan.pdf", timeout=10_000)
    expect(desk.locator("#assist-status")).to_contain_text("Updated")
    screenshot(desk, "assisted-view-updated")

    # The help desk sends the upload chapter of the video guide.
    desk.goto(applicant_page, wait_until="domcontentloaded")
    send = desk.locator(f'form[action$="/applicants/{applicant.id}/tutorial"]')
    send.locator("select").select_option(f"{tutorial_id}:upload_documents")
    press(desk, send.locator('[type="submit"]'))
    expect(desk.locator("main")).to_contain_text("The video guide has been sent to the applicant")
    link = live_mail.last_link(applicant.email, f"/tutorials/{tutorial_id}")
    assert link.endswith(f"/tutorials/{tutorial_id}?chapter=upload_documents"), link
    citizen.goto(link, wait_until="domcontentloaded")
    expect(citizen.locator('main a[data-chapter="upload_documents"]')).to_have_attribute(
        "aria-current", "true"
    )
    expect(citizen.locator('main [data-chapter-transcript="upload_documents"]')).to_be_visible()

    # ... and logs the call as a support note.
    notes = desk.locator(f'form[action$="/applicants/{applicant.id}/notes"]')
    notes.locator('[name="channel"]').select_option("phone")
    notes.locator('[name="topic"]').fill(TOPIC)
    notes.locator('[name="text"]').fill(NOTE)
    notes.locator('[name="resolved"]').check()
    press(desk, notes.locator('[type="submit"]'))
    note = desk.locator("#notes article", has_text=TOPIC)
    expect(note).to_have_count(1)
    expect(note).to_contain_text(NOTE)
    expect(note).to_contain_text("Phone")
    expect(note).to_contain_text("resolved")
    screenshot(desk, "note-saved")

    # The applicant sees who from the help desk looked at their draft.
    citizen.goto("/account/assist", wait_until="domcontentloaded")
    log_rows = citizen.locator('section[aria-labelledby="log-title"] tbody tr')
    expect(log_rows).to_have_count(1)
    expect(log_rows.first).to_contain_text(staff.full_name)
    screenshot(citizen, "assist-log")
