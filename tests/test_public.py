"""Public pages: home (office, search, most requested permits, news, help), news and FAQ
written by staff in Markdown (sanitised: a script is shown as text or removed, never run),
the public information list with PDF downloads, and access to the staff editors."""

from __future__ import annotations

import io

import pytest

from portal.auth.models import Role
from portal.extensions import db
from portal.public import services
from portal.public.markup import render_markdown
from portal.public.models import FaqEntry, News, PublicDocument
from tests.conftest import csrf_token, make_user, post_form
from tests.fixtures_files import make_pdf
from tests.wizard_helpers import make_category, make_submitted

SCRIPT_MARKDOWN = (
    "Hello **world**\n\n<script>alert('x')</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n[click](javascript:alert(2))\n\n"
    '<a href="/x" onclick="steal()">a</a> <div style="color:red">red</div>\n\n'
    "![logo](https://evil.example/track.png)"
)


def _assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered.replace('<script src="/static/', "")
    assert "onerror=" not in lowered
    assert "onclick=" not in lowered
    assert "javascript:" not in lowered
    assert 'style="' not in lowered
    assert 'evil.example/track.png"' not in lowered.replace('href="https://evil.example/track.png"', "")


def _page_scripts(html: str) -> list[str]:
    import re

    return [m for m in re.findall(r"<script[^>]*>", html, flags=re.I) if 'src="/static/' not in m]


# -- Markdown ----------------------------------------------------------------------------------
def test_markdown_keeps_basic_formatting_and_marks_links_nofollow():
    html = render_markdown("**bold** and [office](https://example.go.id)\n\n- one\n- two")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.go.id" rel="nofollow noopener">office</a>' in html
    assert "<li>one</li>" in html


def test_markdown_turns_images_from_other_hosts_into_links():
    html = render_markdown("![map](https://maps.example/x.png) ![logo](/static/img/favicon.png)")
    assert '<a href="https://maps.example/x.png" rel="nofollow noopener">map</a>' in html
    assert '<img alt="logo" src="/static/img/favicon.png">' in html
    raw = render_markdown('<img src="https://maps.example/y.png" alt="y">')
    assert "maps.example" not in raw


# -- news --------------------------------------------------------------------------------------
def test_script_in_news_markdown_is_never_run(client, login_as):
    writer = login_as(Role.HELPDESK)
    response = post_form(
        client,
        "/staff/news/new",
        {"title": "<script>alert(1)</script>Pengumuman", "body": SCRIPT_MARKDOWN, "publish": "1"},
    )
    assert response.status_code == 302
    item = db.session.query(News).one()
    assert item.author_id == writer.id
    assert item.published_at is not None
    page = client.get(f"/news/{item.id}").get_data(as_text=True)
    assert "<strong>world</strong>" in page
    assert _page_scripts(page) == []
    _assert_inert(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Pengumuman" in page  # the title, as text
    listing = client.get("/news").get_data(as_text=True)
    assert _page_scripts(listing) == []
    assert "&lt;script&gt;" in listing


def test_news_drafts_are_hidden_from_the_public(client):
    staff = make_user(Role.ADMIN)
    draft = services.save_news(staff, "Draf rahasia", "teks", publish=False)
    published = services.save_news(staff, "Libur Idulfitri", "Kantor tutup.", publish=True)
    assert client.get(f"/news/{draft.id}").status_code == 404
    assert client.get(f"/news/{published.id}").status_code == 200
    listing = client.get("/news").get_data(as_text=True)
    assert "Libur Idulfitri" in listing
    assert "Draf rahasia" not in listing


def test_news_list_pages_by_keyset():
    staff = make_user(Role.ADMIN)
    for n in range(5):
        services.save_news(staff, f"Berita {n}", "isi", publish=True)
    first = services.news_page(size=2)
    second = services.news_page(before=first.next_before, size=2)
    third = services.news_page(before=second.next_before, size=2)
    titles = [i.title for i in first.items + second.items + third.items]
    assert titles == [f"Berita {n}" for n in (4, 3, 2, 1, 0)]
    assert third.next_before is None


def test_news_editor_is_for_admin_and_helpdesk_only(client, login_as):
    login_as(Role.OFFICER)
    assert client.get("/staff/news/new").status_code == 403
    assert client.get("/staff/complaints").status_code == 403


def test_applicant_cannot_write_news(client, login_as):
    login_as(Role.APPLICANT)
    token = csrf_token(client.get("/complaints").get_data(as_text=True))
    response = client.post(
        "/staff/news/new", data={"csrf_token": token, "title": "x", "body": "y", "publish": "1"}
    )
    assert response.status_code == 403
    assert db.session.query(News).count() == 0


# -- FAQ ---------------------------------------------------------------------------------------
def test_script_in_faq_is_never_run(client, login_as):
    login_as(Role.ADMIN)
    response = post_form(
        client,
        "/staff/faq/new",
        {
            "topic": "Akun <script>alert(1)</script>",
            "question": "Lupa <b onmouseover=x()>sandi</b>?",
            "answer": SCRIPT_MARKDOWN,
            "position": "1",
            "published": "y",
        },
    )
    assert response.status_code == 302
    page = client.get("/faq").get_data(as_text=True)
    assert "Hello <strong>world</strong>" in page
    assert _page_scripts(page) == []
    _assert_inert(page)
    assert "&lt;script&gt;" in page
    assert "onmouseover=x()&gt;" in page


def test_faq_is_grouped_by_topic_and_hides_unpublished(client):
    staff = make_user(Role.HELPDESK)
    services.save_faq(staff, "Akun", "Bagaimana mendaftar?", "Klik Daftar.", 2)
    services.save_faq(staff, "Akun", "Lupa kata sandi?", "Klik Lupa.", 1)
    services.save_faq(staff, "Biaya", "Apakah gratis?", "Ya.", 0)
    services.save_faq(staff, "Biaya", "Tersembunyi?", "x", 0, published=False)
    groups = services.faq_by_topic()
    assert [(g.topic, [e.question for e in g.entries]) for g in groups] == [
        ("Akun", ["Lupa kata sandi?", "Bagaimana mendaftar?"]),
        ("Biaya", ["Apakah gratis?"]),
    ]
    assert "Tersembunyi?" not in client.get("/faq").get_data(as_text=True)


# -- public information list -------------------------------------------------------------------
def test_staff_upload_a_pdf_that_anyone_downloads(client, login_as):
    login_as(Role.ADMIN)
    response = post_form(
        client,
        "/staff/information",
        {
            "title": "SOP Izin Reklame",
            "kind": "sop",
            "year": "2026",
            "description": "",
            "file": (io.BytesIO(make_pdf()), "sop reklame.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    doc = db.session.query(PublicDocument).one()
    assert doc.storage_key.startswith("public/")
    anonymous = client.application.test_client()
    listing = anonymous.get("/information?lang=en").get_data(as_text=True)
    assert "SOP Izin Reklame" in listing
    assert "Request information" in listing
    download = anonymous.get(f"/information/documents/{doc.id}")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.data.startswith(b"%PDF")


def test_a_file_that_is_not_a_pdf_is_refused(client, login_as):
    login_as(Role.HELPDESK)
    response = post_form(
        client,
        "/staff/information",
        {
            "title": "Laporan",
            "kind": "annual_report",
            "file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "laporan.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert db.session.query(PublicDocument).count() == 0


def test_hidden_document_is_not_downloadable(client):
    staff = make_user(Role.ADMIN)
    from werkzeug.datastructures import FileStorage

    title = "SOP Rahasia Internal 2026"
    doc = services.add_document(
        staff, FileStorage(io.BytesIO(make_pdf()), "a.pdf"), title, "service_standard"
    )
    services.set_document_published(staff, doc, False)
    assert client.get(f"/information/documents/{doc.id}").status_code == 404
    assert title not in client.get("/information").get_data(as_text=True)


# -- home and search ---------------------------------------------------------------------------
def test_home_shows_office_popular_permits_news_and_help(client):
    quiet = make_category(slug="quiet", popularity=50)
    busy = make_category(slug="busy")
    busy.name_en = "Busy permit"
    quiet.name_en = "Quiet permit"
    db.session.commit()
    applicant = make_user(Role.APPLICANT)
    make_submitted(applicant, busy)
    services.save_news(make_user(Role.ADMIN), "Jam layanan baru", "isi", publish=True)
    page = client.get("/?lang=en").get_data(as_text=True)
    assert page.index("Busy permit") < page.index("Quiet permit")  # counted before popularity
    assert "Jam layanan baru" in page
    assert client.application.config["OFFICE_PHONE"] in page
    assert client.application.config["OFFICE_HOURS"] in page
    assert 'action="/search"' in page


def test_most_requested_is_one_query(app):
    from sqlalchemy import event

    for n in range(3):
        make_category(slug=f"cat-{n}")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        rows = services.most_requested()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(rows) == 3
    assert len([s for s in statements if "SAVEPOINT" not in s.upper()]) == 1


def test_search_lists_matching_permits_and_tutorials(client):
    category = make_category(slug="reklame-uji")
    category.name_en = "Billboard permit"
    db.session.commit()
    page = client.get("/search?q=billboard&lang=en").get_data(as_text=True)
    assert "Billboard permit" in page
    assert "No video guide matches" in page
    empty = client.get("/search?q=%3Cscript%3E&lang=en").get_data(as_text=True)
    assert 'No permit type matches "&lt;script&gt;".' in empty
    assert _page_scripts(empty) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/news",
        "/faq",
        "/information",
        "/information/request",
        "/complaints",
        "/statistics",
        "/search?q=izin",
    ],
)
def test_public_pages_open_without_an_account(client, path):
    assert client.get(path).status_code == 200


def test_demo_content_seeds_once():
    from portal.public.seed import seed_public_demo

    first = list(seed_public_demo())
    assert first
    assert list(seed_public_demo()) == []
    assert db.session.query(News).count() == len([x for x in first if x.startswith("news:")])
    assert db.session.query(FaqEntry).count() == len([x for x in first if x.startswith("faq:")])
