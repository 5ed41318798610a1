"""Every refusal shown to a person is a translated sentence, never an internal code (issue 12,
item 12): the staff's public-information upload, every upload refusal code wherever it is
shown (flash, form error, the help desk's list of where applicants got stuck) and the
admin's permit number pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from portal.auth.models import Role
from portal.helpdesk.services import error_message
from portal.storage import UploadRejected
from portal.storage.errors import UPLOAD_CODE_LABELS
from tests.conftest import post_form
from tests.fixtures_files import make_png
from tests.wizard_helpers import file_upload

PARAMS = {
    "limit": 1024 * 1024,
    "size": 2 * 1024 * 1024,
    "found": "png",
    "allowed": ["pdf"],
    "width": 6300,
    "height": 6300,
    "max_pixels": 40_000_000,
}
RAW = re.compile(r"upload rejected|UploadRejected|\{'|'found'|'allowed'|wrong_type|\b[a-z]+_[a-z_]+\b")


def _raw_bits(text: str) -> list[str]:
    """Internal codes and Python reprs in ``text`` (form field names such as csrf_token are not
    looked at: pass the message part only)."""
    return [m for m in RAW.findall(text)]


# -- the reported case: staff upload a PNG on the public-information page -------------------------
@pytest.mark.parametrize("lang", ["id", "en"])
def test_staff_uploading_a_png_as_public_information_see_a_sentence(app, client, login_as, lang):
    login_as(Role.ADMIN, locale=lang)
    page = client.get(f"/staff/information?lang={lang}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/staff/information?lang={lang}",
        data={
            "csrf_token": token,
            "title": "Laporan tahunan",
            "kind": "annual_report",
            "year": "2025",
            "file": file_upload(make_png(), "laporan.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    with app.test_request_context("/"), force_locale(lang):
        expected = UploadRejected("wrong_type", found="png", allowed=["pdf"]).message()
    assert expected in html.replace("&#34;", '"').replace("&#39;", "'")
    assert "upload rejected" not in html and "wrong_type" not in html and "{&#39;found" not in html


# -- every upload refusal code -------------------------------------------------------------------
def _codes_raised_in_the_source() -> set[str]:
    root = Path(__file__).resolve().parents[1] / "portal"
    found = set()
    for path in root.rglob("*.py"):
        found.update(re.findall(r'UploadRejected\(\s*"(\w+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_code_raised_anywhere_has_a_label_and_a_sentence():
    raised = _codes_raised_in_the_source()
    assert {"no_file", "wrong_type", "image_too_big", "pdf_active_content"} <= raised
    assert raised <= set(UPLOAD_CODE_LABELS), raised - set(UPLOAD_CODE_LABELS)


@pytest.mark.parametrize("code", sorted(UPLOAD_CODE_LABELS))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_str_of_a_refusal_is_its_sentence_in_the_persons_language(app, code, lang):
    error = UploadRejected(code, **PARAMS)
    with app.test_request_context("/"), force_locale(lang):
        text = str(error)
        assert text == error.message()
        generic = UploadRejected("something_else").message()
        label = error_message(code)
    assert text != generic
    assert not _raw_bits(text), text
    if "_" in code:  # "empty" is also an English word
        assert code not in text and code not in label
    assert repr(error).startswith(f"UploadRejected('{code}'")  # the code stays for the logs


@pytest.mark.parametrize("code", sorted(UPLOAD_CODE_LABELS))
def test_the_help_desk_label_of_every_upload_code_is_indonesian(app, code):
    with app.test_request_context("/"), force_locale("en"):
        english = error_message(code)
    with app.test_request_context("/"), force_locale("id"):
        indonesian = error_message(code)
    assert english != indonesian
    assert code not in indonesian


@pytest.mark.parametrize("code", ["a_code_from_a_newer_version", "pdf_xfa", ""])
def test_an_unknown_code_is_shown_to_the_help_desk_as_a_sentence_not_the_code(app, code):
    with app.test_request_context("/"), force_locale("id"):
        label = error_message(code)
    assert label and (code not in label or not code)
    assert not _raw_bits(label)


# -- the admin's permit number pattern -----------------------------------------------------------
CATEGORY_POST = {
    "slug": "izin-reklame-baru",
    "code": "RKL",
    "name_id": "Izin Reklame Baru",
    "name_en": "New advertisement permit",
    "sector": "advertising",
    "time_limit_days": "7",
    "cost_rupiah": "0",
    "validity_months": "12",
}


@pytest.mark.parametrize(
    "pattern",
    [
        "503/{code}/{year}/{seq",
        "503/{code}/{year}/seq}",
        "{code}/{year}/{seq!r}",
        "{code}/{year}/{seq:>9}",
        "{code}/{seq}",
        "{code}/{year}/{seq}/" + "x" * 80,
        "{code}/{year}/{seq.__class__}",
    ],
)
def test_a_bad_permit_number_pattern_is_explained_in_indonesian(client, login_as, pattern):
    login_as(Role.ADMIN, locale="id")
    response = post_form(
        client, "/admin/categories/new?lang=id", {**CATEGORY_POST, "permit_number_pattern": pattern}
    )
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    for english in (
        "unreadable pattern",
        "Single '}'",
        "expected '}'",
        "unknown placeholder",
        "unsupported format",
        "the pattern needs",
        "too long",
    ):
        assert english not in html.replace("&#39;", "'"), (english, pattern)


# -- the admin's captions upload -----------------------------------------------------------------
BROKEN_CAPTIONS = {
    "WEBVTT\n00:00.000 --> 00:01.000\nx\n": (
        "baris 2: harus ada satu baris kosong setelah baris WEBVTT",
        "line 2: a blank line must follow the WEBVTT header",
    ),
    "WEBVTT\n\n00:05.000 --> 00:04.000\nx\n": (
        "baris 3: teks berakhir sebelum atau tepat saat dimulai",
        "line 3: the cue ends before or when it starts",
    ),
    "WEBVTT\n\n00:00.000 --> 00:61.000\nx\n": (
        "baris 3: &#39;00:61.000&#39; bukan waktu",
        "line 3: &#39;00:61.000&#39; is not a time",
    ),
}


@pytest.mark.parametrize("captions", list(BROKEN_CAPTIONS))
@pytest.mark.parametrize("lang", ["id", "en"])
def test_broken_captions_are_explained_in_the_admins_language(client, login_as, captions, lang):
    import io

    from tests.test_tutorials import make_tutorial

    login_as(Role.ADMIN, locale=lang)
    tutorial = make_tutorial()
    page = f"/admin/tutorials/{tutorial.id}?lang={lang}"
    response = post_form(
        client,
        f"/admin/tutorials/{tutorial.id}/files/captions_id?lang={lang}",
        {"file": (io.BytesIO(captions.encode()), "id.vtt")},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    indonesian, english = BROKEN_CAPTIONS[captions]
    assert (indonesian if lang == "id" else english) in html
    if lang == "id":
        assert english not in html
