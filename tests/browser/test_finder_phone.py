"""Issue 15 on a 360 x 740 phone, in Indonesian: the header takes at most 15% of the screen,
the menu folds behind a "Menu" link that opens it without JavaScript (CSS :target), the home page's search box
is above the fold, and each of the citizen's phrasings leads to the right permit or signpost
within two taps (Cari, then the first result). Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest
from sqlalchemy import select

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

WIDTH, HEIGHT = 360, 740

JOURNEYS = [
    ("izin usaha makanan rumahan", "/other-offices/pirt", "PIRT"),
    ("PIRT", "/other-offices/pirt", "PIRT"),
    ("buka warung", "/permits/surat-keterangan-domisili-usaha", "Domisili Usaha"),
    ("pasang spanduk toko", "/permits/izin-reklame", "Izin Reklame"),
    ("bangun rumah", "/permits/pbg", "Persetujuan Bangunan Gedung"),
]


@pytest.fixture(scope="module")
def seeded(live):
    from portal.catalogue.models import PermitCategory
    from portal.catalogue.seed import seed_categories
    from portal.catalogue.seed_finder import seed_finder
    from portal.extensions import db

    with live.app.app_context():
        list(seed_categories())
        list(seed_finder())
        assert db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == "pbg"))
    return live


@pytest.fixture
def phone(browser, seeded, request):
    kwargs = {
        "viewport": {"width": WIDTH, "height": HEIGHT},
        "device_scale_factor": 1,
        "is_mobile": True,
        "has_touch": True,
        "locale": "id-ID",
        "java_script_enabled": getattr(request, "param", True),
    }
    context = browser.new_context(base_url=seeded.url, **kwargs)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize(("query", "path", "title"), JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_her_words_lead_to_the_permit_in_two_taps(phone, screenshot, query, path, title):
    phone.goto("/")
    screenshot(phone, "home")
    box = phone.locator("#home-q").bounding_box()
    assert box and box["y"] + box["height"] <= HEIGHT, f"search box below the fold: {box}"
    phone.locator("#home-q").fill(query)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Cari", exact=True).first.tap()  # tap 1
    screenshot(phone, "results")
    first = phone.locator(".search-hit-link").first
    first_box = first.bounding_box()
    assert first_box and first_box["y"] + first_box["height"] <= HEIGHT, "first result off-screen"
    with phone.expect_navigation():
        first.tap()  # tap 2
    assert phone.url.endswith(path), phone.url
    assert title in phone.locator("h1").inner_text()
    screenshot(phone, "permit")


@pytest.mark.parametrize("phone", [True, False], ids=["js", "no-js"], indirect=True)
def test_short_header_and_a_menu_that_opens_without_javascript(phone, screenshot):
    phone.goto("/")
    header = phone.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.15 * HEIGHT, f"header is {header['height']} px of {HEIGHT}"
    menu_link = phone.locator("header nav a", has_text="Jenis Izin")
    assert not menu_link.is_visible()
    assert not phone.locator("header .lang-switch").is_visible()
    phone.locator("header a.site-menu-open").tap()
    assert menu_link.is_visible()
    assert phone.locator("header .lang-switch").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    screenshot(phone, "menu-open")
    phone.get_by_role("link", name="Tutup menu").tap()
    assert not menu_link.is_visible()
    phone.locator("header a.site-menu-open").tap()
    with phone.expect_navigation():
        menu_link.tap()
    assert phone.url.endswith("/permits")


def test_desktop_shows_the_menu_without_the_menu_link(browser, seeded):
    context = browser.new_context(
        base_url=seeded.url, viewport={"width": 1280, "height": 800}, locale="id-ID"
    )
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("header nav a", has_text="Jenis Izin").is_visible()
        assert page.locator("header .lang-switch").is_visible()
        assert not page.locator("header a.site-menu-open").is_visible()
    finally:
        context.close()


def test_finder_questions_on_a_phone(phone, screenshot):
    phone.goto("/")
    with phone.expect_navigation():
        phone.get_by_role("link", name="Bantu saya memilih izin").first.tap()
    screenshot(phone, "question-1")
    with phone.expect_navigation():
        phone.locator(".finder-choice", has_text="Berjualan").tap()
    with phone.expect_navigation():
        phone.locator(".finder-choice", has_text="buatan rumah").tap()
    assert phone.url.endswith("/other-offices/pirt")
    assert "Kantor kami tidak menerbitkan izin ini." in phone.content()
    screenshot(phone, "signpost")
