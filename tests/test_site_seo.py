"""Being found: robots.txt, sitemap.xml (permits, guides, news, and whatever other features
register), and on every public page a meta description, a canonical address, the page in each
language (hreflang) and Open Graph tags."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from flask_babel import lazy_gettext as _l

from portal import create_app, site_registry
from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from portal.public.models import News
from portal.security import public
from portal.site_registry import SitemapEntry
from tests.wizard_helpers import make_category

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://portal.test"


def _head(html: str) -> str:
    return html.split("</head>", 1)[0]


def test_robots_txt_allows_the_public_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "User-agent: *" in text
    assert "Disallow: /admin" in text and "Disallow: /applications" in text
    assert "Disallow: /permits" not in text
    assert f"Sitemap: {BASE}/sitemap.xml" in text
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.headers.getlist("Set-Cookie") == []


def test_sitemap_lists_permits_guides_news_in_both_languages(client):
    category = make_category(slug="izin-sitemap")
    published = News(title="Layanan Sabtu", body="Buka.", published_at=utcnow())
    draft = News(title="Rahasia", body="Belum.", published_at=None)
    db.session.add_all([published, draft])
    db.session.commit()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    tree = ElementTree.fromstring(response.get_data())  # noqa: S314 - our own sitemap
    locs = [loc.text for loc in tree.findall("s:url/s:loc", NS)]
    assert f"{BASE}/permits/izin-sitemap?lang=id" in locs
    assert f"{BASE}/permits/izin-sitemap?lang=en" in locs
    assert f"{BASE}/news/{published.id}?lang=id" in locs
    assert not [loc for loc in locs if f"/news/{draft.id}?" in loc]
    assert f"{BASE}/?lang=en" in locs and f"{BASE}/accessibility?lang=id" in locs
    assert f"{BASE}/privacy?lang=id" in locs
    assert not [loc for loc in locs if "/admin" in loc or "/login" in loc]
    # each entry names its other language
    first = tree.find("s:url", NS)
    assert first is not None
    langs = {link.get("hreflang") for link in first.findall("x:link", NS)}
    assert langs == {"id", "en"}
    assert category.slug


def test_another_feature_adds_its_pages_and_menu_link_through_the_registry(app, client):
    sources = list(app.extensions.get("site_registry.sitemap", []))
    nav = list(app.extensions.get("site_registry.nav", []))
    try:
        site_registry.register_sitemap_source(app, lambda: [SitemapEntry("/faq/agenda-test")])
        site_registry.register_nav_link(app, "public.faq", _l("FAQ"), order=35)
        xml = client.get("/sitemap.xml").get_data(as_text=True)
        assert "/faq/agenda-test" in xml
        home = client.get("/?lang=en").get_data(as_text=True)
        menu = home.split('aria-label="Main menu"', 1)[1].split("</ul>", 1)[0]
        labels = re.findall(r'class="nav-link" href="([^"]+)"', menu)
        assert labels[:4] == ["/", "/permits", "/tutorials", "/faq"]
    finally:
        app.extensions["site_registry.sitemap"] = sources
        app.extensions["site_registry.nav"] = nav


def test_every_public_page_has_description_canonical_hreflang_and_open_graph(client):
    category = make_category(slug="izin-meta")
    for url in ("/", "/permits", f"/permits/{category.slug}", "/accessibility", "/news", "/faq"):
        head = _head(client.get(url + "?lang=id").get_data(as_text=True))
        description = re.search(r'<meta name="description" content="([^"]+)">', head)
        assert description and len(description.group(1)) > 40, url
        path = url.split("?")[0]
        assert f'<link rel="canonical" href="{BASE}{path}?lang=id">' in head, url
        assert f'<link rel="alternate" hreflang="en" href="{BASE}{path}?lang=en">' in head, url
        assert f'<link rel="alternate" hreflang="id" href="{BASE}{path}?lang=id">' in head, url
        assert f'<link rel="alternate" hreflang="x-default" href="{BASE}{path}">' in head, url
        assert '<meta property="og:title" content="' in head, url
        assert f'<meta property="og:url" content="{BASE}{path}?lang=id">' in head, url
        assert '<meta property="og:locale" content="id_ID">' in head, url


def test_the_canonical_address_ignores_a_forged_host_header(client):
    head = _head(client.get("/permits", headers={"Host": "evil.example"}).get_data(as_text=True))
    assert "evil.example" not in head
    assert f'<link rel="canonical" href="{BASE}/permits">' in head


def test_the_plain_address_is_its_own_canonical_not_one_of_the_language_versions(client):
    """Lighthouse (and search engines) refuse a canonical that points from one hreflang
    address (x-default) to another (?lang=en)."""
    head = _head(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<link rel="canonical" href="{BASE}/">' in head
    assert f'<link rel="alternate" hreflang="x-default" href="{BASE}/">' in head
    head = _head(client.get("/?lang=en&lang=xx").get_data(as_text=True))
    assert f'<link rel="canonical" href="{BASE}/?lang=en">' in head


def test_the_accessibility_statement_says_what_was_tested_and_what_does_not_work(client):
    page = client.get("/accessibility?lang=en").get_data(as_text=True)
    for tested in ("axe-core", "keyboard", "JavaScript turned off", "360 pixels"):
        assert tested in page
    assert "What is known not to work yet" in page
    footer = page.split('class="site-footer', 1)[1]
    assert 'href="/privacy"' in footer and 'href="/accessibility"' in footer
    indonesian = client.get("/accessibility?lang=id").get_data(as_text=True)
    assert "Pernyataan aksesibilitas" in indonesian


def _assert_unindexed_error_page(response, code: int, bad_path: str) -> None:
    assert response.status_code == code
    head = _head(response.get_data(as_text=True))
    assert '<meta name="robots" content="noindex">' in head, bad_path
    assert 'rel="canonical"' not in head and "hreflang=" not in head, bad_path
    assert 'property="og:url"' not in head, bad_path
    assert bad_path not in head, bad_path  # nothing points search engines at the bad address


@pytest.mark.parametrize(
    "url",
    [
        "/no-such-page",
        "/no-such-page?lang=en",
        "/permits/no-such-permit",  # the catalogue's own 404
        "/news/999999",
        "/%E2%80%8Bhidden",
    ],
)
def test_a_404_page_is_noindex_and_names_no_canonical_or_language_address(client, url):
    _assert_unindexed_error_page(client.get(url), 404, url.split("?")[0])


def test_403_and_405_pages_are_noindex_without_canonical_or_language_addresses(client, login_as):
    _assert_unindexed_error_page(client.get("/logout"), 405, "/logout")
    login_as(Role.APPLICANT)
    _assert_unindexed_error_page(client.get("/admin/"), 403, "/admin/")


def test_the_500_page_is_noindex_without_canonical_or_language_addresses(tmp_path):
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path, PROPAGATE_EXCEPTIONS=False
    )

    @app.route("/__broken-page")
    @public
    def broken():
        raise RuntimeError("broken")

    _assert_unindexed_error_page(app.test_client().get("/__broken-page"), 500, "/__broken-page")
