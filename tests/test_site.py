"""Issue 20: the office's public website, edited by an admin. Every picture (logo, home page
photo, map, profile page picture, official's photo, permit card icon, news picture) goes through
the one picture path: an SVG with a script, a 40-megapixel photo and an animated GIF are refused
and nothing is stored. A social link must be a plain https address (javascript:, data:, look-alike
and IDN hosts refused). The colour theme keeps WCAG AA contrast. Visitors see it all on
cookie-free, cacheable pages."""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from portal.public.models import News
from portal.site import theme
from portal.site.models import CategoryIcon, Official, ProfilePage, SiteIdentity, SiteImage, SocialLink
from tests.conftest import csrf_token
from tests.wizard_helpers import make_category

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(document.cookie)</script><circle cx="50" cy="50" r="40"/></svg>'
)


def stored_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def jpeg(width: int = 800, height: int = 450, quality: int = 80) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 140)).save(buf, format="JPEG", quality=quality)
    return buf.getvalue()


def png(width: int = 96, height: int = 96) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 140)).save(buf, format="PNG")
    return buf.getvalue()


def forty_megapixels() -> bytes:
    buf = io.BytesIO()
    Image.new("L", (8000, 5000), 255).save(buf, format="JPEG", quality=20)  # 40 MP, small file
    return buf.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (40, 40), c) for c in (1, 2, 3)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


BAD_PICTURES = {
    "svg-with-script": (SVG_WITH_SCRIPT, "logo.svg", ("SVG",)),
    "40-megapixels": (forty_megapixels(), "foto.jpg", ("piksel", "pixels")),
    "animated-gif": (animated_gif(), "animasi.gif", ("GIF",)),
}


def post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data}, content_type="multipart/form-data")


def make_profile_page(slug: str = "structure") -> ProfilePage:
    page = ProfilePage(
        slug=slug, position=0, title_id="Struktur organisasi", title_en="Organisation structure"
    )
    db.session.add(page)
    db.session.commit()
    return page


# -- pictures: every slot refuses what the picture rules refuse, and stores nothing --------------
def _slots(client):
    category = make_category(slug="izin-ikon")
    page = make_profile_page()
    news = News(title="Berita", body="Isi.", published_at=utcnow())
    db.session.add(news)
    db.session.commit()
    return {
        "logo": ("/admin/website", "/admin/website/identity", "logo", {}),
        "hero": ("/admin/website", "/admin/website/identity", "hero", {"hero_alt_id": "Gedung kantor"}),
        "map": ("/admin/website", "/admin/website/map", "map", {"alt_id": "Peta kantor"}),
        "page": (
            f"/admin/website/pages/{page.slug}",
            f"/admin/website/pages/{page.slug}",
            "image",
            {"title_id": "Struktur", "alt_id": "Bagan"},
        ),
        "official": (
            "/admin/website/officials/new",
            "/admin/website/officials/new",
            "photo",
            {"name": "Budi", "position_id": "Kepala Dinas", "order": "1"},
        ),
        "icon": ("/admin/website/icons", f"/admin/website/icons/{category.id}", f"c{category.id}-icon", {}),
        "news": (
            f"/staff/news/{news.id}/edit",
            f"/staff/news/{news.id}/edit",
            "image",
            {"title": "Berita", "body": "Isi.", "image_alt": "Foto kegiatan", "publish": "1"},
        ),
    }


@pytest.mark.parametrize("bad", list(BAD_PICTURES))
def test_every_website_picture_refuses_svg_script_40_megapixels_and_animated_gif(app, client, login_as, bad):
    login_as(Role.ADMIN)
    data, name, words = BAD_PICTURES[bad]
    for slot, (page_url, url, field, extra) in _slots(client).items():
        before = stored_files(app)
        response = post(client, page_url, url, {**extra, field: (io.BytesIO(data), name)})
        assert response.status_code == 400, (slot, bad)
        html = response.get_data(as_text=True)
        assert any(w in html for w in words), (slot, bad)
        assert stored_files(app) == before, (slot, bad)
        assert db.session.scalar(select(func.count()).select_from(SiteImage)) == 0, (slot, bad)
        assert db.session.scalar(select(func.count()).select_from(Official)) == 0, (slot, bad)
    assert db.session.scalar(select(News.image_key)) is None


def test_a_picture_without_its_description_is_refused_and_nothing_stored(app, client, login_as):
    login_as(Role.ADMIN)
    before = stored_files(app)
    for page_url, url, data in (
        ("/admin/website", "/admin/website/identity", {"hero": (io.BytesIO(jpeg()), "hero.jpg")}),
        ("/admin/website", "/admin/website/map", {"map": (io.BytesIO(png()), "peta.png")}),
    ):
        response = post(client, page_url, url, data)
        assert response.status_code == 400
        assert "Jelaskan gambar" in response.get_data(as_text=True)
    news = News(title="Berita", body="Isi.", published_at=utcnow())
    db.session.add(news)
    db.session.commit()
    response = post(
        client,
        f"/staff/news/{news.id}/edit",
        f"/staff/news/{news.id}/edit",
        {"title": "Berita", "body": "Isi.", "image": (io.BytesIO(jpeg()), "foto.jpg"), "image_alt": " "},
    )
    assert response.status_code == 400 and "Jelaskan gambar" in response.get_data(as_text=True)
    assert stored_files(app) == before


# -- the admin edits, the visitor sees -------------------------------------------------------
def test_admin_sets_logo_hero_and_words_and_the_home_page_shows_them(app, client, login_as):
    login_as(Role.ADMIN)
    response = post(
        client,
        "/admin/website",
        "/admin/website/identity",
        {
            "logo": (io.BytesIO(png(300, 100)), "logo.png"),
            "hero": (io.BytesIO(jpeg(1600, 600)), "hero.jpg"),
            "hero_alt_id": "Gedung Mal Pelayanan Publik",
            "hero_alt_en": "The Public Service Mall",
            "tagline_id": "Semua izin dalam satu pintu",
            "tagline_en": "Every permit through one door",
        },
    )
    assert response.status_code == 302
    row = db.session.get(SiteIdentity, 1)
    assert row is not None and row.logo is not None and row.hero is not None
    assert (row.logo.width, row.logo.height) == (300, 100)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    home = client.get("/?lang=id").get_data(as_text=True)
    assert f'src="/site/pictures/{row.hero_id}" alt="Gedung Mal Pelayanan Publik"' in home
    assert f'src="/site/pictures/{row.logo_id}"' in home
    assert "Semua izin dalam satu pintu" in home
    english = client.get("/?lang=en").get_data(as_text=True)
    assert 'alt="The Public Service Mall"' in english and "Every permit through one door" in english
    picture = client.get(f"/site/pictures/{row.hero_id}")
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert picture.headers["Cache-Control"].startswith("public")
    assert picture.headers.getlist("Set-Cookie") == []
    picture.close()


def test_the_header_shows_the_permit_letters_coat_of_arms_not_a_second_one(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/letters").get_data(as_text=True)
    response = client.post(
        "/admin/letters/logo",
        data={"csrf_token": csrf_token(page), "logo": (io.BytesIO(png(200, 240)), "lambang.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    arms = re.search(r'<img class="brand-arms" src="([^"]+)"', home)
    assert arms and arms.group(1).startswith("/site/coat-of-arms")
    picture = client.get(arms.group(1))
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    picture.close()
    assert db.session.scalar(select(func.count()).select_from(SiteImage)) == 0  # no copy kept


def test_permit_cards_show_the_sector_icon_until_the_admin_uploads_one(client, login_as):
    category = make_category(slug="izin-kartu")
    catalogue = client.get("/permits").get_data(as_text=True)
    card = catalogue.split('href="/permits/izin-kartu"')[0].rsplit("<li", 1)[1]
    shipped = re.search(r'<img src="([^"]+)" alt=""', card)
    assert shipped and "/static/img/sectors/" in shipped.group(1)
    icon_file = client.get(shipped.group(1).split("?")[0])
    assert icon_file.status_code == 200
    icon_file.close()
    login_as(Role.ADMIN)
    response = post(
        client,
        "/admin/website/icons",
        f"/admin/website/icons/{category.id}",
        {f"c{category.id}-icon": (io.BytesIO(png()), "ikon.png")},
    )
    assert response.status_code == 302
    icon = db.session.get(CategoryIcon, category.id)
    assert icon is not None
    card = (
        client.get("/permits")
        .get_data(as_text=True)
        .split('href="/permits/izin-kartu"')[0]
        .rsplit("<li", 1)[1]
    )
    assert f'src="/site/pictures/{icon.image_id}"' in card


def test_profile_pages_and_officials_edited_by_the_admin_in_both_languages(client, login_as):
    page = make_profile_page("vision-mission")
    login_as(Role.ADMIN)
    response = post(
        client,
        "/admin/website/pages/vision-mission",
        "/admin/website/pages/vision-mission",
        {
            "title_id": "Visi dan misi",
            "title_en": "Vision and mission",
            "body_id": "**Visi:** cepat",
            "body_en": "**Vision:** fast",
        },
    )
    assert response.status_code == 302
    response = post(
        client,
        "/admin/website/officials/new",
        "/admin/website/officials/new",
        {
            "name": "Sri Wahyuni",
            "position_id": "Sekretaris",
            "position_en": "Secretary",
            "order": "1",
            "photo": (io.BytesIO(jpeg(240, 300)), "sri.jpg"),
        },
    )
    assert response.status_code == 302
    id_page = client.get("/profile/vision-mission?lang=id").get_data(as_text=True)
    assert "<strong>Visi:</strong> cepat" in id_page
    en_page = client.get("/profile/vision-mission?lang=en").get_data(as_text=True)
    assert "<strong>Vision:</strong> fast" in en_page and "<h1>Vision and mission</h1>" in en_page
    officials = client.get("/profile/officials?lang=en").get_data(as_text=True)
    assert 'alt="Photo of Sri Wahyuni"' in officials and "Secretary" in officials
    assert page.slug in client.get("/sitemap.xml").get_data(as_text=True)


# -- social links ------------------------------------------------------------------------------
def test_the_admin_is_told_why_a_link_is_refused_and_nothing_is_saved(client, login_as):
    login_as(Role.ADMIN)
    for url, words in (
        ("javascript:alert(1)", "https://"),
        ("https://faceb00k.com/kantor", "facebook.com"),
        ("https://xn--fcebook-8va.com/", "abjad lain"),
    ):
        response = post(client, "/admin/website", "/admin/website/social", {"label": "Facebook", "url": url})
        assert response.status_code == 400, url
        assert words in response.get_data(as_text=True), url
    assert db.session.scalar(select(func.count()).select_from(SocialLink)) == 0
    response = post(
        client,
        "/admin/website",
        "/admin/website/social",
        {"label": "Instagram", "url": "https://instagram.com/kota"},
    )
    assert response.status_code == 302
    footer = client.get("/").get_data(as_text=True).split('class="site-footer', 1)[1]
    assert 'href="https://instagram.com/kota" rel="noopener me">Instagram<' in footer


# -- WhatsApp ----------------------------------------------------------------------------------
def test_the_whatsapp_link_opens_a_chat_with_a_message_naming_the_page(client):
    make_category(slug="izin-wa")
    page = client.get("/permits/izin-wa?lang=id").get_data(as_text=True)
    link = re.search(r'<a class="footer-whatsapp" href="([^"]+)"', page)
    assert link
    href = link.group(1).replace("&amp;", "&")
    parts = urlsplit(href)
    assert parts.scheme == "https" and parts.netloc == "wa.me" and parts.path.startswith("/62")
    text = parse_qs(parts.query)["text"][0]
    assert "halaman ini" in text and "http://portal.test/permits/izin-wa" in text


# -- colours -----------------------------------------------------------------------------------
def test_every_preset_keeps_aa_contrast():
    for preset in theme.PRESETS.values():
        for background in theme.BACKGROUNDS:
            assert theme.contrast(preset.primary, background) >= 4.5, preset.key
            assert theme.contrast(preset.hover, background) >= 4.5, preset.key


@pytest.mark.parametrize("colour", ["#ffcc00", "#0d6efd", "#777777", "#ff0000", "#ffffff"])
def test_a_colour_without_aa_contrast_is_refused_with_its_ratio(client, login_as, colour):
    login_as(Role.ADMIN)
    response = post(client, "/admin/website", "/admin/website/theme", {"choice": "custom", "colour": colour})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"Warna {colour}" in html and "4.5:1" in html
    assert db.session.get(SiteIdentity, 1) is None


def test_a_custom_colour_with_enough_contrast_themes_every_page(client, login_as):
    login_as(Role.ADMIN)
    assert (
        post(
            client, "/admin/website", "/admin/website/theme", {"choice": "custom", "colour": "#7a1f5c"}
        ).status_code
        == 302
    )
    home = client.get("/").get_data(as_text=True)
    css_url = re.search(r'<link rel="stylesheet" href="(/site/theme.css[^"]+)">', home)
    assert css_url
    css = client.get(css_url.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "--bs-primary: #7a1f5c" in css
    assert post(client, "/admin/website", "/admin/website/theme", {"choice": "green"}).status_code == 302
    home = client.get("/").get_data(as_text=True)
    css_url = re.search(r'<link rel="stylesheet" href="(/site/theme.css[^"]+)">', home)
    assert css_url and "1b6b3a" in css_url.group(1)


# -- visitors: cookie-free, cacheable ------------------------------------------------------------
def test_the_new_public_pages_set_no_cookie_and_may_be_cached(client):
    make_profile_page("about")
    for url in ("/profile", "/profile/about", "/profile/officials", "/contact", "/accessibility"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.getlist("Set-Cookie") == [], url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
    assert client.get("/profile/nothing-here").status_code == 404
    assert client.get("/site/pictures/999999").status_code == 404


def test_the_website_pages_are_staff_only_for_editing(client, login_as):
    for url in ("/admin/website", "/admin/website/officials", "/admin/website/icons"):
        assert client.get(url).status_code in (302, 401), url
    login_as(Role.HELPDESK)
    for url in ("/admin/website", "/admin/website/officials", "/admin/website/icons"):
        assert client.get(url).status_code == 403, url
