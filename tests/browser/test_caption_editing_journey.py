"""Issue 14 item 8 in Chromium on a 360 px phone, in Indonesian: a clerk corrects a caption and
a chapter title in the browser, and the served captions follow. Screenshots at 360x740 and
1280x800."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.extensions import db
from portal.tutorials import services, vtt
from portal.tutorials.models import Tutorial
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def _tutorial(app) -> int:
    with app.app_context():
        tutorial = Tutorial(
            title_id="Panduan uji teks",
            title_en="",
            published=True,
            chapters_json=[],
            chapter_transcripts={},
            duration_seconds=20.0,
            embed_url="https://www.youtube-nocookie.com/embed/x",
        )
        db.session.add(tutorial)
        db.session.flush()
        chapters = [vtt.Cue(0.0, 10.0, "Pembuka", id="intro"), vtt.Cue(10.0, 20.0, "Masuk", id="login")]
        services.attach_chapters(tutorial, vtt.serialize(chapters).encode())
        cues = [
            vtt.Cue(0.5, 3.0, "Halo"),
            vtt.Cue(10.5, 14.0, "Tekan Masuk"),
            vtt.Cue(15.0, 19.0, "Isi email"),
        ]
        services.attach_captions(tutorial, "id", vtt.serialize(cues).encode())
        db.session.commit()
        tutorial_id = tutorial.id
        db.session.remove()
    return tutorial_id


def test_a_clerk_corrects_a_caption_on_a_phone(new_context, live, live_user, screenshot):
    tutorial_id = _tutorial(live.app)
    admin = live_user(Role.ADMIN)
    page = new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    log_in(page, admin, f"/admin/tutorials/{tutorial_id}/captions")
    expect(page.locator("h1")).to_have_text("Teks video dan judul bagian")
    part = page.locator("#part-login")
    expect(part.locator('input[name="start"]').first).to_have_value("0:10.5")
    expect(part).to_contain_text("Teks bahasa Inggris belum ada")
    part.scroll_into_view_if_needed()
    screenshot(page, "captions-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width  # no sideways scrolling on a phone
    part.locator('textarea[name="text_id"]').first.fill("Tekan tombol \u201cMasuk\u201d.")
    part.locator('input[name="title_id"]').fill("Masuk ke akun")
    # A caption that overlaps the next one is refused with the line named; nothing is saved.
    part.locator('input[name="end"]').first.fill("0:16")
    with page.expect_navigation():
        part.get_by_role("button", name="Simpan bagian ini").click()
    expect(page.locator("#part-login .alert-danger")).to_contain_text("hanya satu teks yang boleh tampil")
    screenshot(page, "refused-phone")
    part = page.locator("#part-login")
    part.locator('input[name="end"]').first.fill("0:14")
    with page.expect_navigation():
        part.get_by_role("button", name="Simpan bagian ini").click()
    expect(page.locator(".alert-success")).to_contain_text("Teks video bagian ini sudah disimpan")
    with urllib.request.urlopen(f"{live.url}/tutorials/media/{tutorial_id}/captions-id", timeout=30) as r:  # noqa: S310
        cues = vtt.parse(r.read())
    assert [c.text for c in cues] == ["Halo", "Tekan tombol \u201cMasuk\u201d.", "Isi email"]
    expect(page.locator("#part-login h2")).to_contain_text("Masuk ke akun")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator("#part-login").scroll_into_view_if_needed()
    screenshot(page, "captions-desktop")
