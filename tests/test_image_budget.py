"""Images are judged by the memory they take decoded, not only by their pixels (issue 12,
item 8): the budget is width x height x bands x bytes per sample, read from the header before
any pixel is decoded; JPEGs over it are decoded scaled down instead; and every account has an
upload rate limit, whatever address it comes from."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image, ImageFile

from portal.auth.models import Role
from portal.storage import FileKind, UploadRejected, check_upload, get_storage
from tests.conftest import csrf_token, login
from tests.fixtures_files import as_upload, make_jpeg, make_pdf, make_png, png_deep_bytes
from tests.test_storage_checks import accepted, rejected
from tests.wizard_helpers import file_upload, make_category

IMAGES = {FileKind.JPEG, FileKind.PNG}


@pytest.fixture
def root(app: Flask) -> Path:
    return Path(app.config["UPLOAD_ROOT"])


@pytest.fixture
def en(app: Flask):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel is decoded."""

    def refuse(self, *args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


# -- PNG: the memory budget from the header ------------------------------------------------------
def test_the_reviewers_16_bit_rgba_png_is_refused_before_decoding(root, en, no_decoding):
    data = png_deep_bytes(6300, 6300, bit_depth=16, color_type=6)
    assert len(data) < 400 * 1024  # a small file ...
    assert 6300 * 6300 < 40_000_000  # ... under the pixel limit
    error = rejected(root, data, allowed=IMAGES, filename="ktp.png", content_type="image/png")
    assert error.code == "image_too_big"
    assert error.message() == (
        "The image is 6300 x 6300 pixels with a high colour depth; it is "
        "too big to check. Save it as a JPEG or make it smaller, and "
        "upload it again."
    )


@pytest.mark.parametrize(
    ("width", "height", "depth", "color"),
    [
        (6300, 6300, 16, 2),  # 16-bit RGB: 238 MB
        (9000, 3000, 16, 6),  # a 16-bit RGBA panorama of 27 megapixels: 216 MB
        (3000, 9000, 16, 6),  # the same, upright
    ],
)
def test_deep_colour_variants_are_refused_before_decoding(root, no_decoding, width, height, depth, color):
    data = png_deep_bytes(width, height, bit_depth=depth, color_type=color)
    error = rejected(root, data, allowed=IMAGES, filename="scan.png", content_type="image/png")
    assert error.code == "image_too_big"
    assert (error.params["width"], error.params["height"]) == (width, height)


@pytest.mark.parametrize(
    ("depth", "color", "budget"),
    [
        (8, 0, 200 * 200 - 1),  # 8-bit grey: 1 byte a pixel
        (16, 0, 2 * 200 * 200 - 1),  # 16-bit grey: 2 bytes a pixel
        (8, 2, 4 * 200 * 200 - 1),  # 8-bit RGB: Pillow holds 4 bytes a pixel
        (16, 6, 8 * 200 * 200 - 1),  # 16-bit RGBA: 8 bytes a pixel as declared
    ],
)
def test_the_budget_counts_bands_and_bytes_per_sample(root, depth, color, budget):
    data = png_deep_bytes(200, 200, bit_depth=depth, color_type=color)
    checked = accepted(
        data, allowed=IMAGES, filename="a.png", content_type="image/png", max_decoded_bytes=budget + 1
    )
    assert checked.width == 200
    with pytest.raises(UploadRejected) as info:
        accepted(data, allowed=IMAGES, filename="a.png", content_type="image/png", max_decoded_bytes=budget)
    assert info.value.code == "image_too_big"


def test_a_small_16_bit_png_is_still_accepted(root):
    checked = accepted(png_deep_bytes(64, 48), allowed=IMAGES, filename="a.png", content_type="image/png")
    assert (checked.kind, checked.width, checked.height) == (FileKind.PNG, 64, 48)


def test_the_budget_comes_from_the_app_config(app, root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_DECODED_BYTES", 4 * 64 * 48 - 1)
    error = rejected(root, make_png(64, 48), allowed=IMAGES, filename="a.png", content_type="image/png")
    assert error.code == "image_too_big"


# -- JPEG: decoded scaled down -------------------------------------------------------------------
def _stored_size(checked) -> tuple[int, int]:
    with get_storage().open(checked.stored.key) as fh:
        return Image.open(io.BytesIO(fh.read())).size


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        (4 * 800 * 600, (800, 600)),  # fits: full size
        (4 * 800 * 600 - 1, (400, 300)),  # just over: decoded at 1/2
        (4 * 200 * 150, (200, 150)),  # decoded at 1/4
        (4 * 100 * 75, (100, 75)),  # decoded at 1/8
    ],
)
def test_a_jpeg_over_the_budget_is_decoded_scaled_down(root, budget, expected):
    checked = accepted(
        make_jpeg(800, 600),
        allowed=IMAGES,
        filename="foto.jpg",
        content_type="image/jpeg",
        max_decoded_bytes=budget,
    )
    assert (checked.width, checked.height) == expected
    assert _stored_size(checked) == expected


def test_a_jpeg_too_big_even_at_one_eighth_is_refused(root, en, no_decoding):
    with pytest.raises(UploadRejected) as info:
        check_upload(
            as_upload(make_jpeg(800, 600), "foto.jpg", "image/jpeg"),
            IMAGES,
            5 * 1024 * 1024,
            max_decoded_bytes=4 * 100 * 75 - 1,
        )
    error = info.value
    assert error.code == "image_too_big"
    assert "800 x 600" in error.message()


# -- the per-account upload rate limit -----------------------------------------------------------
@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def small_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_LIMIT_PER_ACCOUNT", "3 per hour")


def _upload(client, application_id, key="ktp", address="127.0.0.1", data=None):
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    return client.post(
        f"/applications/{application_id}/documents/{key}",
        data={"csrf_token": token, "file": file_upload(data or make_png(), f"{key}.png", "image/png")},
        content_type="multipart/form-data",
        environ_base={"REMOTE_ADDR": address},
    )


def test_an_account_is_limited_whatever_address_it_uses(client, login_as, category, small_limit):
    from portal.applications import services

    applicant = login_as()
    application = services.start_application(applicant, category)
    for n, address in enumerate(("10.0.0.1", "10.0.0.2", "10.0.0.3")):
        assert _upload(client, application.id, address=address).status_code == 302, n
    # The fourth, from yet another address and to another slot: the same account's budget.
    refused = _upload(client, application.id, key="photo", address="10.0.0.4")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_another_account_is_not_held_back(app, client, login_as, category, small_limit, user_factory):
    from portal.applications import services

    first = login_as()
    application = services.start_application(first, category)
    for _ in range(3):
        assert _upload(client, application.id).status_code == 302
    assert _upload(client, application.id).status_code == 429
    other = user_factory(Role.APPLICANT)
    other_client = app.test_client()
    assert login(other_client, other.email).status_code == 302
    mine = services.start_application(other, category)
    assert _upload(other_client, mine.id).status_code == 302  # same address, another account


def test_staff_uploads_share_the_limit_and_requests_without_a_file_do_not_count(
    client, login_as, small_limit
):
    staff = login_as(Role.ADMIN)
    assert staff
    page = client.get("/staff/information").get_data(as_text=True)
    token = csrf_token(page)
    # Saving the form without a file is not an upload.
    for _ in range(5):
        response = client.post(
            "/staff/information", data={"csrf_token": token, "title": ""}, content_type="multipart/form-data"
        )
        assert response.status_code != 429
    statuses = []
    for n in range(4):
        statuses.append(
            client.post(
                "/staff/information",
                data={
                    "csrf_token": token,
                    "title": f"Laporan {n}",
                    "kind": "other",
                    "year": "2025",
                    "file": file_upload(make_pdf(), f"laporan-{n}.pdf", "application/pdf"),
                },
                content_type="multipart/form-data",
            ).status_code
        )
    assert statuses == [302, 302, 302, 429]
