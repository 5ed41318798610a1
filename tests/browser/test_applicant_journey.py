"""Issue 3's journey in a real browser: a new person registers and confirms their email, finds
the business domicile letter (a seeded category) by searching the catalogue, starts an
application, fills its three form pages, leaves with "Save and continue later", resumes from
the dashboard, uploads every required document, submits with the declaration, gets a tracking
number on the confirmation page and by email, and sees the application on the dashboard.

English (``en-US``) so the texts can be asserted; the locators are ids and names.
"""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.fixtures_files import make_jpeg, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

SLUG = "surat-keterangan-domisili-usaha"
PASSPHRASE = "nasi goreng kampung pedas manis"
TRACKING_RE = re.compile(r"SP-\d{4}-\d{6}")
# NIK 647201 450790 xxxx: Samarinda, a woman born on 5 July 1990; serials of their own in this
# module so they never meet another module's (live_user counts from 1, test_accounts from 123).
_serials = itertools.count(7001)

APPLICANT_PAGE = {
    "nama_pemohon": "Siti Aminah",
    "no_kk": "6472010101900001",
    "alamat_pemohon": "Jl. Pahlawan No. 12, Kelurahan Dadi Mulya",
    "rt": "007",
    "rw": "002",
    "no_hp": "0812 3456 7890",
}
BUSINESS_PAGE = {
    "nama_usaha": "Warung Makan Bu Siti",
    "jenis_usaha": "Rumah makan",
    "alamat_usaha": "Jl. Pahlawan No. 14, Samarinda",
}
SELECTS = {"bentuk_usaha": "perorangan", "status_tempat_usaha": "sewa"}


@pytest.fixture(scope="session")
def seeded_catalogue(live):
    """The demo categories and holidays in the live app's database (idempotent seeds)."""
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db

    with live.app.app_context():
        list(seed_categories())
        list(seed_holidays())
        db.session.remove()


def submit(page, button=None) -> None:
    """Press ``button`` (default: the main form's submit) and wait for the next page."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        (button or page.locator('main form button[type="submit"]').first).click()


def register_and_confirm(page, live_server, live_mail) -> tuple[str, str]:
    unique = uuid.uuid4().hex[:8]
    name, email = f"Siti Aminah {unique}", f"siti-{unique}@example.com"
    page.goto("/register", wait_until="domcontentloaded")
    page.fill("#full_name", name)
    page.fill("#email", email)
    page.fill("#nik", f"647201450790{next(_serials):04d}")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#password", PASSPHRASE)
    page.check("#privacy_consent")
    submit(page)
    expect(page).to_have_url(re.compile(r"/register/check-email$"))
    link = live_mail.last_link(email, "/confirm-email/")
    assert link.startswith(live_server + "/confirm-email/"), link
    page.goto(link, wait_until="domcontentloaded")
    submit(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    page.fill("#email", email)
    page.fill("#password", PASSPHRASE)
    submit(page)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    return name, email


def fill(page, values: dict[str, str]) -> None:
    for key, value in values.items():
        page.locator(f'main form [name="{key}"]').fill(value)


def press(page, action: str) -> None:
    """One of the wizard's buttons: back, continue or later."""
    submit(page, page.locator(f'main form button[name="action"][value="{action}"]'))


def test_new_user_finds_a_permit_applies_over_several_visits_and_submits(
    new_context, live_server, live_mail, seeded_catalogue, tmp_path, screenshot
):
    page = new_context(locale="en-US", reduced_motion="reduce")
    name, email = register_and_confirm(page, live_server, live_mail)

    # The catalogue: a search finds the domicile letter.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main a[href="/permits"]').click()
    page.fill("#q", "domicile")
    submit(page, page.locator('form[role="search"] button[type="submit"]'))
    expect(page).to_have_url(re.compile(r"/permits\?.*q=domicile"))
    results = page.locator("main .catalogue-list h2 a")
    expect(results).to_have_count(1)
    expect(results).to_have_text("Business Domicile Letter")
    screenshot(page, "search")
    with page.expect_navigation(wait_until="domcontentloaded"):
        results.click()
    expect(page).to_have_url(re.compile(rf"/permits/{SLUG}$"))
    expect(page.locator("main h1")).to_have_text("Business Domicile Letter")
    expect(page.locator("#docs-title")).to_be_visible()

    # Start: the requirements stage, then the first form page.
    submit(page, page.locator('main form[action$="/apply"] button').first)
    expect(page).to_have_url(re.compile(r"/applications/\d+/requirements$"))
    application_path = re.search(r"/applications/\d+", page.url).group(0)
    expect(page.locator("main h1")).to_contain_text("Business Domicile Letter")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main a.btn-primary", has_text="Continue").click()
    expect(page).to_have_url(re.compile(r"/form/applicant$"))

    # Page 1 with a mistake first: the error is listed and the typed values are kept.
    fill(page, {**APPLICANT_PAGE, "no_kk": "12345"})
    page.fill('[name="nik"]', "6472014507900999")
    press(page, "continue")
    expect(page).to_have_url(re.compile(r"/form/applicant$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter 16 digits.")
    expect(page.locator('[name="nama_pemohon"]')).to_have_value(APPLICANT_PAGE["nama_pemohon"])
    screenshot(page, "form-error")
    page.fill('[name="no_kk"]', APPLICANT_PAGE["no_kk"])
    press(page, "continue")
    expect(page).to_have_url(re.compile(r"/form/business$"))

    # Page 2, then leave.
    fill(page, BUSINESS_PAGE)
    for key, value in SELECTS.items():
        page.select_option(f'[name="{key}"]', value)
    press(page, "later")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.locator("main")).to_contain_text("Your draft has been saved.")
    draft_row = page.locator("main .application-card", has_text="Business Domicile Letter")
    expect(draft_row).to_have_count(1)
    screenshot(page, "dashboard-draft")

    # A new visit (a new browser, logged in again) resumes from the dashboard.
    page.context.close()
    page = new_context(locale="en-US", reduced_motion="reduce")
    page.goto("/login", wait_until="domcontentloaded")
    page.fill("#email", email)
    page.fill("#password", PASSPHRASE)
    submit(page)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    # ... at the furthest unfinished step: the third form page, step 4 of 6.
    resume = page.locator("main .application-card", has_text="Business Domicile Letter").locator(
        "a", has_text="Continue"
    )
    expect(resume).to_contain_text("Continue: step 4 of 6")
    with page.expect_navigation(wait_until="domcontentloaded"):
        resume.click()
    expect(page).to_have_url(re.compile(rf"{application_path}/form/purpose$"))
    # The progress indicator marks the requirements and both pages done, and links them.
    progress = page.locator("nav.wizard-progress")
    expect(progress.locator("li.done")).to_have_count(3)
    with page.expect_navigation(wait_until="domcontentloaded"):
        progress.locator('a[href$="/form/business"]').click()
    for key, value in BUSINESS_PAGE.items():
        expect(page.locator(f'[name="{key}"]')).to_have_value(value)
    for key, value in SELECTS.items():
        expect(page.locator(f'[name="{key}"]')).to_have_value(value)
    press(page, "continue")
    expect(page).to_have_url(re.compile(r"/form/purpose$"))
    fill(page, {"keperluan": "Membuka rekening bank usaha"})
    press(page, "continue")
    expect(page).to_have_url(re.compile(rf"{application_path}/documents$"))

    # Every required document: a PDF for two, a JPEG photo for the KTP.
    files = {
        "pengantar_rt_rw": ("surat-pengantar-rt.pdf", make_pdf(text="Surat pengantar RT 007")),
        "ktp": ("ktp-siti.jpg", make_jpeg(320, 200)),
        "kk": ("kartu-keluarga.pdf", make_pdf(text="Kartu keluarga")),
    }
    for key, (filename, data) in files.items():
        path = tmp_path / filename
        path.write_bytes(data)
        slot = page.locator(f'section.document-slot[aria-labelledby="doc-{key}-title"]')
        # the upload starts when the file is chosen (the Upload button is for pages without JS)
        expect(slot.locator('button[type="submit"]', has_text="Upload")).to_be_hidden()
        slot.locator(f"#file-{key}").set_input_files(str(path))
        slot = page.locator(f'section.document-slot[aria-labelledby="doc-{key}-title"]')
        expect(slot.locator("a", has_text=filename)).to_be_visible()
        expect(slot).to_contain_text("The file has been uploaded.")
    expect(page.locator("main .document-slot .badge.text-bg-success")).to_have_count(3)
    screenshot(page, "documents", full_page=True)

    # Review: every answer and document; submitting needs the declaration.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main button.btn-primary", has_text="Continue").click()
    expect(page).to_have_url(re.compile(rf"{application_path}/review$"))
    review = page.locator("main")
    for value in (
        APPLICANT_PAGE["nama_pemohon"],
        BUSINESS_PAGE["nama_usaha"],
        "Membuka rekening bank usaha",
        "ktp-siti.jpg",
        "kartu-keluarga.pdf",
    ):
        expect(review).to_contain_text(value)
    submit(page, page.locator('main form button[type="submit"]').last)
    expect(page).to_have_url(re.compile(rf"{application_path}/review$"))
    expect(page.locator("#error-summary")).to_contain_text("declaration")
    page.check("#declaration")
    screenshot(page, "review")
    submit(page, page.locator('main form button[type="submit"]').last)

    # Confirmation with the tracking number; the same number by email and on the dashboard.
    expect(page).to_have_url(re.compile(rf"{application_path}/confirmation$"))
    expect(page.locator("main h1")).to_have_text("Your application has been submitted")
    tracking = page.locator(".tracking-number").inner_text().strip()
    assert TRACKING_RE.fullmatch(tracking), tracking
    screenshot(page, "confirmation")
    mails = [m for m in live_mail.messages(email) if tracking in live_mail.body(m)]
    assert mails, f"no email to {email} with {tracking}"
    assert tracking in mails[-1]["Subject"] or tracking in live_mail.body(mails[-1])

    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main a", has_text="My dashboard").click()
    row = page.locator("main .application-card", has_text=tracking)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Business Domicile Letter")
    expect(row.locator(".badge")).to_have_class(re.compile(r"status-submitted"))
    expect(row.locator("a", has_text="Continue")).to_have_count(0)
    screenshot(page, "dashboard-submitted")
