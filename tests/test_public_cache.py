"""Anonymous public pages can be cached: no cookie, Cache-Control public with ETag and Vary;
the language switch is a plain link that makes no session; a visitor gets a session only once
they use a form (the complaint form), and a logged-in person's pages are never stored."""

from __future__ import annotations

import pytest

from portal.auth.models import Role
from portal.directory.seed import seed_directory
from portal.public.models import FaqEntry, News
from portal.tutorials.models import Tutorial  # noqa: F401 - the library lists them
from tests.conftest import csrf_token
from tests.test_complaints import GOOD
from tests.wizard_helpers import make_category

SESSION_COOKIE = "satupintu_session"


@pytest.fixture
def public_urls(app):
    from portal.db import utcnow
    from portal.extensions import db

    category = make_category()
    news = News(title="Jam layanan baru", body="Mulai Senin.", published_at=utcnow())
    db.session.add_all(
        [news, FaqEntry(topic="biaya", question="Berapa biayanya?", answer="Gratis.", published=True)]
    )
    list(seed_directory())
    db.session.commit()
    return [
        "/",
        "/permits",
        f"/permits/{category.slug}",
        "/news",
        f"/news/{news.id}",
        "/faq",
        "/statistics",
        "/tutorials",
        "/accessibility",
        "/mal-pelayanan",
        "/mal-pelayanan/samsat",
    ]


def _cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_an_anonymous_get_sets_no_cookie_and_may_be_cached(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _cookies(response) == [], url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        assert {"Cookie", "Accept-Language"} <= set(response.vary), url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
    assert client.get_cookie(SESSION_COOKIE) is None


def test_the_language_switch_is_a_link_that_makes_no_session(client, public_urls):
    page = client.get("/permits").get_data(as_text=True)
    assert "/language?lang=en&amp;next=%2Fpermits" in page
    assert 'name="csrf_token"' not in page  # no form on a cacheable page
    response = client.get("/language?lang=en&next=/permits")
    assert response.status_code == 302 and response.headers["Location"].endswith("/permits")
    assert [c.split("=", 1)[0] for c in _cookies(response)] == ["lang"]
    english = client.get("/permits")
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert _cookies(english) == [] and english.headers["Cache-Control"].startswith("public")
    assert client.get_cookie(SESSION_COOKIE) is None
    client.get("/language?lang=id&next=/permits")
    assert '<html lang="id">' in client.get("/permits").get_data(as_text=True)


@pytest.mark.parametrize(("lang", "marker"), [("en", '<html lang="en">'), ("id", '<html lang="id">')])
def test_an_anonymous_lang_link_serves_that_language_and_sets_no_cookie(client, public_urls, lang, marker):
    """``?lang=`` (the hreflang links, a shared link) is that page in that language, for this
    page only: no cookie, so the page may be cached under its own URL; the visitor's other
    pages keep their language until they use the switch."""
    other = "id" if lang == "en" else "en"
    client.set_cookie("lang", other)  # an earlier switch to the other language
    for url in public_urls:
        url = f"{url}?lang={lang}"
        response = client.get(url)
        assert response.status_code == 200, url
        assert marker in response.get_data(as_text=True), url
        assert _cookies(response) == [], url
        assert response.headers["Cache-Control"] == "public, max-age=60", url
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
    assert client.get_cookie("lang").value == other  # the preference is not changed
    assert f'<html lang="{other}">' in client.get("/permits").get_data(as_text=True)
    assert client.get_cookie(SESSION_COOKIE) is None


def test_a_new_visitor_lang_link_keeps_no_preference(client):
    response = client.get("/permits?lang=en", headers={"Accept-Language": "id"})
    assert '<html lang="en">' in response.get_data(as_text=True) and _cookies(response) == []
    assert client.get_cookie("lang") is None
    assert '<html lang="id">' in client.get("/permits", headers={"Accept-Language": "id"}).get_data(
        as_text=True
    )


def test_a_hostile_next_on_the_language_link_stays_on_the_site(client):
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = client.get("/language", query_string={"lang": "en", "next": target})
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
    response = client.get("/language?lang=xx&next=/faq")
    assert _cookies(response) == []  # an unknown language is ignored


def test_a_visitor_gets_a_session_only_with_the_complaint_form(client, public_urls, outbox):
    for url in public_urls:
        client.get(url)
    assert client.get_cookie(SESSION_COOKIE) is None
    opened = client.get("/complaints")
    assert opened.status_code == 200
    assert _cookies(opened) == []  # opening the form starts no session
    assert client.get_cookie(SESSION_COOKIE) is None
    response = client.post(
        "/complaints", data={"csrf_token": csrf_token(opened.get_data(as_text=True)), **GOOD}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/complaints/sent")
    assert client.get_cookie(SESSION_COOKIE) is not None
    # with a session the public pages are no longer shared
    assert client.get("/faq").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/complaints", GOOD),
        (
            "/information/request",
            {"name": "Rudi", "email": "rudi@example.test", "text": "Data izin 2025.", "website": ""},
        ),
    ],
)
def test_a_visitor_form_opens_without_a_session_and_refuses_a_bad_token(client, outbox, url, data):
    from portal.extensions import db
    from portal.public.models import Complaint

    opened = client.get(url)
    assert _cookies(opened) == [] and client.get_cookie(SESSION_COOKIE) is None
    token = csrf_token(opened.get_data(as_text=True))
    for bad in ("", "not-a-token", token[:-3] + "abc"):
        refused = client.post(url, data={**data, "csrf_token": bad})
        assert refused.status_code == 400, bad
        assert client.get_cookie(SESSION_COOKIE) is None
    # a token made for another form's page is refused too
    other = "/information/request" if url == "/complaints" else "/complaints"
    foreign = csrf_token(client.get(other).get_data(as_text=True))
    assert client.post(url, data={**data, "csrf_token": foreign}).status_code == 400
    assert db.session.query(Complaint).count() == 0
    sent = client.post(url, data={**data, "csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/complaints/sent")
    assert db.session.query(Complaint).count() == 1
    assert client.get_cookie(SESSION_COOKIE) is not None
    assert "/complaints/follow/" in client.get("/complaints/sent").get_data(as_text=True)


def test_a_sessionless_token_does_not_post_for_a_logged_in_person(client, app, login_as):
    """A page opened without a session carries a token anyone can get; a browser that has a
    session (here logged in) must send its own session's token, so another site cannot post
    a complaint in a logged-in person's name."""
    from portal.extensions import db
    from portal.public.models import Complaint

    stranger = app.test_client()
    foreign = csrf_token(stranger.get("/complaints").get_data(as_text=True))
    login_as(Role.APPLICANT)
    assert client.post("/complaints", data={**GOOD, "csrf_token": foreign}).status_code == 400
    assert db.session.query(Complaint).count() == 0
    own = csrf_token(client.get("/complaints").get_data(as_text=True))
    assert client.post("/complaints", data={**GOOD, "csrf_token": own}).status_code == 302


def test_a_logged_in_person_gets_no_store(client, login_as, public_urls):
    login_as(Role.APPLICANT)
    for url in public_urls:
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
        assert "ETag" not in response.headers, url


def test_a_logged_in_language_choice_is_saved_with_the_account(client, login_as):
    from portal.extensions import db

    user = login_as(Role.APPLICANT, locale="id")
    response = client.get("/language?lang=en&next=/dashboard")
    assert response.headers["Location"].endswith("/dashboard")
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/dashboard").get_data(as_text=True)
