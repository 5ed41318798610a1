"""Issue 15's Done-when on a phone: a first-time applicant on a 360 x 740 screen, in Indonesian,
finds her name, NIK and phone filled in, uploads a 4 MB camera photo at 400 kbps with a
progress bar, is warned before leaving with a file still on its way, sees a refused upload's
reason on its card, submits, downloads her receipt and reads her answers afterwards."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import (  # noqa: F401 - seeded_catalogue is a fixture
    BUSINESS_PAGE,
    SELECTS,
    SLUG,
    fill,
    press,
    seeded_catalogue,
    submit,
)
from tests.fixtures_files import html_bytes, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits", "seeded_catalogue")]

PHONE = {"width": 360, "height": 740}
KBPS_400 = 400 * 1000 / 8  # bytes per second


def camera_photo_4mb() -> bytes:
    """A 3000 x 4000 portrait JPEG of photo-like noise, about 4 MB."""
    small = Image.effect_noise((375, 500), 80).convert("RGB")
    out = io.BytesIO()
    small.resize((3000, 4000), Image.BICUBIC).save(out, format="JPEG", quality=96)
    return out.getvalue()


def slot(page, key: str):
    return page.locator(f'section.document-slot[aria-labelledby="doc-{key}-title"]')


def test_first_application_on_a_phone_from_prefilled_form_to_receipt(
    new_context, live_user, tmp_path, screenshot
):
    user = live_user(full_name="Siti Aminah")
    page = new_context(locale="id-ID", has_touch=True, reduced_motion="reduce")
    page.set_viewport_size(PHONE)
    page.goto("/login", wait_until="domcontentloaded")
    page.fill("#email", user.email)
    page.fill("#password", user.password)
    submit(page)
    page.goto(f"/permits/{SLUG}", wait_until="domcontentloaded")
    submit(page, page.locator('main form[action$="/apply"] button').first)
    application_path = re.search(r"/applications/\d+", page.url).group(0)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main a.btn-primary", has_text="Lanjutkan").click()

    # Name, NIK and phone come from her account: she types only what the office cannot know.
    expect(page.locator('[name="nama_pemohon"]')).to_have_value("Siti Aminah")
    expect(page.locator('[name="nik"]')).to_have_value(re.compile(r"^647201450790\d{4}$"))
    expect(page.locator('[name="no_hp"]')).not_to_have_value("")
    screenshot(page, "phone-prefilled")
    fill(
        page, {"no_kk": "6472010101900001", "alamat_pemohon": "Jl. Pahlawan No. 12", "rt": "007", "rw": "002"}
    )
    press(page, "continue")
    expect(page).to_have_url(re.compile(r"/form/business$"))
    fill(page, BUSINESS_PAGE)
    for key, value in SELECTS.items():
        page.select_option(f'[name="{key}"]', value)
    press(page, "continue")
    fill(page, {"keperluan": "Membuka rekening bank usaha"})
    press(page, "continue")
    expect(page).to_have_url(re.compile(rf"{application_path}/documents$"))

    # A web page saved as .pdf: refused, the reason on its own card, focus there.
    fake = tmp_path / "pengantar.pdf"
    fake.write_bytes(html_bytes())
    slot(page, "pengantar_rt_rw").locator("#file-pengantar_rt_rw").set_input_files(str(fake))
    card = slot(page, "pengantar_rt_rw")
    expect(card.locator(".alert-danger")).to_contain_text("halaman web")
    expect(card).to_be_focused()
    screenshot(page, "phone-error-on-card")

    # The 4 MB camera photo over a 400 kbps line: made smaller first, then a progress bar.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": KBPS_400, "uploadThroughput": KBPS_400},
    )
    photo = tmp_path / "IMG_20261201_101500.jpg"
    photo.write_bytes(camera_photo_4mb())
    assert photo.stat().st_size > 3_500_000
    slot(page, "ktp").locator("#file-ktp").set_input_files(str(photo))
    progress = slot(page, "ktp").locator(".doc-progress")
    expect(progress).to_be_visible()
    expect(progress.locator(".doc-progress-text")).to_contain_text("Sedang mengunggah", timeout=15_000)
    progress.scroll_into_view_if_needed()
    screenshot(page, "phone-upload-progress")

    # Continue while it is still on its way: a warning, not a lost file.
    page.locator('main button[name="action"][value="continue"]').click()
    warning = page.locator("main .doc-unsent")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("belum terkirim")
    expect(page).to_have_url(re.compile(r"/documents$"))
    screenshot(page, "phone-continue-warns")

    expect(slot(page, "ktp").locator("a", has_text="IMG_20261201_101500.jpg")).to_be_visible(timeout=90_000)
    expect(slot(page, "ktp").locator("img.doc-thumb")).to_be_visible()
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    for key, name in (("pengantar_rt_rw", "pengantar-rt.pdf"), ("kk", "kartu-keluarga.pdf")):
        path = tmp_path / name
        path.write_bytes(make_pdf(text=name))
        slot(page, key).locator(f"#file-{key}").set_input_files(str(path))
        expect(slot(page, key).locator("a", has_text=name)).to_be_visible()
    expect(page.locator("main .document-slot .badge.text-bg-success")).to_have_count(3)
    expect(warning).to_be_hidden()  # nothing is on its way any more
    screenshot(page, "phone-documents", full_page=True)

    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main button[name="action"][value="continue"]').click()
    expect(page).to_have_url(re.compile(r"/review$"))
    page.check("#declaration")
    submit(page, page.locator('main form button[type="submit"]').last)
    expect(page).to_have_url(re.compile(r"/confirmation$"))
    tracking = page.locator(".tracking-number").inner_text().strip()
    screenshot(page, "phone-confirmation")

    # The receipt downloads; afterwards she reads what she sent.
    with page.expect_download() as download:
        page.locator("main a", has_text="Unduh tanda terima").click()
    saved = tmp_path / "receipt.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert tracking in download.value.suggested_filename
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("main a", has_text="Pantau permohonan").first.click()
    sent = page.locator("main")
    for text in (
        "Yang Anda kirim",
        "Siti Aminah",
        BUSINESS_PAGE["nama_usaha"],
        "Membuka rekening bank usaha",
        "IMG_20261201_101500.jpg",
    ):
        expect(sent).to_contain_text(text)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-what-you-sent", full_page=True)
