"""Download names (issue 12, item 6): the served extension is the one of the detected type, and
no name Windows refuses (CON, LPT1, trailing dots or spaces, control characters) reaches
Content-Disposition, in the quoted name or in RFC 6266's filename*."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from portal.applications import services
from portal.applications.models import Document
from portal.auth.models import Role
from portal.extensions import db
from portal.storage.serving import content_disposition, download_filename
from tests.conftest import csrf_token, login
from tests.fixtures_files import make_jpeg, make_pdf, make_png
from tests.wizard_helpers import file_upload, make_category

WINDOWS_RESERVED = [
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
]


def names_in(header: str) -> tuple[str, str]:
    """The quoted filename and the decoded filename* of a Content-Disposition header."""
    quoted = re.search(r'filename="([^"]*)"', header).group(1)
    star = unquote(re.search(r"filename\*=UTF-8''(\S+)", header).group(1))
    return quoted, star


def windows_accepts(name: str) -> bool:
    base = name.split(".", 1)[0].rstrip(" ").upper()
    return (
        (base not in WINDOWS_RESERVED and base[:3] not in ("COM", "LPT") or len(base) != 4)
        and not name.endswith((".", " "))
        and not any(ord(c) < 32 or c in '<>:"/\\|?*' for c in name)
    )


# -- the rule, for each hostile name -------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("ktp.pdf", "image/png", "ktp.png"),
        ("KTP.PDF", "image/jpeg", "KTP.jpg"),
        ("ktp.png", "application/pdf", "ktp.pdf"),
        ("foto.jpeg", "image/jpeg", "foto.jpeg"),
        ("foto.JPG", "image/jpeg", "foto.JPG"),
        ("scan", "image/png", "scan.png"),
        ("Surat No. 12", "application/pdf", "Surat No. 12.pdf"),
        ("ktp.pdf.exe", "application/pdf", "ktp.pdf.pdf"),
        ("ktp.html", "image/png", "ktp.png"),
        ("captions.txt", "text/vtt; charset=utf-8", "captions.vtt"),
        ("video.mov", "video/mp4", "video.mp4"),
    ],
)
def test_the_extension_is_that_of_the_served_type(name, content_type, expected):
    assert download_filename(name, content_type) == expected
    quoted, star = names_in(content_disposition(name, content_type=content_type))
    assert quoted == star == expected


@pytest.mark.parametrize("reserved", WINDOWS_RESERVED)
@pytest.mark.parametrize("pattern", ["{}.pdf", "{}", "{}.tar.gz", "{} .pdf", "{}  .pdf", "{}.", "{}. .pdf"])
def test_windows_reserved_names_are_avoided(reserved, pattern):
    for name in (
        pattern.format(reserved),
        pattern.format(reserved.lower()),
        pattern.format(reserved.title()),
    ):
        for header in (content_disposition(name, content_type="application/pdf"), content_disposition(name)):
            for given in names_in(header):
                assert windows_accepts(given), (name, given)


@pytest.mark.parametrize(
    "name", ["COM\u00b9.pdf", "LPT\u00b2.pdf", "\uff23\uff2f\uff2e.pdf", "CONIN$.pdf", "conout$.pdf"]
)
def test_windows_reserved_variants_are_avoided(name):
    quoted, star = names_in(content_disposition(name, content_type="application/pdf"))
    for given in (quoted, star):
        assert given.split(".", 1)[0].upper() not in ("COM1", "LPT2", "CON", "CONIN$", "CONOUT$"), given


@pytest.mark.parametrize(
    "name",
    [
        "ktp.pdf.",
        "ktp.pdf...",
        "ktp.pdf   ",
        "ktp.pdf. . .",
        "ktp .pdf",
        "ktp.",
        "...",
        " . ",
        "ktp\x00.pdf",
        "ktp\x1f\x7f.pdf",
        "kt\rp\n.pdf",
        "a\u0085b.pdf",
        "x<y>:z|?*.pdf",
        'a"b.pdf',
        "..\\..\\boot.ini",
        "a/b/c.pdf",
    ],
)
def test_no_trailing_dot_space_control_or_forbidden_character(name):
    for content_type in ("application/pdf", None):
        header = content_disposition(name, content_type=content_type)
        header.encode("latin-1")
        for given in names_in(header):
            assert given, name
            assert windows_accepts(given), (name, given)
            assert not given.rstrip(".").endswith(" ")


# -- through the portal: uploaded by the applicant, downloaded by both sides -----------------------
@pytest.fixture
def category():
    return make_category()


def _upload(client, application_id, data, name, content_type):
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    return client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": token, "file": file_upload(data, name, content_type)},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    ("data", "uploaded_as", "served_as", "mime"),
    [
        (make_png(), "ktp.pdf", "ktp.png", "image/png"),
        (make_jpeg(), "ktp.png", "ktp.jpg", "image/jpeg"),
        (make_pdf(), "ktp.jpg", "ktp.pdf", "application/pdf"),
        (make_pdf(), "CON.pdf", "_CON.pdf", "application/pdf"),
        (make_png(), "lpt9 . .", "_lpt9.png", "image/png"),
    ],
)
def test_applicant_and_officer_get_a_name_matching_the_content(
    client, app, login_as, category, user_factory, data, uploaded_as, served_as, mime
):
    applicant = login_as()
    application = services.start_application(applicant, category)
    assert _upload(client, application.id, data, uploaded_as, "application/pdf").status_code == 302
    document = db.session.scalar(select(Document).where(Document.application_id == application.id))
    assert document is not None and document.content_type == mime

    own = client.get(f"/applications/{application.id}/documents/{document.id}/download")
    assert own.status_code == 200
    assert own.headers["Content-Type"] == mime
    assert names_in(own.headers["Content-Disposition"]) == (served_as, served_as)

    application.answers = {
        "business_name": "Warung",
        "employees": 3,
        "has_branch": "no",
        "start_date": "2020-05-01",
    }
    application.completed_pages = ["business", "location"]
    db.session.commit()
    services.submit(application, applicant, declaration=True)
    officer = user_factory(Role.OFFICER)
    office_client = app.test_client()
    assert login(office_client, officer.email).status_code == 302
    office = office_client.get(f"/office/applications/{application.id}/documents/{document.id}/download")
    assert office.status_code == 200
    assert names_in(office.headers["Content-Disposition"]) == (served_as, served_as)
