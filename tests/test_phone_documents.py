"""Issue 15, documents on a phone: an error on the card it belongs to, a chosen file never
dropped (Continue uploads it), the script's JSON answer, previews, flagged documents, photos
over the limit downscaled (a 12 MB 8000 x 6000 camera photo), HEIC converted, an upload cut off
halfway or two quick uploads to one slot."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from portal.applications.models import Document, DocumentState
from portal.extensions import db
from portal.storage import get_storage
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user
from tests.fixtures_files import html_bytes, make_jpeg, make_pdf, make_png
from tests.wizard_helpers import file_upload, make_category

MB = 1024 * 1024


@pytest.fixture
def category():
    return make_category()


def _start(client, category) -> int:
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    return int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))


def _token(client) -> str:
    return csrf_token(client.get("/dashboard").get_data(as_text=True))


def _docs(application_id: int) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document).where(Document.application_id == application_id).order_by(Document.id)
        )
    )


def _stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _card(page: str, key: str) -> str:
    """The HTML of one document card."""
    match = re.search(rf'<section class="document-slot[^"]*" id="doc-{key}".*?</section>', page, re.S)
    assert match, f"no card for {key}"
    return match.group(0)


def camera_photo(width: int = 8000, height: int = 6000, quality: int = 96) -> bytes:
    """A camera-like JPEG: smooth noise (so it compresses like a photo, not like a flat
    colour), at ``quality``: 8000 x 6000 at 96 is about 12 MB."""
    small = Image.effect_noise((width // 10, height // 10), 60).convert("RGB")
    out = io.BytesIO()
    small.resize((width, height), Image.BICUBIC).save(out, format="JPEG", quality=quality)
    return out.getvalue()


# -- errors on their card, without JavaScript ------------------------------------------------------
def test_a_refused_upload_shows_its_reason_on_its_card_and_the_page_returns_to_it(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents/ktp?lang=en",
        data={"csrf_token": _token(client), "file": file_upload(html_bytes(), "ktp.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/documents#doc-ktp")
    page = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    card = _card(page, "ktp")
    assert "This file is a web page (HTML)" in card
    assert 'role="alert" id="doc-ktp-error"' in card
    assert 'aria-describedby="doc-ktp-error"' in card
    assert "This file is a web page (HTML)" not in _card(page, "photo")
    # shown once: a reload no longer carries it
    again = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    assert "This file is a web page (HTML)" not in again


def test_continue_with_a_chosen_file_uploads_it(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents",
        data={
            "csrf_token": _token(client),
            "action": "continue",
            "file-ktp": file_upload(make_pdf(), "ktp.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application_id}/review")
    assert [d.original_name for d in _docs(application_id)] == ["ktp.pdf"]


def test_continue_with_a_refused_file_stays_on_the_card_with_its_error(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents?lang=en",
        data={
            "csrf_token": _token(client),
            "action": "continue",
            "file-ktp": file_upload(make_pdf(), "ktp.pdf", "application/pdf"),
            "file-photo": file_upload(make_pdf(), "site.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.headers["Location"].endswith("/documents#doc-photo")
    assert [d.original_name for d in _docs(application_id)] == ["ktp.pdf"]  # the good one is kept
    page = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    assert "this document must be a JPEG or PNG file" in _card(page, "photo")


def test_the_camera_input_and_the_file_input_share_a_name_the_one_with_a_file_counts(
    client, login_as, category
):
    login_as()
    application_id = _start(client, category)
    page = client.get(f"/applications/{application_id}/documents").get_data(as_text=True)
    assert 'capture="environment"' in _card(page, "photo")
    client.post(
        f"/applications/{application_id}/documents",
        data={
            "csrf_token": _token(client),
            "upload": "photo",
            "file-photo": [
                file_upload(b"", "", "application/octet-stream"),
                file_upload(make_jpeg(300, 200), "kamera.jpg", "image/jpeg"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert [d.original_name for d in _docs(application_id)] == ["kamera.jpg"]


def test_remove_on_one_card_keeps_a_file_chosen_on_another(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    client.post(
        f"/applications/{application_id}/documents",
        data={
            "csrf_token": _token(client),
            "upload": "ktp",
            "file-ktp": file_upload(make_pdf(), "ktp.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    ktp = _docs(application_id)[0]
    client.post(
        f"/applications/{application_id}/documents/{ktp.id}/delete",
        data={
            "csrf_token": _token(client),
            "file-photo": file_upload(make_jpeg(200, 100), "lokasi.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
    )
    assert [d.original_name for d in _docs(application_id)] == ["lokasi.jpg"]


# -- the script's answer -----------------------------------------------------------------------
def test_the_scripts_upload_gets_json_with_the_new_card(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents/ktp?lang=en",
        data={
            "csrf_token": _token(client),
            "file": file_upload(make_jpeg(400, 300), "ktp.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["message"] == "The file has been uploaded."
    assert "ktp.jpg" in body["html"] and 'name="file-ktp"' in body["html"]
    assert "/preview" in body["html"]


def test_the_scripts_refused_upload_gets_its_reason_in_the_card(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents/photo?lang=en",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "x.pdf", "application/pdf")},
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is False
    assert "must be a JPEG or PNG file" in body["message"]
    assert body["message"] in body["html"]
    assert _docs(application_id) == []


# -- bad input: two quick uploads, one cut off ---------------------------------------------------
def test_two_files_chosen_quickly_for_one_slot_leave_one_stored(client, login_as, category, app):
    login_as()
    application_id = _start(client, category)
    before = _stored_files(app)
    token = _token(client)
    for name in ("first.jpg", "second.jpg"):
        client.post(
            f"/applications/{application_id}/documents/ktp",
            data={"csrf_token": token, "file": file_upload(make_jpeg(500, 400), name, "image/jpeg")},
            content_type="multipart/form-data",
            headers={"X-Requested-With": "XMLHttpRequest"},
        )
    docs = _docs(application_id)
    assert [d.original_name for d in docs] == ["second.jpg"]
    # the file and its preview; nothing of the first left behind
    assert len(_stored_files(app) - before) == 2


def test_an_upload_cut_off_halfway_stores_nothing(client, login_as, category, app):
    login_as()
    application_id = _start(client, category)
    before = _stored_files(app)
    builder = EnvironBuilder(
        path=f"/applications/{application_id}/documents/ktp",
        method="POST",
        data={
            "csrf_token": _token(client),
            "file": file_upload(camera_photo(1600, 1200, 95), "ktp.jpg", "image/jpeg"),
        },
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    environ = builder.get_environ()
    body = environ["wsgi.input"].read()
    environ["wsgi.input"] = io.BytesIO(body[: len(body) // 2])  # the phone cancelled: no more
    environ["CONTENT_LENGTH"] = str(len(body))
    response = client.open(environ)
    assert response.status_code == 400
    assert _docs(application_id) == []
    assert _stored_files(app) == before


# -- photos over the limit, HEIC ---------------------------------------------------------------
def test_a_12_mb_8000_by_6000_camera_photo_is_accepted_and_downscaled(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    photo = camera_photo()
    assert len(photo) > 10 * MB  # over the slot's 2 MB limit, and over 40 megapixels
    response = client.post(
        f"/applications/{application_id}/documents/photo?lang=en",
        data={"csrf_token": _token(client), "file": file_upload(photo, "IMG_20261201.jpg", "image/jpeg")},
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.get_json()["ok"] is True, response.get_json()["message"]
    (document,) = _docs(application_id)
    assert document.size <= 2 * MB
    with get_storage().open(document.storage_key) as fh, Image.open(fh) as image:
        assert image.format == "JPEG"
        assert max(image.size) <= 2000
        assert image.size[0] > image.size[1]  # the shape is kept


def test_a_pdf_over_the_limit_is_still_refused_in_a_slot_that_takes_photos(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    big = b"%PDF-1.4\n" + b"0" * (3 * MB)
    response = client.post(
        f"/applications/{application_id}/documents/ktp?lang=en",
        data={"csrf_token": _token(client), "file": file_upload(big, "scan.pdf", "application/pdf")},
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.get_json()["message"].startswith("The file is 3 MB; the limit is 2 MB.")


def test_a_photo_over_even_the_photo_ceiling_is_refused_with_what_to_do(
    client, login_as, category, app, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_PHOTO_MAX_BYTES", 3 * MB)
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents/photo?lang=en",
        data={
            "csrf_token": _token(client),
            "file": file_upload(camera_photo(4000, 3000), "big.jpg", "image/jpeg"),
        },
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert "Take the photo again with a lower camera resolution" in response.get_json()["message"]


def _heic(width: int = 600, height: int = 400) -> bytes:
    out = io.BytesIO()
    Image.effect_noise((width, height), 40).convert("RGB").save(out, format="HEIF")
    return out.getvalue()


def test_a_heic_photo_is_converted_to_jpeg(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = client.post(
        f"/applications/{application_id}/documents/photo",
        data={"csrf_token": _token(client), "file": file_upload(_heic(), "IMG_0001.HEIC", "image/heic")},
        content_type="multipart/form-data",
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.get_json()["ok"] is True, response.get_json()["message"]
    (document,) = _docs(application_id)
    assert document.content_type == "image/jpeg"
    with get_storage().open(document.storage_key) as fh:
        assert fh.read(3) == b"\xff\xd8\xff"


def test_a_heic_photo_where_only_pdf_is_taken_is_refused_with_what_to_do(app):
    from werkzeug.datastructures import FileStorage

    from portal.storage import FileKind, UploadRejected, check_upload

    with app.test_request_context("/?lang=en"), pytest.raises(UploadRejected) as info:
        check_upload(FileStorage(io.BytesIO(_heic()), "IMG_0001.HEIC"), {FileKind.PDF}, 2 * MB)
    assert info.value.code == "wrong_type"
    assert "Most Compatible" in info.value.message()


# -- previews, flags -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "name", "ctype"),
    [
        (make_jpeg(900, 600), "ktp.jpg", "image/jpeg"),
        (make_pdf(), "ktp.pdf", "application/pdf"),
        (make_png(300, 300), "ktp.png", "image/png"),
    ],
)
def test_each_upload_gets_a_preview_only_its_applicant_sees(
    client, login_as, category, app, data, name, ctype
):
    login_as()
    application_id = _start(client, category)
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": _token(client), "file": file_upload(data, name, ctype)},
        content_type="multipart/form-data",
    )
    (document,) = _docs(application_id)
    url = f"/applications/{application_id}/documents/{document.id}/preview"
    page = client.get(f"/applications/{application_id}/documents").get_data(as_text=True)
    assert url in _card(page, "ktp")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(response.get_data())) as preview:
        assert max(preview.size) <= 240
    other = app.test_client()
    stranger = make_user()
    assert login(other, stranger.email, DEFAULT_PASSWORD).status_code == 302
    assert other.get(url).status_code == 404


def test_removing_a_document_removes_its_preview(client, login_as, category, app):
    login_as()
    application_id = _start(client, category)
    before = _stored_files(app)
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "ktp.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    (document,) = _docs(application_id)
    client.post(
        f"/applications/{application_id}/documents/{document.id}/delete", data={"csrf_token": _token(client)}
    )
    assert _stored_files(app) == before


def test_a_flagged_document_shows_its_flag_not_uploaded(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": _token(client), "file": file_upload(make_pdf(), "ktp.pdf", "application/pdf")},
        content_type="multipart/form-data",
    )
    (document,) = _docs(application_id)
    document.state = DocumentState.FLAGGED
    document.reason = "Foto KTP buram"
    db.session.commit()
    card = _card(client.get(f"/applications/{application_id}/documents").get_data(as_text=True), "ktp")
    assert "Perlu berkas baru" in card and "Foto KTP buram" in card
    assert "Sudah diunggah" not in card


def test_the_limits_talk_about_photos_too(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    page = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    assert "A larger photo is made smaller for you." in _card(page, "photo")
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0
