"""Static files for slow connections: fingerprinted URLs cached for a year, brotli/gzip from
the app, and never a compressed partial response or compressed media/PDF."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli

from portal import static_assets

CSS = "vendor/bootstrap/bootstrap.min.css"
ROOT = Path(static_assets.__file__).resolve().parent / "static"


def asset_urls(client) -> dict[str, str]:
    html = client.get("/?lang=en").get_data(as_text=True)
    return {u.split("?")[0]: u for u in re.findall(r'(?:href|src)="(/static/[^"]+)"', html)}


def test_pages_link_assets_by_content_hash(client):
    urls = asset_urls(client)
    version = static_assets.static_version(CSS)
    assert urls[f"/static/{CSS}"] == f"/static/{CSS}?v={version}"
    assert len(version) == 12


def test_a_fingerprinted_asset_is_cached_for_a_year(client):
    url = asset_urls(client)[f"/static/{CSS}"]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_old_or_missing_fingerprint_is_not_cached_for_long(client):
    for url in (f"/static/{CSS}?v=000000000000", f"/static/{CSS}"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_css_is_sent_gzipped_or_with_brotli(client):
    raw = (ROOT / CSS).read_bytes()
    gz = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, deflate"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in gz.headers["Vary"]
    assert gz.content_length < len(raw) / 5
    assert gzip.decompress(gz.data) == raw
    br = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.data) == raw


def test_a_browser_without_compression_gets_the_plain_file(client):
    response = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    assert response.data == (ROOT / CSS).read_bytes()


def test_the_compressed_copy_revalidates_with_its_own_etag(client):
    first = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.endswith('-gzip"')
    again = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304


def test_a_range_request_is_answered_uncompressed(client):
    response = client.get(f"/static/{CSS}", headers={"Accept-Encoding": "gzip, br", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.data == (ROOT / CSS).read_bytes()[:100]


def test_pdf_samples_are_never_compressed_nor_fingerprinted(client):
    response = client.get(
        "/static/samples/contoh-surat-permohonan.pdf", headers={"Accept-Encoding": "gzip, br"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    with client.application.test_request_context():
        assert static_assets.static_version("samples/contoh-surat-permohonan.pdf") is None


def test_pages_are_compressed_and_only_anonymous_public_pages_are_shared(client, login_as):
    response = client.get("/?lang=en", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "public, max-age=60"  # issue 17
    assert b"SatuPintu" in gzip.decompress(response.data)
    login_as()
    response = client.get("/?lang=en", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_path_outside_the_static_folder_gets_no_fingerprint(client):
    with client.application.test_request_context():
        assert static_assets.static_version("../config.py") is None
        assert static_assets.static_version("../../etc/passwd.css") is None


def test_a_public_page_is_compressed_once_and_a_private_one_every_time(client, login_as, monkeypatch):
    calls: list[int] = []
    real = brotli.compress

    def counting(data, *args, **kwargs):
        calls.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(brotli, "compress", counting)
    static_assets._kept_pages.clear()
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    first = client.get("/permits?lang=en", headers=headers)
    second = client.get("/permits?lang=en", headers=headers)
    assert len(calls) == 1  # the second visitor got the kept body
    assert second.headers["Content-Encoding"] == "br"
    assert second.data == first.data and b"SatuPintu" in brotli.decompress(second.data)
    assert second.headers["ETag"] == first.headers["ETag"] and first.headers["ETag"].endswith(':br"')
    assert "Accept-Encoding" in second.headers["Vary"]
    again = client.get("/permits?lang=en", headers={**headers, "If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    gzipped = client.get("/permits?lang=en", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip" and b"SatuPintu" in gzip.decompress(gzipped.data)
    login_as()
    calls.clear()
    for _ in range(2):
        private = client.get("/permits?lang=en", headers=headers)
        assert private.headers["Cache-Control"] == "no-store"
    assert len(calls) == 2  # a logged-in person's page is never kept
