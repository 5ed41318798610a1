"""The S3 backend against a real S3-compatible server started by the tests (moto in server mode,
tests/s3server.py): the same storage contract as local disk, uploads checked through it, memory
while streaming a large file, and downloads (proxied, or redirected to a presigned URL)."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import urllib.request

import pytest
from flask import request
from PIL import Image

from portal import create_app
from portal.security import public
from portal.storage import FileKind, UploadRejected, check_upload, get_storage
from portal.storage.base import CHUNK_SIZE
from portal.storage.s3 import PART_SIZE, S3Storage
from portal.storage.serving import safe_download_response
from tests import s3server
from tests.fixtures_files import as_upload, make_pdf, make_pdf_with_js, make_png
from tests.storage_contract import StorageContract, Trickle


@pytest.fixture
def storage() -> S3Storage:
    return S3Storage(s3server.BUCKET, prefix=s3server.fresh_prefix(), client=s3server.client())


@pytest.fixture
def leftovers(storage):
    return lambda: s3server.leftovers(storage.prefix)


class TestS3Storage(StorageContract):
    """The shared storage contract (tests/storage_contract.py) on the S3 server."""


# -- S3 specifics ----------------------------------------------------------------------------------
def test_objects_live_under_the_configured_prefix(storage):
    stored = storage.save(io.BytesIO(b"ktp"), key_prefix="documents/")
    assert s3server.leftovers(storage.prefix) == {storage.prefix + stored.key}
    assert list(storage.iter_keys()) == [stored.key]
    assert storage.local_path(stored.key) is None


def test_a_large_file_goes_up_in_parts_and_comes_back_whole(storage):
    size = 2 * PART_SIZE + 12345
    stored = storage.save(Trickle(size, step=CHUNK_SIZE, byte=b"q"))
    assert stored.size == size
    assert stored.sha256 == hashlib.sha256(b"q" * size).hexdigest()
    assert storage.size(stored.key) == size
    head = s3server.client().head_object(Bucket=storage.bucket, Key=storage.prefix + stored.key)
    assert "-" in head["ETag"]  # a multipart upload's ETag: "<md5 of md5s>-<parts>"


def test_a_20_mb_upload_does_not_sit_in_memory(storage):
    size = 20 * 1024 * 1024
    source = Trickle(size, step=CHUNK_SIZE)
    tracemalloc.start()
    try:
        stored = storage.save(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.size == size
    assert source.read_total == size
    # One 5 MiB part at a time (plus the HTTP client's own buffers), never the 20 MiB.
    assert peak < 9 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_open_spools_a_large_file_to_disk_not_memory(storage):
    stored = storage.save(Trickle(6 * 1024 * 1024, step=CHUNK_SIZE))
    tracemalloc.start()
    try:
        with storage.open(stored.key) as fh:
            _, peak = tracemalloc.get_traced_memory()
            assert fh._rolled  # the SpooledTemporaryFile moved to a real file
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_get_storage_builds_s3_from_config(tmp_path):
    config = s3server.app_config(S3_PREFIX="satupintu/")
    app = create_app("test", UPLOAD_ROOT=tmp_path, **config)
    with app.app_context():
        storage = get_storage()
    assert isinstance(storage, S3Storage)
    assert storage.bucket == s3server.BUCKET
    assert storage.prefix == "satupintu/"


def test_a_bad_s3_prefix_in_config_is_refused(tmp_path):
    from portal.storage import StorageError

    app = create_app("test", UPLOAD_ROOT=tmp_path, **s3server.app_config(S3_PREFIX="../x/"))
    with app.app_context(), pytest.raises(StorageError):
        get_storage()


# -- uploads checked through S3 --------------------------------------------------------------------
def test_check_upload_accepts_a_pdf_through_s3(storage):
    data = make_pdf(pages=2)
    checked = check_upload(as_upload(data, "izin.pdf"), {FileKind.PDF}, 5 * 1024 * 1024, storage=storage)
    assert checked.kind is FileKind.PDF
    assert checked.stored.sha256 == hashlib.sha256(data).hexdigest()
    with storage.open(checked.stored.key) as fh:
        assert fh.read() == data


def test_check_upload_reencodes_a_png_through_s3_and_keeps_only_the_new_file(storage, leftovers):
    checked = check_upload(
        as_upload(make_png(80, 60), "foto.png"),
        {FileKind.PNG, FileKind.JPEG},
        5 * 1024 * 1024,
        storage=storage,
    )
    assert checked.kind is FileKind.PNG
    assert (checked.width, checked.height) == (80, 60)
    assert leftovers() == {storage.prefix + checked.stored.key}
    with storage.open(checked.stored.key) as fh:
        image = Image.open(fh)
        image.load()
    assert image.size == (80, 60)


def test_check_upload_refusal_leaves_nothing_on_s3(storage, leftovers):
    with pytest.raises(UploadRejected) as info:
        check_upload(as_upload(make_pdf_with_js(), "x.pdf"), {FileKind.PDF}, 5 * 1024 * 1024, storage=storage)
    assert info.value.code == "pdf_active_content"
    assert leftovers() == set()


# -- downloads -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def s3_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("s3-app")
    app = create_app(
        "test",
        UPLOAD_ROOT=tmp / "uploads",
        MAIL_DIR=tmp / "mail",
        INSTANCE_DIR=tmp,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        **s3server.app_config(),
    )

    @app.get("/t/file/<path:key>")
    @public
    def t_file(key):
        return safe_download_response(
            key, "Surat izin.pdf", "application/pdf", as_attachment=request.args.get("inline") is None
        )

    return app


@pytest.fixture
def stored_pdf(s3_app):
    data = make_pdf(pages=3)
    with s3_app.app_context():
        key = get_storage().save(io.BytesIO(data), key_prefix="documents/").key
    return key, data


def test_download_through_the_app_streams_from_s3(s3_app, stored_pdf):
    key, data = stored_pdf
    response = s3_app.test_client().get(f"/t/file/{key}")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="Surat izin.pdf"')
    assert "X-Accel-Redirect" not in response.headers


def test_download_through_the_app_answers_range_requests(s3_app, stored_pdf):
    key, data = stored_pdf
    response = s3_app.test_client().get(f"/t/file/{key}", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == data[10:20]


def test_x_accel_redirect_is_not_used_for_s3(s3_app, stored_pdf):
    key, data = stored_pdf
    s3_app.config["X_ACCEL_REDIRECT_PREFIX"] = "/_protected/"
    try:
        response = s3_app.test_client().get(f"/t/file/{key}")
    finally:
        s3_app.config["X_ACCEL_REDIRECT_PREFIX"] = None
    assert response.data == data


def test_download_of_a_missing_key_is_404(s3_app):
    assert s3_app.test_client().get("/t/file/documents/ab/cd/abcdMissing").status_code == 404


@pytest.fixture
def presigned(s3_app):
    s3_app.config["S3_PRESIGNED_DOWNLOADS"] = True
    yield s3_app
    s3_app.config["S3_PRESIGNED_DOWNLOADS"] = False


def test_presigned_download_redirects_to_a_url_that_serves_the_file(presigned, stored_pdf):
    key, data = stored_pdf
    response = presigned.test_client().get(f"/t/file/{key}")
    assert response.status_code == 302
    assert "no-store" in response.headers["Cache-Control"]
    url = response.headers["Location"]
    assert url.startswith(s3server.endpoint())
    assert "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url, timeout=10) as fetched:  # noqa: S310 (127.0.0.1)
        assert fetched.read() == data
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="Surat izin.pdf"')


def test_presigned_mode_still_streams_inline_files(presigned, stored_pdf):
    """Previews and media shown in the page stay on this site (the CSP allows only 'self')."""
    key, data = stored_pdf
    response = presigned.test_client().get(f"/t/file/{key}?inline=1")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Disposition"].startswith("inline;")


def test_presigned_mode_still_404s_a_missing_key(presigned):
    assert presigned.test_client().get("/t/file/documents/ab/cd/abcdMissing").status_code == 404
