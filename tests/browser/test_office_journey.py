"""Issue 5's journey in a real browser, three people in three browser contexts: an officer
finds a submitted application in the queue, starts the review, flags the ID card scan and
requests corrections; the applicant reads the message, replaces the file and resubmits; the
officer reviews again, accepts every document and recommends approval; the approver approves;
the applicant gets the approval email, downloads the certificate, and the verification link
printed on it (the QR code's link) shows VALID.

Everyone uses English so the texts can be asserted; the submitted application is made through
the services in the live app's database (issue 3's journey covers submitting in the browser).
"""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.fixtures_files import make_jpeg

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

FLAG_REASON = "The ID card photo is blurred; upload a sharper scan."
MESSAGE = "Please upload a clear scan of your ID card (KTP)."


@pytest.fixture
def submitted(live, live_user):
    """An applicant with a submitted application of a small category of its own, an officer
    and an approver: (applicant, officer, approver, application id, tracking number)."""
    from portal.auth.models import User
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.tutorials.seed import seed_tutorials
    from tests.wizard_helpers import make_category, make_submitted

    applicant = live_user(locale="en", full_name=f"Rina Wulandari {uuid.uuid4().hex[:6]}")
    officer = live_user("officer", locale="en")
    approver = live_user("approver", locale="en")
    with live.app.app_context():
        list(seed_categories())
        list(seed_holidays())
        list(seed_tutorials())  # the "Watch how" panels of the correction and permit stages
        category = make_category(slug=f"office-{uuid.uuid4().hex[:8]}")
        application = make_submitted(
            db.session.get(User, applicant.id), category, document_name="ktp-rina.pdf"
        )
        made = (application.id, application.tracking_number)
        db.session.remove()
    return (applicant, officer, approver, *made)


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


def expect_status(page, status: str) -> None:
    expect(page.locator("main dl .badge").first).to_have_class(re.compile(rf"status-{status}\b"))


def test_officer_flags_applicant_fixes_approver_approves_and_the_permit_verifies(
    new_context, submitted, live_mail, tmp_path, screenshot
):
    from pypdf import PdfReader

    applicant, officer, approver, application_id, tracking = submitted
    review_url = f"/office/applications/{application_id}"

    # The officer finds it in the queue by its tracking number and starts the review.
    office = new_context(locale="en-US", reduced_motion="reduce")
    log_in(office, officer, "/office/queue")
    office.fill("#q", tracking)
    press(office, office.locator('main form[method="get"] button'))
    row_link = office.locator("main table a", has_text=tracking)
    expect(row_link).to_have_count(1)
    screenshot(office, "queue")
    press(office, row_link)
    expect(office).to_have_url(re.compile(rf"{review_url}$"))
    expect_status(office, "submitted")
    press(office, office.locator(f'form[action="{review_url}/start"] button'))
    expect_status(office, "in_review")

    # Flag the ID card with a reason, then request corrections with a message.
    card = office.locator("#documents .card", has_text="ktp-rina.pdf")
    card.locator('input[name="reason"]').fill(FLAG_REASON)
    press(office, card.locator('button[name="verdict"][value="flag"]'))
    card = office.locator("#documents .card", has_text="ktp-rina.pdf")
    expect(card).to_contain_text("flagged for correction")
    expect(office.locator("#flags")).to_contain_text(FLAG_REASON)
    office.fill("#message", MESSAGE)
    press(office, office.locator(f'form[action="{review_url}/corrections"] button'))
    expect_status(office, "needs_correction")
    screenshot(office, "corrections-requested")

    # The applicant sees the message, replaces exactly the flagged file and resubmits.
    citizen = new_context(locale="en-US", reduced_motion="reduce")
    log_in(citizen, applicant, "/dashboard")
    row = citizen.locator("main .application-card", has_text=tracking)
    expect(row).to_have_count(1)
    press(citizen, row.locator("a"))
    expect(citizen.locator(".message-from-office")).to_have_text(MESSAGE)
    press(citizen, citizen.locator("main a", has_text="Make the corrections"))
    expect(citizen).to_have_url(re.compile(rf"/applications/{application_id}/correction$"))
    expect(citizen.locator('details[data-tutorial-panel][data-stage="respond_correction"]')).to_have_count(1)
    slot = citizen.locator('section.document-slot[aria-labelledby="doc-ktp-title"]')
    expect(slot).to_contain_text(FLAG_REASON)
    # Only the flagged document can be replaced here.
    expect(citizen.locator("section.document-slot")).to_have_count(1)
    scan = tmp_path / "ktp-rina-clear.jpg"
    scan.write_bytes(make_jpeg(640, 400))
    slot.locator("#file-ktp").set_input_files(str(scan))
    press(citizen, slot.locator('button[type="submit"]', has_text="Upload"))
    expect(citizen).to_have_url(re.compile(rf"/applications/{application_id}/correction#doc-ktp$"))
    slot = citizen.locator('section.document-slot[aria-labelledby="doc-ktp-title"]')
    expect(slot.locator("a", has_text="ktp-rina-clear.jpg")).to_be_visible()
    screenshot(citizen, "correction-uploaded")
    press(citizen, citizen.locator('button[name="action"][value="resubmit"]'))
    # (the correction form posts to its own URL, so the card's #doc-ktp anchor stays on)
    expect(citizen).to_have_url(re.compile(rf"/applications/{application_id}(#doc-ktp)?$"))
    expect(citizen.locator("main")).to_contain_text("Your corrections have been sent to the office.")
    expect_status(citizen, "resubmitted")

    # The officer reviews again: every document accepted, approval recommended.
    office.goto(review_url, wait_until="domcontentloaded")
    expect_status(office, "resubmitted")
    press(office, office.locator(f'form[action="{review_url}/start"] button'))
    expect_status(office, "in_review")
    cards = office.locator("#documents .card")
    expect(cards.filter(has_text="ktp-rina-clear.jpg")).to_have_count(1)
    for i in range(cards.count()):
        press(
            office,
            office.locator("#documents .card").nth(i).locator('button[name="verdict"][value="accept"]'),
        )
    for i in range(cards.count()):
        expect(office.locator("#documents .card").nth(i)).to_contain_text("accepted")
    recommend = office.locator(f'form[action="{review_url}/recommend"]')
    recommend.locator('input[value="approve"]').check()
    press(office, recommend.locator("button"))
    # Nothing is sent until the officer confirms over the summary.
    expect(office.locator("h1")).to_have_text("Confirm the recommendation")
    press(
        office, office.locator("main button", has_text="Yes, send it to the approver recommending approval")
    )
    expect_status(office, "recommended")
    screenshot(office, "recommended")

    # The approver approves.
    boss = new_context(locale="en-US", reduced_motion="reduce")
    log_in(boss, approver, f"/office/queue?q={tracking}")
    press(boss, boss.locator("main table a", has_text=tracking))
    decision = boss.locator(f'form[action="{review_url}/decide"]')
    decision.locator('input[value="approve"]').check()
    press(boss, decision.locator("button"))
    # Nothing is decided until the approver confirms over the summary.
    expect(boss.locator("h1")).to_have_text("Confirm the approval")
    press(boss, boss.locator("main button", has_text="Yes, approve and issue the permit"))
    expect_status(boss, "approved")
    screenshot(boss, "approved")

    # The applicant's approval email, then the certificate from the application page.
    approval = [m for m in live_mail.messages(applicant.email) if "has been approved" in live_mail.body(m)]
    assert approval, [m["Subject"] for m in live_mail.messages(applicant.email)]
    body = live_mail.body(approval[-1])
    assert tracking in body
    assert f"/applications/{application_id}" in body
    citizen.goto(f"/applications/{application_id}", wait_until="domcontentloaded")
    expect_status(citizen, "approved")
    expect(citizen.locator('details[data-tutorial-panel][data-stage="download_permit"]')).to_have_count(1)
    with citizen.expect_download() as download_info:
        citizen.locator("main a", has_text="Download the permit document").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_bytes = Path(download.path()).read_bytes()
    assert pdf_bytes.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf_bytes))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Rina Wulandari" in text
    match = re.search(r"https?://\S+/verify/\S+", text)
    assert match, text
    verify_url = match.group(0)
    # The same address is the PDF's link (the QR code encodes it too).
    links = [
        str(a.get_object()["/A"]["/URI"])
        for p in reader.pages
        for a in (p.get("/Annots") or [])
        if "/A" in a.get_object()
    ]
    assert verify_url in links, (verify_url, links)

    # Anyone opening it (no login) sees VALID.
    stranger = new_context(locale="en-US", reduced_motion="reduce")
    stranger.goto(verify_url, wait_until="domcontentloaded")
    state = stranger.locator(".permit-state")
    expect(state).to_have_class(re.compile(r"permit-state-valid"))
    expect(state.locator("p").first).to_have_text("VALID")
    expect(stranger.locator("main")).to_contain_text("Test permit")
    screenshot(stranger, "verify-valid")
