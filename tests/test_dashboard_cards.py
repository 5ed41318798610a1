"""Issue 15, the dashboard on a phone: one card per application with its status in plain words
and the next action, which resumes a draft at its furthest unfinished step."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token
from tests.fixtures_files import make_pdf
from tests.wizard_helpers import GOOD_PAGES, file_upload, make_category, make_submitted


@pytest.fixture
def category():
    return make_category()


def _start(client, category) -> int:
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    return int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))


def _post_page(client, application_id, page_key, data):
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    return client.post(
        f"/applications/{application_id}/form/{page_key}",
        data={"csrf_token": token, "action": "continue", **data},
    )


def _resume(client) -> tuple[str, str]:
    """The draft card's button: its text and where it goes."""
    page = client.get("/dashboard").get_data(as_text=True)
    match = re.search(r'<a class="btn btn-primary w-100" href="([^"]+)">([^<]+)<', page)
    assert match, "no resume button"
    return match.group(2).strip(), match.group(1)


def test_a_new_draft_resumes_at_step_one(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    assert _resume(client) == ("Lanjutkan: langkah 1 dari 5", f"/applications/{application_id}/requirements")


def test_a_draft_resumes_at_the_first_unfinished_page_then_documents_then_review(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _post_page(client, application_id, "business", GOOD_PAGES["business"])
    assert _resume(client) == ("Lanjutkan: langkah 3 dari 5", f"/applications/{application_id}/form/location")
    _post_page(client, application_id, "location", GOOD_PAGES["location"])
    assert _resume(client) == ("Lanjutkan: langkah 4 dari 5", f"/applications/{application_id}/documents")
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": token, "file": file_upload(make_pdf(), "ktp.pdf")},
        content_type="multipart/form-data",
    )
    assert _resume(client) == ("Lanjutkan: langkah 5 dari 5", f"/applications/{application_id}/review")


def test_a_page_left_with_errors_is_where_the_draft_resumes(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _post_page(client, application_id, "business", GOOD_PAGES["business"])
    _post_page(client, application_id, "location", GOOD_PAGES["location"])
    _post_page(client, application_id, "business", {**GOOD_PAGES["business"], "employees": "-4"})
    assert _resume(client)[1] == f"/applications/{application_id}/form/business"


def test_each_application_is_a_card_with_its_status_in_plain_words(client, login_as, category):
    user = login_as()
    make_submitted(user, category)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "<table" not in page
    assert page.count('class="card h-100 application-card"') == 1
    assert "Sudah dikirim. Kantor akan memeriksanya" in page
    assert "Lihat" in page
