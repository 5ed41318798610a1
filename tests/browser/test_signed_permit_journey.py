"""Issue 16's Done-when in Chromium, in Indonesian: the approver approves after confirming; the
applicant downloads a one-page letter whose signature pyHanko validates; the verification page
shows the signer; the check page says the downloaded file is exactly the one issued, and a copy
with one byte changed is not. Screenshots at 360x740 and 1280x800 in test-artifacts/."""

from __future__ import annotations

import io
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def recommended(live, live_user):
    """An application an officer recommended, and its applicant and approver (Indonesian)."""
    from portal.applications import services as app_services
    from portal.applications import workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import User
    from portal.extensions import db
    from tests.wizard_helpers import make_category

    applicant = live_user(full_name=f"Siti Rahmawati {uuid.uuid4().hex[:4]}")
    officer = live_user("officer")
    approver = live_user("approver", full_name="Dra. Hj. Nurul Aini, M.Si.")
    with live.app.app_context():
        boss = db.session.get(User, approver.id)
        boss.position, boss.rank, boss.nip = (
            "Kepala Dinas Penanaman Modal dan PTSP",
            "Pembina Utama Muda (IV/c)",
            "197001011995032001",
        )
        category = make_category(slug=f"sign-{uuid.uuid4().hex[:8]}")
        who = db.session.get(User, applicant.id)
        application = app_services.start_application(who, category)
        application.answers = {
            "business_name": "Warung Sederhana Bu Siti",
            "employees": 3,
            "has_branch": "no",
        }
        db.session.commit()
        clerk = db.session.get(User, officer.id)
        for to, actor in ((S.SUBMITTED, who), (S.IN_REVIEW, clerk), (S.RECOMMENDED, clerk)):
            workflow.transition(application, to, actor)
        db.session.commit()
        made = (application.id, application.tracking_number)
        db.session.remove()
    return (applicant, approver, *made)


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


def check_file(page, path: Path) -> None:
    page.goto("/check-permit", wait_until="domcontentloaded")
    page.locator('input[type="file"][name="file"]').set_input_files(str(path))
    press(page, page.locator('main form[action="/check-permit"] button[type="submit"]'))


def test_approver_approves_applicant_downloads_the_signed_letter_and_anyone_checks_it(
    live, new_context, recommended, tmp_path, screenshot
):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    from portal.permits.models import Permit
    from portal.permits.signing.pades import read_signature
    from portal.permits.verify import office_certificates

    applicant, approver, application_id, tracking = recommended
    review_url = f"/office/applications/{application_id}"

    # The approver approves on the review page, then confirms over the summary.
    boss = new_context()
    log_in(boss, approver, review_url)
    decision = boss.locator(f'form[action="{review_url}/decide"]')
    decision.locator('input[value="approve"]').check()
    press(boss, decision.locator("button"))
    screenshot(boss, "confirm-desktop")
    press(boss, boss.locator(f'main form[action="{review_url}/decide"] button.btn-success'))
    expect(boss.locator("main")).to_contain_text("telah diterbitkan")
    screenshot(boss, "approved-desktop")

    # The applicant, on a phone, downloads the letter.
    citizen = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(citizen, applicant, f"/applications/{application_id}")
    screenshot(citizen, "application-phone")
    with citizen.expect_download() as download_info:
        citizen.locator(f'main a[href="/applications/{application_id}/permit.pdf"]').click()
    letter = Path(download_info.value.path()).read_bytes()
    reader = PdfReader(io.BytesIO(letter))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Yang bertanda tangan di bawah ini" in text and "NIP. 19700101 199503 2 001" in text
    with live.app.app_context():
        from portal.extensions import db

        permit = db.session.query(Permit).filter_by(application_id=application_id).one()
        certificates = office_certificates(permit.signer_certificate)
        signer, token = permit.signer_name, permit.verification_token
        db.session.remove()
    # pyHanko runs its own event loop; Playwright's sync API holds this thread's.
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(read_signature, PdfFileReader(io.BytesIO(letter)), certificates).result()
    assert report is not None and report.valid and report.ours and report.whole_file

    # The verification page (the QR code's link) shows the signer, on a phone and a desktop.
    verify_url = re.search(r"https?://\S+/verify/\S+", text).group(0)
    assert verify_url.endswith(token)
    stranger = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    stranger.goto(verify_url, wait_until="domcontentloaded")
    expect(stranger.locator(".permit-signer")).to_have_text(signer)
    expect(stranger.locator(".permit-signature")).to_contain_text("Sah: ditandatangani oleh kantor")
    expect(stranger.locator(".permit-signature")).to_contain_text("Tidak berubah sejak ditandatangani.")
    assert stranger.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(stranger, "verify-phone", full_page=True)
    desk = new_context()
    desk.goto(verify_url, wait_until="domcontentloaded")
    screenshot(desk, "verify-desktop", full_page=True)

    # The check page: the downloaded file is exactly the issued one; one byte changed is not.
    issued = tmp_path / "izin.pdf"
    issued.write_bytes(letter)
    check_file(stranger, issued)
    expect(stranger.locator(".check-verdict")).to_contain_text("Ini persis berkas yang diterbitkan kantor.")
    screenshot(stranger, "check-issued-phone", full_page=True)
    changed = bytearray(letter)
    changed[letter.index(b"stream", letter.index(b"/Type /Page")) + 40] ^= 0xFF  # inside a signed stream
    tampered = tmp_path / "izin-diubah.pdf"
    tampered.write_bytes(bytes(changed))
    check_file(desk, tampered)
    expect(desk.locator(".check-verdict")).to_contain_text("BUKAN berkas yang diterbitkan kantor")
    screenshot(desk, "check-changed-desktop", full_page=True)
    check_file(stranger, tampered)
    assert stranger.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(stranger, "check-changed-phone", full_page=True)

    # An unknown code: TIDAK TERDAFTAR, with whom to ask.
    stranger.goto("/verify/" + "A" * 43, wait_until="domcontentloaded")
    expect(stranger.locator(".permit-unregistered")).to_contain_text("TIDAK TERDAFTAR: kemungkinan tidak sah")
    screenshot(stranger, "unregistered-phone", full_page=True)
