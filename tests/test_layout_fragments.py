"""The layout's parts that are the same for everyone (brand, main menu, footer) are rendered once
per language and kept (site.context.cached_fragment); what depends on the page or the person
stays right: the menu marks the page it is on, each language gets its own words, a logged-in
person gets their own links, and a saved setting shows at once."""

from __future__ import annotations

import re
from html import unescape

import pytest

from portal.auth.models import Role
from tests.conftest import post_form


def _header(html: str) -> str:
    return html.split("<header", 1)[1].split("</header>", 1)[0]


def _footer(html: str) -> str:
    return html.split('class="site-footer', 1)[1].split("</footer>", 1)[0]


def _current(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page"', _header(html))


def test_the_menu_marks_only_the_page_it_is_on(client):
    assert _current(client.get("/permits").get_data(as_text=True)) == ["/permits"]
    assert _current(client.get("/faq").get_data(as_text=True)) == []  # the FAQ is not in the menu
    assert _current(client.get("/permits").get_data(as_text=True)) == ["/permits"]
    assert _current(client.get("/").get_data(as_text=True)) in ([], ["/"])
    assert "/permits" not in _current(client.get("/").get_data(as_text=True))


@pytest.mark.parametrize(
    ("first", "then", "words", "not_words"),
    [
        ("id", "en", ["Office hours", "Log in", "Main menu"], ["Jam layanan", ">Masuk<"]),
        ("en", "id", ["Jam layanan", ">Masuk<"], ["Office hours", ">Log in<"]),
    ],
)
def test_each_language_gets_its_own_layout(client, first, then, words, not_words):
    client.get(f"/permits?lang={first}")
    html = client.get(f"/permits?lang={then}").get_data(as_text=True)
    chrome = _header(html) + _footer(html)
    for word in words:
        assert word in chrome
    for word in not_words:
        assert word not in chrome


def test_a_logged_in_person_gets_their_own_links_and_a_visitor_the_visitors(client, login_as):
    visitor = _header(client.get("/permits").get_data(as_text=True))
    assert ">Masuk<" in visitor and "Log out" not in visitor and "Keluar" not in visitor
    login_as(Role.APPLICANT)
    person = _header(client.get("/permits").get_data(as_text=True))
    assert ">Masuk<" not in person
    assert 'action="/logout"' in person and 'name="csrf_token"' in person
    assert _current(client.get("/permits").get_data(as_text=True)) == ["/permits"]


def test_the_layout_is_rendered_once_for_many_pages(app, client):
    calls = []
    original = app.jinja_env.globals["nav_links"]

    def counting():
        calls.append(1)
        return original()

    app.jinja_env.globals["nav_links"] = counting
    try:
        for _ in range(3):
            assert client.get("/permits").status_code == 200
            assert client.get("/faq").status_code == 200
    finally:
        app.jinja_env.globals["nav_links"] = original
    # once for the catalogue (its link marked) and once for the pages not in the menu
    assert len(calls) == 2


def test_saved_office_settings_show_in_the_footer_at_once(app, client, login_as):
    before = client.get("/permits").get_data(as_text=True)
    assert "Kota Uji Tata Letak" not in before
    login_as(Role.ADMIN)
    fields = {"hours": "", "email": "", "phone": "0541 999 888", "whatsapp": "", "address": "", "city": ""}
    response = post_form(
        client, "/admin/settings", {**fields, "name": "DPMPTSP Kota Uji Tata Letak", "short_name": "DPMPTSP"}
    )
    assert response.status_code == 302
    html = app.test_client().get("/permits").get_data(as_text=True)  # a visitor's page
    assert "DPMPTSP Kota Uji Tata Letak" in _footer(html)
    assert "0541 999 888" in _footer(html)


def _selected(html: str) -> list[str]:
    select = html.split('id="sector"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_the_catalogue_search_keeps_the_sector_each_visitor_chose(client):
    from portal.catalogue.models import Sector
    from tests.factories import plain_category

    plain_category("uji-kesehatan", sector=Sector.HEALTH)
    plain_category("uji-dagang", sector=Sector.TRADE)
    assert _selected(client.get("/permits").get_data(as_text=True)) == []
    assert _selected(client.get("/permits?sector=health").get_data(as_text=True)) == ["health"]
    assert _selected(client.get("/permits?sector=trade").get_data(as_text=True)) == ["trade"]
    assert _selected(client.get("/permits?sector=nonsense").get_data(as_text=True)) == []
    assert _selected(client.get("/permits?sector=health").get_data(as_text=True)) == ["health"]


def test_the_title_bar_and_the_shared_title_agree(client):
    html = client.get("/permits?lang=en").get_data(as_text=True)
    assert re.search(r"<title>Permit types · SatuPintu · ", html)
    assert '<meta property="og:title" content="Permit types">' in html


def test_each_address_gets_its_own_links(client):
    """The page's own addresses (canonical, languages, the language switch, the WhatsApp
    message naming the page) are kept per address: a second address never gets the first's."""
    pages = {}
    for query in ("q=izin+usaha", "q=klinik", "sector=health&lang=en", ""):
        html = unescape(client.get(f"/permits?{query}" if query else "/permits").get_data(as_text=True))
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html).group(1)
        switch = re.findall(r'href="(/language\?[^"]+)"', html)
        alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', html)
        pages[query] = (canonical, switch, alternates)
    assert pages["q=izin+usaha"][0].endswith("/permits?q=izin+usaha")
    assert pages["q=klinik"][0].endswith("/permits?q=klinik")
    assert pages["sector=health&lang=en"][0].endswith("/permits?sector=health&lang=en")
    assert pages[""][0].endswith("/permits")
    assert all("next=%2Fpermits%3Fq%3Dklinik" in link for link in pages["q=klinik"][1])
    assert all("next=%2Fpermits&" in link or link.endswith("next=%2Fpermits") for link in pages[""][1])
    assert dict(pages["q=klinik"][2])["x-default"].endswith("/permits?q=klinik")
    assert dict(pages["q=klinik"][2])["en"].endswith("/permits?q=klinik&lang=en")
