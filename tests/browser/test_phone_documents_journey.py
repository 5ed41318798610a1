"""Issue 15's Done-when on a phone: a first-time applicant on a 360 x 740 screen, in Indonesian,
keeps her KK in "Dokumen saya", finds her name, NIK and phone filled in, uploads a 4 MB camera
photo at 400 kbps with a progress bar, is warned before leaving with a file still on its way,
sees a refused upload's reason on its card, uses her kept KK with "Pakai dari Dokumen saya",
submits, downloads her receipt and reads her answers afterwards. And an upload cancelled halfway
over a slow line stores nothing."""

from __future__ import annotations

import io
import re
from pathlib import Path

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

    # Once, in her account: the family card goes into "Dokumen saya".
    page.goto("/account/documents", wait_until="domcontentloaded")
    expect(page.locator("h1")).to_have_text("Dokumen saya")
    page.select_option("#kind", "kk")
    kept = tmp_path / "kartu-keluarga-siti.pdf"
    kept.write_bytes(make_pdf(text="Kartu Keluarga"))
    page.set_input_files("#vault-new-file", str(kept))
    submit(page, page.locator("main form.vault-add button[type=submit]"))
    expect(page.locator("main .vault-item")).to_contain_text("kartu-keluarga-siti.pdf")
    expect(page.locator("main .vault-item h2")).to_have_text("Kartu Keluarga (KK)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-my-documents", full_page=True)

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
    path = tmp_path / "pengantar-rt.pdf"
    path.write_bytes(make_pdf(text="pengantar"))
    slot(page, "pengantar_rt_rw").locator("#file-pengantar_rt_rw").set_input_files(str(path))
    expect(slot(page, "pengantar_rt_rw").locator("a", has_text="pengantar-rt.pdf")).to_be_visible()

    # Her KK from "Dokumen saya": one tap, a checked copy stored for this application.
    use = slot(page, "kk").locator("button.doc-use-vault")
    expect(slot(page, "kk").locator(".doc-vault")).to_contain_text("Pakai dari Dokumen saya")
    expect(use).to_contain_text("Kartu Keluarga (KK)")
    expect(slot(page, "ktp").locator("button.doc-use-vault")).to_have_count(0)  # a KK is not a KTP
    use.scroll_into_view_if_needed()
    screenshot(page, "phone-use-from-my-documents")
    submit(page, use)
    expect(page).to_have_url(re.compile(r"/documents#doc-kk$"))
    expect(slot(page, "kk").locator("a", has_text="kartu-keluarga-siti.pdf")).to_be_visible()
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
        "kartu-keluarga-siti.pdf",
    ):
        expect(sent).to_contain_text(text)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-what-you-sent", full_page=True)


def test_an_upload_cancelled_halfway_on_a_slow_line_stores_nothing(
    new_context, live_user, live, tmp_path, screenshot
):
    from sqlalchemy import select

    from portal.applications.models import Document
    from portal.extensions import db

    user = live_user(full_name="Siti Aminah")
    page = new_context(locale="id-ID", has_touch=True, reduced_motion="reduce")
    page.set_viewport_size(PHONE)
    page.goto("/login", wait_until="domcontentloaded")
    page.fill("#email", user.email)
    page.fill("#password", user.password)
    submit(page)
    page.goto(f"/permits/{SLUG}", wait_until="domcontentloaded")
    submit(page, page.locator('main form[action$="/apply"] button').first)
    application_id = int(re.search(r"/applications/(\d+)", page.url).group(1))
    page.goto(f"/applications/{application_id}/documents", wait_until="domcontentloaded")
    uploads = Path(live.app.config["UPLOAD_ROOT"])
    before = {p for p in uploads.rglob("*") if p.is_file()}

    # A 1.5 MB PDF (never made smaller in the browser) over 400 kbps: about 30 s on its way.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 150, "downloadThroughput": KBPS_400, "uploadThroughput": KBPS_400},
    )
    big = tmp_path / "surat-pengantar-besar.pdf"
    big.write_bytes(make_pdf(text="pengantar") + b"%" + b"0" * 1_500_000 + b"\n")
    card = slot(page, "pengantar_rt_rw")
    card.locator("#file-pengantar_rt_rw").set_input_files(str(big))
    bar = card.locator(".doc-progress progress")
    page.wait_for_function(
        "el => el.value >= 20 && el.value < 80", arg=bar.element_handle(), timeout=30_000
    )  # halfway, more or less
    card.locator(".doc-progress").scroll_into_view_if_needed()
    screenshot(page, "phone-cancel-halfway")
    card.locator(".doc-cancel").click()
    expect(card.locator(".doc-error")).to_contain_text("Unggahan dibatalkan")
    expect(card.locator(".doc-progress")).to_be_hidden()
    screenshot(page, "phone-cancelled")

    # The line is fast again; another file for another card goes through, so the server has
    # long finished with the cut-off request when we look.
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    small = tmp_path / "kartu-keluarga.pdf"
    small.write_bytes(make_pdf(text="kk"))
    slot(page, "kk").locator("#file-kk").set_input_files(str(small))
    expect(slot(page, "kk").locator("a", has_text="kartu-keluarga.pdf")).to_be_visible()
    page.reload(wait_until="domcontentloaded")
    expect(slot(page, "pengantar_rt_rw")).to_contain_text("Belum diunggah")
    with live.app.app_context():
        documents = db.session.scalars(
            select(Document).where(Document.application_id == application_id)
        ).all()
        assert [d.requirement_key for d in documents] == ["kk"]
        kept = {documents[0].storage_key, documents[0].thumbnail_key}
        db.session.remove()
    new_files = {p.relative_to(uploads).as_posix() for p in uploads.rglob("*") if p.is_file()} - {
        p.relative_to(uploads).as_posix() for p in before
    }
    assert new_files == kept  # the KK and its preview; nothing of the cancelled upload
