"""Issue 16's "Done when" for the review screen, in Indonesian, in real Chromium: an officer
reads a PDF document inside the review page (its pages are pictures the server rendered: they
load and are on screen, no blocked frame), on a desktop and on a 360x740 phone; the approver
approves only after confirming over a summary."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


@pytest.fixture
def recommended_and_submitted(live, live_user):
    """Two applications of a small category with a two-page PDF: one submitted (for the
    officer), one already recommended for approval by a named officer (for the approver)."""
    from portal.applications import services as app_services
    from portal.auth.models import User
    from portal.backoffice import services as office
    from portal.extensions import db
    from tests.factories import add_document, make_draft
    from tests.fixtures_files import make_pdf
    from tests.wizard_helpers import make_category

    applicant = live_user(full_name=f"Siti Rahmawati {uuid.uuid4().hex[:4]}")
    officer = live_user("officer", full_name="Budi Santoso")
    approver = live_user("approver")
    with live.app.app_context():
        category = make_category(slug=f"review-{uuid.uuid4().hex[:8]}")
        who = db.session.get(User, applicant.id)
        made = []
        for _ in range(2):
            draft = make_draft(who, category)
            add_document(draft, data=make_pdf(pages=2, text="Kartu Tanda Penduduk"), name="ktp-siti.pdf")
            app_services.submit(draft, who, declaration=True)
            made.append(draft)
        reviewing, deciding = made
        budi = db.session.get(User, officer.id)
        office.start_review(deciding, budi, deciding.version)
        for doc in app_services.documents_of(deciding):
            office.set_document_verdict(deciding, doc.id, budi, True)
        office.recommend(deciding, budi, "approve", "Berkas lengkap", deciding.version)
        db.session.commit()  # services flush; the caller commits
        ids = (reviewing.id, deciding.id, deciding.tracking_number)
        db.session.remove()
    return officer, approver, ids


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


def expect_rendered(picture) -> None:
    """The picture loaded (a real JPEG with pixels) and is on screen."""
    picture.scroll_into_view_if_needed()
    expect(picture).to_be_visible()
    picture.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    box = picture.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200, box


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 360, "height": 740}], ids=["desktop", "phone"]
)
def test_officer_reads_the_pdf_inside_the_review_page(
    new_context, recommended_and_submitted, screenshot, viewport
):
    officer, _approver, (reviewing_id, _deciding_id, _number) = recommended_and_submitted
    page = new_context(viewport=viewport)
    log_in(page, officer)
    # The officer lands on the queue, not on a citizen's dashboard.
    expect(page).to_have_url(re.compile(r"/office/queue$"))
    page.goto(f"/office/applications/{reviewing_id}", wait_until="domcontentloaded")
    expect(page.locator("iframe")).to_have_count(0)
    pages = page.locator("#documents img.document-page")
    expect(pages).to_have_count(2)
    expect(pages.first).to_have_attribute("alt", re.compile(r"^Halaman 1 dari 2, ktp-siti\.pdf$"))
    expect_rendered(pages.first)
    screenshot(page, "document-page-1")
    if viewport["width"] >= 992:
        # Beside the answers: the documents column starts level with the answers column.
        answers = page.locator("#answers").bounding_box()
        documents = page.locator("#documents").bounding_box()
        assert documents["x"] > answers["x"] + answers["width"] - 1, (answers, documents)
        assert abs(documents["y"] - answers["y"]) < 5, (answers, documents)
    else:
        # On a phone the two stack, and nothing is wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # Start the review; the flash says what happened, in Indonesian.
    press(page, page.locator(f'form[action="/office/applications/{reviewing_id}/start"] button'))
    expect(page.locator(".flash-messages")).to_contain_text("Anda mulai memeriksa")
    second = page.locator("#documents img.document-page").nth(1)
    expect_rendered(second)
    screenshot(page, "document-page-2")


def test_approver_approves_after_confirming_over_a_summary(
    new_context, recommended_and_submitted, screenshot
):
    _officer, approver, (_reviewing_id, deciding_id, number) = recommended_and_submitted
    for viewport, name in (
        ({"width": 360, "height": 740}, "phone"),
        ({"width": 1280, "height": 800}, "desktop"),
    ):
        page = new_context(viewport=viewport)
        log_in(page, approver)
        expect(page).to_have_url(re.compile(r"/office/queue\?status=recommended$"))
        row = page.locator("main table tr", has_text=number)
        expect(row).to_contain_text("Budi Santoso")
        press(page, row.locator("a", has_text=number))
        expect(page.locator("main")).to_contain_text("oleh Budi Santoso")
        decision = page.locator(f'form[action="/office/applications/{deciding_id}/decide"]')
        decision.locator('input[value="approve"]').check()
        press(page, decision.locator("button"))
        expect(page.locator("h1")).to_have_text("Konfirmasi persetujuan")
        expect(page.locator(".decision-summary")).to_contain_text(number)
        expect(page.locator(".decision-documents")).to_contain_text("diterima")
        screenshot(page, f"confirm-{name}", full_page=True)
        if name == "phone":
            # Going back decides nothing.
            press(page, page.locator("main a", has_text="Tidak, kembali"))
            expect(page.locator("main dl .badge").first).to_have_class(re.compile(r"status-recommended\b"))
            continue
        press(page, page.locator("main button", has_text="Ya, setujui dan terbitkan izin"))
        expect(page.locator("main dl .badge").first).to_have_class(re.compile(r"status-approved\b"))
        expect(page.locator(".flash-messages")).to_contain_text("telah diterbitkan")
        history = page.locator("#history")
        expect(history).to_contain_text("menyetujui permohonan dan izin diterbitkan")
        expect(history).to_contain_text("Budi Santoso menerima dokumen KTP pemohon")
        screenshot(page, f"approved-{name}")


def test_officer_recommends_after_confirming_over_a_summary_on_a_phone(
    new_context, recommended_and_submitted, screenshot
):
    officer, _approver, (reviewing_id, _deciding_id, _number) = recommended_and_submitted
    page = new_context(viewport={"width": 360, "height": 740})
    log_in(page, officer)
    review = f"/office/applications/{reviewing_id}"
    page.goto(review, wait_until="domcontentloaded")
    press(page, page.locator(f'form[action="{review}/start"] button'))
    cards = page.locator("#documents .card")
    for i in range(cards.count()):
        press(page, page.locator("#documents .card").nth(i).locator('button[name="verdict"][value="accept"]'))
    recommend = page.locator(f'form[action="{review}/recommend"]')
    recommend.locator('input[value="approve"]').check()
    press(page, recommend.locator("button"))
    # Nothing is sent until the officer confirms over the summary.
    expect(page.locator("h1")).to_have_text("Konfirmasi rekomendasi")
    expect(page.locator(".decision-summary")).to_contain_text("Rekomendasikan untuk disetujui")
    expect(page.locator(".decision-documents")).to_contain_text("diterima")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "confirm-recommendation-phone", full_page=True)
    press(page, page.locator("main button", has_text="Ya, kirim ke Pejabat Penandatangan"))
    expect(page.locator(".flash-messages")).to_contain_text("rekomendasi untuk disetujui")
    expect(page.locator("main dl .badge").first).to_have_class(re.compile(r"status-recommended\b"))
