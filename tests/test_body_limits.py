"""Request bodies: a form without a file is refused past 1 MB before it is read (a 59 MB
urlencoded POST to /login used to be parsed whole: about 170 MB of memory), the upload forms
still take up to 60 MB, and each refusal is a page that says what to do."""

from __future__ import annotations

import io

import pytest

from portal.auth.models import Role
from tests.conftest import csrf_token, make_user
from tests.wizard_helpers import file_upload, make_category

MB = 1024 * 1024


class CountingBody(io.RawIOBase):
    """A request body of ``size`` bytes made on demand, counting how many the server read."""

    def __init__(self, size: int):
        self.size, self.sent = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the body by seeking to its end
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.sent = {0: offset, 1: self.sent + offset, 2: self.size + offset}[whence]
        return self.sent

    def tell(self) -> int:
        return self.sent

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.sent)
        buffer[:n] = b"x" * n
        self.sent += n
        return n


def _post_body(client, url: str, size: int, content_type="application/x-www-form-urlencoded"):
    body = CountingBody(size)
    response = client.post(
        url, input_stream=body, content_type=content_type, headers={"Content-Length": str(size)}
    )
    return response, body


@pytest.mark.parametrize("size", [59 * MB, 2 * MB, MB + 1], ids=["59MB", "2MB", "1MB+1"])
def test_a_huge_urlencoded_login_post_is_refused_unread(client, size):
    response, body = _post_body(client, "/login?lang=en", size)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "The form is too large" in page
    assert "shorten the text" in page
    assert body.sent < MB  # refused on its Content-Length, not after reading it


def test_the_refusal_is_in_indonesian_by_default(client):
    response, _ = _post_body(client, "/login", 2 * MB)
    assert response.status_code == 413
    assert "Isian formulir terlalu besar" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/register", "/complaints", "/forgot-password", "/status", "/language", "/information/request"]
)
def test_every_public_form_refuses_a_body_past_1_mb(client, url):
    response, body = _post_body(client, url + "?lang=en", 2 * MB)
    assert response.status_code == 413, url
    assert "The form is too large" in response.get_data(as_text=True)
    assert body.sent < MB


def test_a_multipart_post_without_a_file_field_is_limited_too(client, login_as):
    login_as(Role.APPLICANT)
    page = client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account?lang=en",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(page),
            "full_name": "x" * (2 * MB),
            "phone": "081234567890",
            "locale": "en",
        },
    )
    assert response.status_code == 413
    assert "The form is too large" in response.get_data(as_text=True)


def test_a_staff_form_past_1_mb_is_refused(client, login_as):
    user = login_as(Role.HELPDESK)
    response, _ = _post_body(client, f"/helpdesk/applicants/{user.id}/notes?lang=en", 2 * MB)
    assert response.status_code == 413


def test_an_ordinary_login_still_works(client):
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "email": user.email,
            "password": "correct horse battery staple",
        },
    )
    assert response.status_code == 302


def test_an_upload_form_takes_a_file_past_1_mb(client, login_as):
    """The body reaches the view: the content check answers (not a PDF), not the size limit."""
    login_as(Role.APPLICANT)
    category = make_category()
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    start = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    application_id = int(start.headers["Location"].split("/")[2])
    token = csrf_token(client.get(f"/applications/{application_id}/documents").get_data(as_text=True))
    response = client.post(
        f"/applications/{application_id}/documents/ktp?lang=en",
        content_type="multipart/form-data",
        data={
            "csrf_token": token,
            "file": file_upload(b"\x00" * (3 * MB // 2), "ktp.pdf", "application/pdf"),
        },
    )
    assert response.status_code != 413
    assert "The form is too large" not in response.get_data(as_text=True)


def test_an_upload_past_60_mb_is_refused_unread_with_the_file_message(client, login_as):
    login_as(Role.APPLICANT)
    category = make_category()
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    start = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    application_id = int(start.headers["Location"].split("/")[2])
    response, body = _post_body(
        client,
        f"/applications/{application_id}/documents/ktp?lang=en",
        61 * MB,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "The file or form is too large" in response.get_data(as_text=True)
    assert body.sent < MB
