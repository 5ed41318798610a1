"""Issue 15, after submitting: the applicant reads every answer and document she sent, and her
receipt (tanda terima) is a PDF she can download and finds attached to the submission email."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from portal.applications import services
from portal.applications.models import Application
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user
from tests.fixtures_files import make_pdf
from tests.wizard_helpers import GOOD_PAGES, file_upload, make_category


@pytest.fixture
def category():
    return make_category()


def _submitted(client, category) -> int:
    """Go through the wizard as the logged-in applicant and submit; the application's id."""
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    application_id = int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    for page_key, data in GOOD_PAGES.items():
        client.post(
            f"/applications/{application_id}/form/{page_key}",
            data={"csrf_token": token, "action": "continue", **data},
        )
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": token, "file": file_upload(make_pdf(), "ktp-siti.pdf")},
        content_type="multipart/form-data",
    )
    review = client.get(f"/applications/{application_id}/review").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', review).group(1)
    response = client.post(
        f"/applications/{application_id}/review",
        data={"csrf_token": csrf_token(review), "version": version, "declaration": "y"},
    )
    assert response.headers["Location"].endswith("/confirmation")
    return application_id


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_after_submitting_she_reads_every_answer_and_document_she_sent(client, login_as, category):
    login_as()
    application_id = _submitted(client, category)
    page = client.get(f"/applications/{application_id}?lang=en").get_data(as_text=True)
    assert "What you sent" in page
    for text in (
        "Warung Sederhana",
        "Rp 1.500.000",
        "Business name",
        "Number of employees",
        "ktp-siti.pdf",
        "Applicant&#39;s ID card",
    ):
        assert text in page, text


def test_the_receipt_pdf_holds_number_date_permit_documents_due_date_and_qr(client, login_as, category):
    login_as(locale="id")
    application_id = _submitted(client, category)
    application = db.session.get(Application, application_id)
    confirmation = client.get(f"/applications/{application_id}/confirmation").get_data(as_text=True)
    assert f"/applications/{application_id}/receipt.pdf" in confirmation
    response = client.get(f"/applications/{application_id}/receipt.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "tanda-terima-" in response.headers["Content-Disposition"]
    text = _text(response.get_data())
    assert "Tanda terima permohonan" in text
    assert application.tracking_number in text
    assert "Izin Uji" in text and "ktp-siti.pdf" in text and "KTP pemohon" in text
    assert "Dokumen yang diterima" in text
    assert f"/status?number={application.tracking_number}" in text  # the QR code's address
    reader = PdfReader(io.BytesIO(response.get_data()))
    assert any("/XObject" in p["/Resources"] for p in reader.pages)  # the QR image


def test_the_receipt_is_only_the_applicants_and_not_for_a_draft(client, login_as, app, category):
    login_as()
    application_id = _submitted(client, category)
    other = app.test_client()
    stranger = make_user()
    assert login(other, stranger.email, DEFAULT_PASSWORD).status_code == 302
    assert other.get(f"/applications/{application_id}/receipt.pdf").status_code == 404
    draft = services.start_application(stranger, category)
    assert other.get(f"/applications/{draft.id}/receipt.pdf").status_code == 404


def test_the_submission_email_carries_the_receipt(client, login_as, outbox, category):
    from portal.notifications.services import dispatch_queued

    user = login_as()
    _submitted(client, category)
    dispatch_queued()
    (mail,) = outbox.to(user.email)
    attachments = list(mail.iter_attachments())
    assert len(attachments) == 1
    part = attachments[0]
    assert part.get_content_type() == "application/pdf"
    assert part.get_filename().startswith("tanda-terima-SP-")
    assert "Tanda terima permohonan" in _text(part.get_content())


def test_the_status_page_opened_from_the_qr_code_has_the_number_filled_in(client):
    page = client.get("/status?number=SP-2026-000123").get_data(as_text=True)
    assert 'value="SP-2026-000123"' in page
