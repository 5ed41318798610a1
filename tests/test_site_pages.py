"""Issue 20, item 2: the admin adds, edits, reorders and removes the office profile's pages. A
page's address (slug) holds slug characters only, is unique and never a reserved name; a removed
page leaves the profile menu and the sitemap and answers 404. Text is rendered through the
portal's safe Markdown, titles are escaped."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.site.models import ProfilePage, SiteImage
from tests.conftest import csrf_token
from tests.test_site import jpeg, make_profile_page, post, stored_files

NEW = "/admin/website/pages/new"


def add_page(client, **fields):
    data = {"slug": "maklumat", "title_id": "Maklumat pelayanan", "title_en": "Service pledge"}
    data.update(fields)
    return post(client, NEW, NEW, data)


def menu(client, lang: str = "id") -> list[str]:
    """The titles in the profile menu, in order, as a visitor sees them."""
    html = client.get(f"/profile?lang={lang}").get_data(as_text=True)
    nav = html.split('class="nav nav-pills flex-wrap gap-1 profile-nav"', 1)[1].split("</nav>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<a [^>]*>(.*?)</a>", nav)]


def html_text(html: str) -> str:
    return html_lib.unescape(html)


def page_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProfilePage)) or 0


def move(client, slug: str, direction: str):
    token = csrf_token(client.get("/admin/website").get_data(as_text=True))
    return client.post(
        f"/admin/website/pages/{slug}/move", data={"csrf_token": token, "direction": direction}
    )


def test_the_admin_adds_a_page_that_visitors_find_in_the_menu_and_sitemap(client, login_as):
    make_profile_page("about")
    login_as(Role.ADMIN)
    response = add_page(
        client,
        body_id="Kami **berjanji** melayani.",
        body_en="We **pledge** to serve.",
        image=(io.BytesIO(jpeg()), "maklumat.jpg"),
        alt_id="Maklumat pelayanan yang ditandatangani",
    )
    assert response.status_code == 302
    assert "Maklumat pelayanan" in client.get("/admin/website").get_data(as_text=True)
    assert menu(client) == ["Ringkasan", "Struktur organisasi", "Maklumat pelayanan", "Pejabat"]
    assert menu(client, "en")[2] == "Service pledge"
    html = client.get("/profile/maklumat?lang=id").get_data(as_text=True)
    assert "<h1>Maklumat pelayanan</h1>" in html and "<strong>berjanji</strong>" in html
    assert 'alt="Maklumat pelayanan yang ditandatangani"' in html
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "/profile/maklumat?lang=id</loc>" in sitemap


def test_the_admin_reorders_the_pages_and_the_menu_follows(client, login_as):
    for slug, title in (("about", "Tentang"), ("vision", "Visi"), ("structure", "Struktur")):
        page = make_profile_page(slug)
        page.title_id = title
    db.session.commit()
    login_as(Role.ADMIN)
    assert menu(client)[1:4] == ["Tentang", "Visi", "Struktur"]
    assert move(client, "structure", "up").status_code == 302
    assert menu(client)[1:4] == ["Tentang", "Struktur", "Visi"]
    assert move(client, "about", "down").status_code == 302
    assert menu(client)[1:4] == ["Struktur", "Tentang", "Visi"]
    # At either end a page stays where it is.
    move(client, "structure", "up")
    move(client, "vision", "down")
    assert menu(client)[1:4] == ["Struktur", "Tentang", "Visi"]
    # The admin's list is in the same order, without "up" on the first and "down" on the last.
    admin = html_text(client.get("/admin/website").get_data(as_text=True))
    assert admin.index('Ubah "Struktur"') < admin.index('Ubah "Tentang"') < admin.index('Ubah "Visi"')
    assert 'Pindahkan "Struktur" ke atas' not in admin and 'Pindahkan "Visi" ke bawah' not in admin
    assert 'Pindahkan "Tentang" ke atas' in admin and 'Pindahkan "Tentang" ke bawah' in admin


def test_a_move_in_no_direction_or_without_its_token_changes_nothing(client, login_as):
    make_profile_page("about")
    make_profile_page("vision").title_id = "Visi"
    db.session.commit()
    login_as(Role.ADMIN)
    before = menu(client)
    assert move(client, "vision", "sideways").status_code == 400
    assert client.post("/admin/website/pages/vision/move", data={"direction": "up"}).status_code == 400
    assert menu(client) == before


def test_a_removed_page_leaves_the_menu_and_the_sitemap_and_answers_404(app, client, login_as):
    make_profile_page("about")
    login_as(Role.ADMIN)
    add_page(client, image=(io.BytesIO(jpeg()), "maklumat.jpg"), alt_id="Maklumat")
    key = db.session.scalar(select(SiteImage.key).join(ProfilePage, ProfilePage.image_id == SiteImage.id))
    assert key in stored_files(app)
    token = csrf_token(client.get("/admin/website").get_data(as_text=True))
    response = client.post("/admin/website/pages/maklumat/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Maklumat pelayanan" not in menu(client)
    assert "/profile/maklumat" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert client.get("/profile/maklumat").status_code == 404
    assert client.get("/admin/website/pages/maklumat").status_code == 404
    assert key not in stored_files(app)  # its picture went with it
    assert "Maklumat pelayanan" not in client.get("/admin/website").get_data(as_text=True)


def test_a_removal_without_its_token_removes_nothing(client, login_as):
    make_profile_page("about")
    login_as(Role.ADMIN)
    assert client.post("/admin/website/pages/about/delete").status_code == 400
    assert client.get("/profile/about").status_code == 200


BAD_SLUGS = {
    "empty": ("", ("alamat halaman",)),
    "spaces only": ("   ", ("alamat halaman",)),
    "slash": ("tentang/kami", ("huruf a sampai z",)),
    "leading slash": ("/admin", ("huruf a sampai z",)),
    "dot-dot": ("..", ("huruf a sampai z",)),
    "dot-dot slash": ("../admin", ("huruf a sampai z",)),
    "encoded dot-dot": ("%2e%2e", ("huruf a sampai z",)),
    "NUL": ("tentang\x00kami", ("huruf a sampai z",)),
    "trailing NUL": ("tentang\x00", ("huruf a sampai z",)),
    "space inside": ("tentang kami", ("huruf a sampai z",)),
    "cyrillic a": ("tent\u0430ng", ("huruf a sampai z",)),
    "greek omicron": ("pr\u03bffil", ("huruf a sampai z",)),
    "fullwidth letters": ("\uff54\uff45\uff4e\uff54\uff41\uff4e\uff47", ("huruf a sampai z",)),
    "dotless i": ("v\u0131si", ("huruf a sampai z",)),
    "zero-width space": ("tentang\u200bkami", ("huruf a sampai z",)),
    "underscore": ("tentang_kami", ("huruf a sampai z",)),
    "leading hyphen": ("-tentang", ("huruf a sampai z",)),
    "41 characters": ("a" * 41, ("huruf a sampai z",)),
    "reserved officials": ("officials", ("dipakai oleh portal",)),
    "reserved new": ("new", ("dipakai oleh portal",)),
    "reserved, in capitals": ("OFFICIALS", ("dipakai oleh portal",)),
    "duplicate": ("about", ("sudah memakai alamat",)),
    "duplicate in capitals": ("About", ("sudah memakai alamat",)),
}


@pytest.mark.parametrize("case", list(BAD_SLUGS))
def test_a_bad_slug_is_refused_with_a_message_and_nothing_is_added(client, login_as, case):
    slug, words = BAD_SLUGS[case]
    make_profile_page("about")
    login_as(Role.ADMIN)
    response = add_page(client, slug=slug)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert all(w in html for w in words), html[:300]
    assert page_count() == 1
    assert menu(client) == ["Ringkasan", "Struktur organisasi", "Pejabat"]


def test_the_slug_messages_are_in_english_too(client, login_as):
    make_profile_page("about")
    login_as(Role.ADMIN)
    for slug, words in (("a/b", "letters a to z"), ("new", "used by the portal"), ("about", "already has")):
        data = {"slug": slug, "title_id": "Maklumat pelayanan"}
        html = post(client, NEW + "?lang=en", NEW + "?lang=en", data).get_data(as_text=True)
        assert words in html, slug


BAD_TITLES = {
    "empty": ({"title_id": ""}, "Mohon isi kolom ini"),
    "spaces only": ({"title_id": "   "}, "Mohon isi kolom ini"),
    "300 characters": ({"title_id": "J" * 300}, "Judul terlalu panjang"),
    "300 characters in English": ({"title_en": "T" * 300}, "Judul terlalu panjang"),
    "control characters only": ({"title_id": "\x01\x02"}, "Tulis judul halaman"),
}


@pytest.mark.parametrize("case", list(BAD_TITLES))
def test_a_bad_title_is_refused_when_adding(client, login_as, case):
    fields, words = BAD_TITLES[case]
    login_as(Role.ADMIN)
    response = add_page(client, **fields)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert page_count() == 0


@pytest.mark.parametrize("case", list(BAD_TITLES))
def test_a_bad_title_is_refused_when_editing_and_the_page_is_unchanged(client, login_as, case):
    fields, words = BAD_TITLES[case]
    make_profile_page("about")
    login_as(Role.ADMIN)
    data = {"title_id": "Tentang kami", "title_en": "About us", **fields}
    response = post(client, "/admin/website/pages/about", "/admin/website/pages/about", data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ProfilePage.title_id)) == "Struktur organisasi"


def test_a_title_of_200_characters_is_taken(client, login_as):
    login_as(Role.ADMIN)
    assert add_page(client, title_id="J" * 200).status_code == 302
    assert db.session.scalar(select(ProfilePage.title_id)) == "J" * 200


SCRIPTS = [
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="alert(1)">',
    "[klik](javascript:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
]


@pytest.mark.parametrize("body", SCRIPTS)
def test_script_in_the_body_is_never_run(client, login_as, body):
    login_as(Role.ADMIN)
    assert add_page(client, body_id=f"Awal\n\n{body}\n\nAkhir", body_en=body).status_code == 302
    for lang in ("id", "en"):
        html = client.get(f"/profile/maklumat?lang={lang}").get_data(as_text=True)
        article = html.split('<article class="profile-body">', 1)[1].split("</article>", 1)[0]
        lowered = article.lower()
        assert "<script" not in lowered and "<iframe" not in lowered and "<svg" not in lowered
        assert not re.search(r"<[^>]*\son\w+\s*=", lowered)  # no event handler on any tag
        assert 'href="javascript:' not in lowered


def test_script_in_the_title_is_shown_as_text(client, login_as):
    login_as(Role.ADMIN)
    assert add_page(client, title_id="<script>alert(1)</script>Maklumat").status_code == 302
    html = client.get("/profile").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Maklumat" in html
    admin = client.get("/admin/website").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in admin


@pytest.mark.parametrize("path", ["a%00b", "..", "x" * 41, "ABOUT"])
def test_the_admin_pages_of_a_stray_slug_answer_404(client, login_as, path):
    make_profile_page("about")
    login_as(Role.ADMIN)
    assert client.get(f"/admin/website/pages/{path}").status_code == 404
    token = csrf_token(client.get("/admin/website").get_data(as_text=True))
    for action in ("move", "delete"):
        response = client.post(
            f"/admin/website/pages/{path}/{action}", data={"csrf_token": token, "direction": "up"}
        )
        assert response.status_code == 404
    assert page_count() == 1


def test_only_admins_manage_the_pages(client, login_as):
    make_profile_page("about")
    login_as(Role.OFFICER)
    assert client.get(NEW).status_code == 403
    assert client.post("/admin/website/pages/about/delete").status_code in (400, 403)
    assert page_count() == 1
