"""Issue 20's admin journey in Chromium, in Indonesian: an admin sets the office's logo, home
page photo and words, picks a colour (a yellow without contrast is refused first), uploads the
contact map, adds a social link (a javascript: link is refused first), edits a profile page,
adds an official with a photo, replaces a permit card's icon and gives a news item a picture.
A visitor then sees them on a 360 px phone and a desktop: screenshots in test-artifacts/."""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from portal.public.models import News
from portal.site.models import ProfilePage
from tests.browser.conftest import log_in
from tests.wizard_helpers import make_category

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def picture(width: int, height: int, colour=(30, 90, 140), kind: str = "JPEG") -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, format=kind)
    name = "gambar.jpg" if kind == "JPEG" else "gambar.png"
    return {
        "name": name,
        "mimeType": "image/jpeg" if kind == "JPEG" else "image/png",
        "buffer": buf.getvalue(),
    }


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type='submit']").first.click()


def test_admin_edits_the_website_and_a_visitor_sees_it(live, live_user, new_context, screenshot):
    unique = uuid.uuid4().hex[:6]
    with live.app.app_context():
        category = make_category(slug=f"izin-situs-{unique}")
        # first in the catalogue's order by name: other tests' permit types fill its first page
        category.name_id = f"Akta situs {unique}"
        if db.session.query(ProfilePage).filter_by(slug="structure").first() is None:
            db.session.add(
                ProfilePage(slug="structure", position=2, title_id="Struktur", title_en="Structure")
            )
        news = News(title=f"Berita bergambar {unique}", body="Loket Sabtu dibuka.", published_at=utcnow())
        db.session.add(news)
        db.session.commit()
        category_id, news_id = category.id, news.id
        db.session.remove()
    admin = live_user(Role.ADMIN)
    page = new_context()
    log_in(page, admin)

    page.goto("/admin/website")
    # identity: logo, hero photo (its description required), words
    page.set_input_files("#logo", picture(300, 100, kind="PNG"))
    page.set_input_files("#hero", picture(1600, 600))
    page.fill("#hero_alt_id", "")  # the demo may already describe a photo: this one has none
    submit(page, 'form[action$="/website/identity"]')
    expect(page.locator("#hero_alt_id-error")).to_contain_text("Jelaskan gambar")
    page.set_input_files("#hero", picture(1600, 600))
    page.set_input_files("#logo", picture(300, 100, kind="PNG"))
    page.fill("#hero_alt_id", "Gedung Mal Pelayanan Publik")
    page.fill("#tagline_id", f"Semua izin dalam satu pintu {unique}")
    submit(page, 'form[action$="/website/identity"]')
    expect(page.locator(".alert-success")).to_contain_text("disimpan")

    # colours: a yellow is refused with its ratio, then green is taken
    page.locator('input[name="choice"][value="custom"]').check()
    page.fill("#colour", "#ffcc00")
    submit(page, 'form[action$="/website/theme"]')
    expect(page.locator("#colour-error")).to_contain_text("4.5:1")
    page.locator('input[name="choice"][value="green"]').check()
    submit(page, 'form[action$="/website/theme"]')
    expect(page.locator(".alert-success")).to_be_visible()

    # the map and a social link (javascript: refused)
    page.set_input_files("#map", picture(800, 500, (230, 240, 220), kind="PNG"))
    page.fill("#alt_id", "Peta: kantor di Jalan Dahlia")
    submit(page, 'form[action$="/website/map"]')
    expect(page.locator(".alert-success")).to_be_visible()
    page.fill("#label", "Instagram")
    page.fill("#url", "javascript:alert(document.cookie)")
    submit(page, 'form[action$="/website/social"]')
    expect(page.locator("#url-error")).to_contain_text("https://")
    page.fill("#url", f"https://www.instagram.com/dpmptsp{unique}")
    submit(page, 'form[action$="/website/social"]')
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "admin-website-desktop", full_page=True)

    # a profile page with the organisation chart
    page.goto("/admin/website/pages/structure")
    page.fill("#body_id", f"Dinas dipimpin Kepala Dinas {unique}.")
    page.set_input_files("#image", picture(900, 520, (255, 255, 255), kind="PNG"))
    page.fill("#alt_id", "Bagan organisasi dinas")
    submit(page, "main form")
    expect(page.locator(".alert-success")).to_be_visible()

    # an official with a photo
    page.goto("/admin/website/officials/new")
    page.fill("#name", f"Sri Wahyuni {unique}")
    page.fill("#position_id", "Sekretaris")
    page.set_input_files("#photo", picture(240, 300))
    submit(page, "main form")
    expect(page.locator("main")).to_contain_text(f"Sri Wahyuni {unique}")

    # a permit card's icon
    page.goto("/admin/website/icons")
    page.set_input_files(f"#c{category_id}-icon", picture(96, 96, (120, 20, 60), kind="PNG"))
    submit(page, f'form[action$="/website/icons/{category_id}"]')
    expect(page.locator(".alert-success")).to_be_visible()

    # a news picture (its description required)
    page.goto(f"/staff/news/{news_id}/edit")
    page.set_input_files("#image", picture(800, 450, (27, 107, 58)))
    page.fill("#image_alt", "Petugas melayani warga di loket")
    with page.expect_navigation():
        page.locator('main form button[name="publish"]').click()
    expect(page.locator(".alert-success")).to_be_visible()

    # a visitor, phone and desktop, Indonesian
    for name, viewport in (
        ("phone", {"width": 360, "height": 740}),
        ("desktop", {"width": 1280, "height": 800}),
    ):
        visitor = new_context(viewport=viewport)
        visitor.goto("/")
        expect(visitor.locator(".site-hero-picture")).to_have_attribute("alt", "Gedung Mal Pelayanan Publik")
        expect(visitor.locator(".site-tagline")).to_contain_text(unique)
        assert visitor.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        primary = visitor.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--bs-primary')"
        )
        assert primary.strip() == "#1b6b3a"
        screenshot(visitor, f"home-{name}", full_page=True)
        visitor.goto("/permits")
        card = visitor.locator(f'li.card:has(a[href="/permits/{category.slug}"]) img.permit-icon')
        expect(card).to_have_attribute("src", re.compile(r"^/site/pictures/\d+$"))
        visitor.goto("/profile/structure")
        expect(visitor.locator("main")).to_contain_text(f"Kepala Dinas {unique}")
        expect(visitor.locator('main img[alt="Bagan organisasi dinas"]')).to_be_visible()
        screenshot(visitor, f"structure-{name}", full_page=True)
        visitor.goto("/profile/officials")
        expect(visitor.locator(f'img[alt="Foto Sri Wahyuni {unique}"]')).to_be_visible()
        visitor.goto("/contact")
        expect(visitor.locator('main img[alt="Peta: kantor di Jalan Dahlia"]')).to_be_visible()
        expect(visitor.locator(f'a[href="https://www.instagram.com/dpmptsp{unique}"]').first).to_be_visible()
        screenshot(visitor, f"contact-{name}", full_page=True)
        visitor.goto(f"/news/{news_id}")
        expect(visitor.locator('main img[alt="Petugas melayani warga di loket"]')).to_be_visible()
        screenshot(visitor, f"news-{name}", full_page=True)
