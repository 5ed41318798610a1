"""The skeleton: health check, headers, error pages in both languages, static files."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.exc import OperationalError

from portal.extensions import db


def test_healthz_answers_json_when_database_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_pages_use_no_inline_script_and_no_other_host(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html
    assert "cdn" not in html.lower()
    # Nothing the page loads comes from another host: every src, and every <link> href (a
    # stylesheet, an icon; the canonical and hreflang addresses are this site's own), is
    # relative or on this site. Links a visitor may follow (WhatsApp, social media) may leave.
    own = "http://portal.test/"
    loaded = re.findall(r'\ssrc="([^"]*)"', html) + re.findall(r'<link\b[^>]*\shref="([^"]*)"', html)
    assert loaded
    foreign = [url for url in loaded if "//" in url and not url.startswith(own)]
    assert not foreign, foreign


def test_bootstrap_served_locally(client):
    response = client.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert response.status_code == 200
    assert b"Bootstrap" in response.data[:200]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id", "Halaman tidak ditemukan"), ("en", "Page not found")],
)
def test_404_page_in_both_languages(client, lang, expected):
    response = client.get(f"/no-such-page?lang={lang}")
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_api_errors_are_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["status"] == 404


def test_405_page(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "tidak diizinkan" in response.get_data(as_text=True)


def test_413_page_for_too_large_body(client, app):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/login", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "terlalu besar" in response.get_data(as_text=True)


def test_500_page_hides_the_error(tmp_path):
    from portal import create_app
    from portal.security import public

    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_DIR=tmp_path, PROPAGATE_EXCEPTIONS=False
    )

    @app.route("/__boom")
    @public
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/__boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body
    assert "Data Anda tidak hilang" in body
