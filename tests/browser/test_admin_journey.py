"""Issue 7's admin journey in a real browser: an admin creates a permit type, builds a two-page
form with a conditional field (on its controller's page) and a document requirement, previews
and publishes it, opens the
permit type, makes a video guide (video, captions, chapters typed as a list) mapped to the
form's stages, publishes it; then an applicant applies for the new permit, sees the guide's
chapter on the form page and submits.

English (``en-US``) so texts can be asserted; locators are ids and names. No JavaScript is
needed for any of it (the move buttons are plain forms)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from tests.browser.conftest import log_in as log_in_with_form
from tests.fixtures_files import make_pdf, mp4_bytes

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

CAPTIONS = {
    "captions_id": "WEBVTT\n\n00:00.000 --> 00:10.000\nIsi formulir izin.\n\n"
    "00:10.000 --> 00:20.000\nUnggah KTP dalam PDF.\n",
    "captions_en": "WEBVTT\n\n00:00.000 --> 00:10.000\nFill in the permit form.\n\n"
    "00:10.000 --> 00:20.000\nUpload your ID card as a PDF.\n",
}


def submit(page, button=None) -> None:
    with page.expect_navigation():
        (button or page.locator('main form button[type="submit"]').first).click()


def log_in(page, user, lands_on: str = "/dashboard") -> None:
    log_in_with_form(page, user)
    expect(page).to_have_url(re.compile(re.escape(lands_on) + "$"))


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.locator(f'main form [name="{name}"]').fill(value)


def add_field(page, builder_url: str, page_key: str, values: dict[str, str], selects=None) -> None:
    page.goto(f"{builder_url}/fields/new?page={page_key}")
    fill(page, values)
    for name, value in (selects or {}).items():
        page.select_option(f'main form [name="{name}"]', value)
    submit(page)
    expect(page).to_have_url(re.compile(r"/form#field-"))


def test_admin_builds_a_permit_with_a_guide_and_an_applicant_applies(
    new_context, live_user, tmp_path, screenshot
):
    slug = f"izin-uji-{uuid.uuid4().hex[:6]}"
    admin = live_user(Role.ADMIN, locale="en")
    page = new_context(locale="en-US")
    log_in(page, admin, lands_on="/admin/")  # staff land on their work

    # The permit type and its service standard.
    with page.expect_navigation():
        page.locator('header a[href="/admin/"]').click()
    page.goto("/admin/categories/new")
    fill(
        page,
        {
            "slug": slug,
            "code": "UJI",
            "name_id": "Izin Usaha Uji",
            "name_en": "Test Business Permit",
            "summary_id": "Izin untuk uji",
            "summary_en": "A permit for the browser test",
            "time_limit_days": "5",
            "cost_rupiah": "0",
            "validity_months": "12",
            "legal_basis": "Peraturan Wali Kota No. 1 Tahun 2026",
        },
    )
    page.select_option("#sector", "trade")
    submit(page)
    expect(page).to_have_url(re.compile(r"/admin/categories/\d+/form$"))
    builder_url = re.search(r"/admin/categories/\d+/form", page.url).group(0)
    category_url = builder_url.removesuffix("/form")

    # Two pages, three fields (one shown only for an answer), one document requirement.
    for key, title_id, title_en in (("usaha", "Data usaha", "Business"), ("lokasi", "Lokasi", "Location")):
        page.goto(f"{builder_url}/pages/new")
        fill(page, {"page_key": key, "title_id": title_id, "title_en": title_en})
        submit(page)
    add_field(
        page,
        builder_url,
        "usaha",
        {
            "key": "nama_usaha",
            "label_id": "Nama usaha",
            "label_en": "Business name",
            "help_en": "As on your sign board.",
        },
    )
    page.goto(f"{builder_url}/fields/nama_usaha")
    page.check("#required")
    submit(page)
    add_field(
        page,
        builder_url,
        "usaha",
        {
            "key": "punya_cabang",
            "label_id": "Punya cabang?",
            "label_en": "Has a branch?",
            "options": "ya | Ya | Yes\ntidak | Tidak | No",
        },
        {"type": "radio"},
    )
    add_field(
        page,
        builder_url,
        "usaha",
        {
            "key": "alamat_cabang",
            "label_id": "Alamat cabang",
            "label_en": "Branch address",
            "show_if_equals": "ya",
        },
        {"type": "address", "show_if_field": "punya_cabang"},
    )
    add_field(
        page,
        builder_url,
        "lokasi",
        {"key": "kelurahan", "label_id": "Kelurahan", "label_en": "Urban village"},
    )
    page.goto(f"{builder_url}/documents/new")
    fill(
        page,
        {
            "key": "ktp",
            "label_id": "KTP pemilik",
            "label_en": "Owner's ID card",
            "max_mb": "2",
            "max_files": "1",
        },
    )
    submit(page)
    builder = page.locator("main")
    expect(builder.locator("#page-usaha")).to_contain_text("Business name")
    expect(builder.locator("#page-usaha")).to_contain_text("Branch address")
    expect(builder.locator("#page-lokasi")).to_contain_text("Urban village")
    expect(builder.locator("#document-ktp")).to_contain_text("Owner's ID card")
    # Move the radio above the name, without JavaScript in the way: a plain form post.
    submit(page, page.locator('#field-punya_cabang button[value="up"]'))
    expect(page.locator("#page-usaha li").first).to_contain_text("Has a branch?")
    screenshot(page, "builder", full_page=True)

    # Preview renders the wizard pages, then publish and open the permit type.
    page.goto(f"{builder_url}/preview")
    expect(page.locator("main h2", has_text="Business")).to_be_visible()
    expect(page.locator("main h2", has_text="Location")).to_be_visible()
    expect(page.locator("#f-nama_usaha")).to_be_disabled()
    screenshot(page, "preview")
    page.goto(builder_url)
    submit(page, page.locator("main form button", has_text="Publish"))
    expect(page.locator("main .alert-success")).to_contain_text("Form version 1 is published")
    page.goto(category_url)
    submit(page, page.locator('main button[name="active"][value="1"]'))
    expect(page.locator("main")).to_contain_text("This permit type is open")

    # The video guide for this permit: files, chapters typed as a list, stages, publish.
    page.goto("/admin/tutorials/new")
    fill(
        page,
        {
            "title_id": "Cara mengajukan izin uji",
            "title_en": "How to apply for the test permit",
            "duration_seconds": "20",
        },
    )
    page.select_option("#category_id", label="Izin Usaha Uji")
    submit(page)
    expect(page).to_have_url(re.compile(r"/admin/tutorials/\d+$"))
    video = tmp_path / "guide.mp4"
    video.write_bytes(mp4_bytes() + bytes(2048))
    page.set_input_files("#file-video", str(video))
    submit(page, page.locator("#video button"))
    for what, text in CAPTIONS.items():
        path = tmp_path / f"{what}.vtt"
        path.write_text(text)
        page.set_input_files(f"#file-{what}", str(path))
        submit(page, page.locator(f"#{what} button"))
        expect(page.locator("main .alert-success")).to_be_visible()
    page.fill("#start-1", "0:00")
    page.fill("#tid-1", "Isi formulir")
    page.fill("#ten-1", "Fill in the form")
    page.fill("#start-2", "0:10")
    page.fill("#tid-2", "Unggah dokumen")
    page.fill("#ten-2", "Upload the documents")
    page.fill("#chapters-end", "0:20")
    submit(page, page.locator("#chapters form button", has_text="Save the chapters"))
    expect(page.locator("main .alert-success")).to_contain_text("chapters were saved")
    with page.expect_navigation():
        page.locator("main a", has_text="Map stages to chapters").click()
    page.select_option("#category", label="Izin Usaha Uji")
    submit(page, page.locator("main form[method='get'] button"))
    # Chapters are chosen by their titles: the admin never sees or types a chapter's key.
    page.select_option("#stage_fill_form", label="Chapter: Fill in the form")
    page.select_option("#stage_upload_documents", label="Chapter: Upload the documents")
    submit(page, page.locator("main form[method='post'] button"))
    expect(page.locator("#stage_upload_documents option:checked")).to_have_text(
        "Chapter: Upload the documents"
    )
    with page.expect_navigation():
        page.locator("main a", has_text="Back to the video guide").click()
    submit(page, page.locator('main button[name="published"][value="1"]'))
    expect(page.locator("main .alert-success")).to_contain_text("published")
    screenshot(page, "tutorial", full_page=True)

    # An applicant applies for the new permit.
    applicant = live_user(Role.APPLICANT, locale="en")
    page = new_context(locale="en-US")
    log_in(page, applicant)
    page.goto(f"/permits/{slug}")
    expect(page.locator("main h1")).to_have_text("Test Business Permit")
    submit(page, page.locator('main form[action$="/apply"] button').first)
    expect(page).to_have_url(re.compile(r"/applications/\d+/requirements$"))
    with page.expect_navigation():
        page.locator("main a.btn-primary", has_text="Continue").click()
    expect(page).to_have_url(re.compile(r"/form/usaha$"))
    expect(page.locator("main")).to_contain_text("Fill in the form")  # the mapped chapter
    expect(page.locator("main")).to_contain_text("As on your sign board.")
    page.fill('[name="nama_usaha"]', "Toko Uji Coba")
    expect(page.locator('[name="alamat_cabang"]')).to_be_hidden()  # until "Yes" is chosen
    page.check('[name="punya_cabang"][value="ya"]')
    page.fill('[name="alamat_cabang"]', "Jl. Cabang No. 2, Samarinda")
    submit(page, page.locator('main form button[name="action"][value="continue"]'))
    expect(page).to_have_url(re.compile(r"/form/lokasi$"))
    page.fill('[name="kelurahan"]', "Dadi Mulya")
    submit(page, page.locator('main form button[name="action"][value="continue"]'))
    expect(page).to_have_url(re.compile(r"/documents$"))
    expect(page.locator("main")).to_contain_text("Upload the documents")  # the mapped chapter
    pdf = tmp_path / "ktp.pdf"
    pdf.write_bytes(make_pdf(text="KTP"))
    slot = page.locator('section.document-slot[aria-labelledby="doc-ktp-title"]')
    slot.locator("#file-ktp").set_input_files(str(pdf))  # uploaded at once by the page's script
    expect(
        page.locator('section.document-slot[aria-labelledby="doc-ktp-title"]').locator(
            "a", has_text="ktp.pdf"
        )
    ).to_be_visible()
    with page.expect_navigation():
        page.locator("main button.btn-primary", has_text="Continue").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.locator("main")).to_contain_text("Jl. Cabang No. 2, Samarinda")
    page.check("#declaration")
    submit(page, page.locator('main form button[type="submit"]').last)
    expect(page).to_have_url(re.compile(r"/confirmation$"))
    expect(page.locator(".tracking-number")).to_have_text(re.compile(r"SP-\d{4}-\d{6}"))
    screenshot(page, "applicant-confirmation")
