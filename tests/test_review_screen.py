"""Issue 16, item 4: a review screen to work in. PDF documents are read inside the page as
pictures of their pages (rendered on the server), for the office's staff only; documents sit in
their slots with a file sent after a flag marked "Baru sejak ditandai"; the history and the
flash messages are sentences; a decision is confirmed over a summary; staff see staff by name."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.applications import services as app_services
from portal.applications.models import ApplicationStatus as S
from portal.applications.models import Document
from portal.auth.models import Role, User
from portal.backoffice import services
from portal.extensions import db
from tests.conftest import csrf_token, login, make_user
from tests.factories import add_document, make_draft
from tests.fixtures_files import make_jpeg, make_pdf
from tests.wizard_helpers import make_category, make_submitted


@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def submitted(category):
    return make_submitted(make_user(Role.APPLICANT, full_name="Siti Rahmawati"), category)


def _doc(application, key="ktp") -> Document:
    return db.session.scalars(
        select(Document).where(Document.application_id == application.id, Document.requirement_key == key)
    ).one()


def _page(client, application) -> str:
    response = client.get(f"/office/applications/{application.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _post(client, application, path, data):
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    payload = {"csrf_token": csrf_token(page), "version": version, **data}
    return client.post(f"/office/applications/{application.id}{path}", data=payload)


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf())).pages:
        writer.add_page(page)
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- reading a PDF inside the page ---------------------------------------------------------------
def test_officer_reads_each_pdf_page_as_a_picture_inside_the_review_page(client, login_as, category):
    application = make_draft(make_user(Role.APPLICANT), category)
    add_document(application, data=make_pdf(pages=3), name="ktp-tiga-halaman.pdf")
    app_services.submit(application, db.session.get(User, application.applicant_id), declaration=True)
    login_as(Role.OFFICER)
    html = _page(client, application)
    doc = _doc(application)
    base = f"/office/applications/{application.id}/documents/{doc.id}/pages/"
    # Three pictures, one per page, described in Indonesian; no frame that a browser could block.
    assert html.count(f'src="{base}') == 3
    assert "Halaman 2 dari 3, ktp-tiga-halaman.pdf" in html
    assert "<iframe" not in html
    picture = client.get(f"{base}2?w=800")
    assert picture.status_code == 200
    assert picture.mimetype == "image/jpeg"
    assert picture.data[:3] == b"\xff\xd8\xff"
    assert picture.headers["Cache-Control"] == "private, max-age=600"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"


def _officer_sees(app, url) -> bool:
    from tests.conftest import login

    officer_client = app.test_client()
    assert login(officer_client, make_user(Role.OFFICER).email).status_code == 302
    return officer_client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.HELPDESK])
def test_page_pictures_are_404_for_anyone_outside_the_office(app, client, login_as, submitted, role):
    login_as(role)
    url = f"/office/applications/{submitted.id}/documents/{_doc(submitted).id}/pages/1"
    assert client.get(url).status_code == 404
    assert _officer_sees(app, url)  # the same address works for the office


def test_the_applicant_who_sent_the_file_gets_404_on_the_office_picture(app, client, submitted):
    from tests.conftest import login

    applicant = db.session.get(User, submitted.applicant_id)
    assert login(client, applicant.email).status_code == 302
    url = f"/office/applications/{submitted.id}/documents/{_doc(submitted).id}/pages/1"
    assert client.get(url).status_code == 404
    assert _officer_sees(app, url)


def test_an_officer_gets_404_for_a_document_of_another_application_a_draft_or_a_missing_page(
    client, login_as, submitted, category
):
    login_as(Role.OFFICER)
    other = make_submitted(make_user(Role.APPLICANT), category)
    others_doc = _doc(other)
    # Another application's document through this application's address.
    assert (
        client.get(f"/office/applications/{submitted.id}/documents/{others_doc.id}/pages/1").status_code
        == 404
    )
    # A draft is the applicant's own business, its files too.
    draft = make_draft(make_user(Role.APPLICANT), category)
    drafts_doc = add_document(draft)
    assert client.get(f"/office/applications/{draft.id}/documents/{drafts_doc.id}/pages/1").status_code == 404
    doc = _doc(submitted)
    assert client.get(f"/office/applications/{submitted.id}/documents/{doc.id}/pages/2").status_code == 404
    assert client.get(f"/office/applications/{submitted.id}/documents/{doc.id}/pages/0").status_code == 404
    assert (
        client.get(f"/office/applications/{submitted.id}/documents/{doc.id}/pages/1?w=99999").status_code
        == 404
    )
    assert (
        client.get(f"/office/applications/{submitted.id}/documents/{doc.id}/pages/1?w=x").status_code == 404
    )
    assert client.get(f"/office/applications/{submitted.id}/documents/{doc.id}/pages/1").status_code == 200


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        (b"%PDF-1.7\nthis is not really a PDF\n%%EOF\n", "application/pdf", "bukan PDF yang dapat dibaca"),
        (b"\x00\x01garbage" * 100, "application/pdf", "bukan PDF yang dapat dibaca"),
        (None, "application/pdf", "dikunci dengan kata sandi"),
        (b"plain text, not a document", "text/plain", "Jenis berkas ini tidak dapat ditampilkan"),
    ],
    ids=["corrupt-pdf", "garbage", "password", "not-a-pdf"],
)
def test_a_file_that_cannot_be_pictured_gets_a_clear_message_not_an_error(
    client, login_as, category, data, content_type, message
):
    application = make_draft(make_user(Role.APPLICANT), category)
    add_document(
        application,
        data=_locked_pdf() if data is None else data,
        name="berkas.pdf",
        content_type=content_type,
    )
    app_services.submit(application, db.session.get(User, application.applicant_id), declaration=True)
    login_as(Role.OFFICER)
    html = _page(client, application)
    assert message in html
    assert "/pages/1" not in html  # no picture is offered for it
    assert "Unduh" in html  # the download stays
    doc = _doc(application)
    assert client.get(f"/office/applications/{application.id}/documents/{doc.id}/pages/1").status_code == 404


def test_a_file_missing_from_storage_is_told_not_an_error(client, login_as, submitted):
    from portal.storage import get_storage

    get_storage().delete(_doc(submitted).storage_key)
    login_as(Role.OFFICER)
    assert "Berkas tidak ada di penyimpanan" in _page(client, submitted)


# -- slots, "new since flagged" ------------------------------------------------------------------
def test_a_file_replaced_after_a_flag_keeps_its_slot_and_is_marked_new(client, login_as, category):
    applicant = make_user(Role.APPLICANT)
    application = make_draft(applicant, category)
    add_document(application, name="ktp-lama.pdf")
    add_document(application, "photo", make_jpeg(320, 200), name="lokasi.jpg", content_type="image/jpeg")
    app_services.submit(application, applicant, declaration=True)
    officer = login_as(Role.OFFICER, full_name="Budi Santoso")
    services.start_review(application, officer, application.version)
    services.set_document_verdict(application, _doc(application).id, officer, False, "Foto KTP buram")
    services.request_corrections(application, officer, "Unggah ulang KTP.", application.version)
    app_services.add_document(
        application, "ktp", FileStorage(io.BytesIO(make_pdf()), "ktp-baru.pdf"), actor=applicant
    )
    app_services.resubmit(application, applicant)

    html = _page(client, application)
    new_card = html.index("ktp-baru.pdf")
    # The ID card's slot still comes first (the form's order), above the site photo, although
    # its file is the newest.
    assert new_card < html.index("lokasi.jpg")
    assert "ktp-lama.pdf" not in html
    assert html.count("Baru sejak ditandai") == 1
    # The mark is on the new file's card (after the card opens, before the file's name).
    card_start = html.rindex('id="document-', 0, new_card)
    assert card_start < html.index("Baru sejak ditandai") < new_card
    assert "Ditandai karena: Foto KTP buram" in html
    assert html.index("KTP pemohon") < new_card < html.index("Foto lokasi")


# -- history and flash messages in words ---------------------------------------------------------
def test_history_is_told_in_sentences_with_staff_names(client, login_as, submitted):
    officer = login_as(Role.OFFICER, full_name="Budi Santoso")
    assert _post(client, submitted, "/start", {}).status_code == 302
    doc = _doc(submitted)
    _post(client, submitted, f"/documents/{doc.id}/verdict", {"verdict": "flag", "reason": "Foto KTP buram"})
    _post(client, submitted, "/flags", {"key": "business_name", "reason": "Tulis nama lengkap usaha"})
    html = _page(client, submitted)
    history = html[html.index('id="history-title"') :]
    assert "Pemohon mengirim permohonan." in history
    assert "Budi Santoso mulai memeriksa permohonan." in history
    assert "Budi Santoso menandai dokumen KTP pemohon: Foto KTP buram" in history
    assert "Budi Santoso menandai jawaban Nama usaha: Tulis nama lengkap usaha" in history
    for code in ("flag_document", "flag_field", "start_review", "submit", "draft", "→", "ktp:"):
        assert code not in history, code
    # The open flags name the document and the answer too, not their keys.
    flags = html[html.index('id="flags-title"') : html.index('id="documents-title"')]
    assert "Dokumen: KTP pemohon — Foto KTP buram" in flags
    assert "Jawaban: Nama usaha — Tulis nama lengkap usaha" in flags
    assert officer.full_name in html


def test_every_flash_says_what_happened(client, login_as, submitted):
    login_as(Role.OFFICER)
    page = _post(client, submitted, "/start", {})
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert f"Anda mulai memeriksa {submitted.tracking_number}." in html
    doc = _doc(submitted)
    response = _post(client, submitted, f"/documents/{doc.id}/verdict", {"verdict": "accept"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dokumen KTP pemohon diterima." in html
    response = _post(client, submitted, "/notes", {"text": "Sudah dicek dengan Dukcapil."})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Catatan Anda ditambahkan." in html
    response = _post(client, submitted, "/recommend", {"decision": "approve", "confirmed": "yes"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "rekomendasi untuk disetujui" in html
    assert "Selesai." not in html and "Done." not in html


# -- recommending: confirmation over a summary, like the approver's decision ---------------------
@pytest.fixture
def reviewed(submitted):
    officer = make_user(Role.OFFICER, full_name="Budi Santoso")
    services.start_review(submitted, officer, submitted.version)
    for doc in app_services.documents_of(submitted):
        services.set_document_verdict(submitted, doc.id, officer, True)
    return submitted, officer


def test_recommend_shows_a_summary_first_and_sends_nothing_until_confirmed(client, reviewed):
    application, officer = reviewed
    assert login(client, officer.email).status_code == 302
    response = _post(
        client, application, "/recommend", {"decision": "reject", "reason": "Lokasi di jalur hijau"}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Konfirmasi rekomendasi" in html
    assert "Belum ada yang dikirim." in html
    assert (
        "Siti Rahmawati" in html and application.tracking_number in html and "Lokasi di jalur hijau" in html
    )
    assert "KTP pemohon: <strong>diterima</strong>" in html
    assert "Ya, kirim ke Pejabat Penandatangan dengan rekomendasi penolakan" in html
    db.session.refresh(application)
    assert application.status is S.IN_REVIEW and application.recommendation is None

    token = csrf_token(html)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    done = client.post(
        f"/office/applications/{application.id}/recommend",
        data={
            "csrf_token": token,
            "version": version,
            "decision": "reject",
            "reason": "Lokasi di jalur hijau",
            "confirmed": "yes",
        },
    )
    assert done.status_code == 302
    db.session.refresh(application)
    assert application.status is S.RECOMMENDED and application.recommendation == "reject"
    assert application.recommendation_reason == "Lokasi di jalur hijau"


def test_a_recommendation_that_would_be_refused_gets_no_summary(client, reviewed):
    application, officer = reviewed
    assert login(client, officer.email).status_code == 302
    no_reason = _post(client, application, "/recommend", {"decision": "reject"})
    assert no_reason.status_code == 302  # back to the page with what is missing, no summary
    html = client.get(no_reason.headers["Location"]).get_data(as_text=True)
    assert "Tulis alasan" in html
    services.set_document_verdict(application, _doc(application).id, officer, False, "Foto buram")
    blocked = _post(client, application, "/recommend", {"decision": "approve"})
    assert blocked.status_code == 302
    db.session.refresh(application)
    assert application.status is S.IN_REVIEW


# -- deciding: confirmation over a summary -------------------------------------------------------
@pytest.fixture
def recommended(submitted):
    officer = make_user(Role.OFFICER, full_name="Budi Santoso")
    services.start_review(submitted, officer, submitted.version)
    for doc in app_services.documents_of(submitted):
        services.set_document_verdict(submitted, doc.id, officer, True)
    services.recommend(submitted, officer, "approve", "Lengkap", submitted.version)
    return submitted


def test_approve_without_the_confirm_step_shows_the_summary_and_decides_nothing(
    client, login_as, recommended
):
    login_as(Role.APPROVER)
    response = _post(client, recommended, "/decide", {"decision": "approve"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Konfirmasi persetujuan" in html
    assert "Belum ada yang diputuskan." in html
    assert "Siti Rahmawati" in html and "Izin Uji" in html and recommended.tracking_number in html
    assert "KTP pemohon: <strong>diterima</strong>" in html
    assert "oleh Budi Santoso" in html  # the approver sees the officer's name
    assert 'name="confirmed" type="hidden" value="yes"' in html
    db.session.refresh(recommended)
    assert recommended.status is S.RECOMMENDED and recommended.decided_at is None

    # The confirmation's own form decides.
    token = csrf_token(html)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    done = client.post(
        f"/office/applications/{recommended.id}/decide",
        data={
            "csrf_token": token,
            "version": version,
            "decision": "approve",
            "reason": "",
            "confirmed": "yes",
        },
    )
    assert done.status_code == 302
    db.session.refresh(recommended)
    assert recommended.status is S.APPROVED
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert re.search(r"Disetujui\. Izin \S+ telah diterbitkan dan pemohon sudah diberi tahu\.", html)


def test_a_confirmation_posted_with_any_other_value_still_only_shows_the_summary(
    client, login_as, recommended
):
    login_as(Role.APPROVER)
    response = _post(client, recommended, "/decide", {"decision": "approve", "confirmed": "1"})
    assert response.status_code == 200 and "Konfirmasi persetujuan" in response.get_data(as_text=True)
    db.session.refresh(recommended)
    assert recommended.status is S.RECOMMENDED


def test_reject_is_confirmed_too_and_needs_a_reason_first(client, login_as, recommended):
    login_as(Role.APPROVER)
    no_reason = _post(client, recommended, "/decide", {"decision": "reject"})
    assert no_reason.status_code == 302  # back to the page with what is missing, no summary
    html = client.get(no_reason.headers["Location"]).get_data(as_text=True)
    assert "Tulis alasan penolakan" in html
    response = _post(
        client, recommended, "/decide", {"decision": "reject", "reason": "Lokasi di jalur hijau"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Konfirmasi penolakan" in html and "Lokasi di jalur hijau" in html
    db.session.refresh(recommended)
    assert recommended.status is S.RECOMMENDED
    page = client.get(f"/office/applications/{recommended.id}").get_data(as_text=True)
    assert "Verifikator lain" not in page and "oleh Budi Santoso" in page


def test_a_stale_confirmation_is_refused_with_reload(client, login_as, recommended):
    login_as(Role.APPROVER)
    response = _post(client, recommended, "/decide", {"decision": "approve"})
    html = response.get_data(as_text=True)
    token = csrf_token(html)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    # Meanwhile the applicant withdraws the application.
    applicant = db.session.get(User, recommended.applicant_id)
    app_services.withdraw(recommended, applicant)
    done = client.post(
        f"/office/applications/{recommended.id}/decide",
        data={"csrf_token": token, "version": version, "decision": "approve", "confirmed": "yes"},
    )
    assert done.status_code == 302
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Muat ulang halaman" in html
    db.session.refresh(recommended)
    assert recommended.status is S.WITHDRAWN


def test_the_queue_names_the_assigned_officer_for_the_approver(client, login_as, recommended):
    login_as(Role.APPROVER)
    queue = client.get("/office/queue?status=recommended").get_data(as_text=True)
    assert "Budi Santoso" in queue
    assert "Verifikator lain" not in queue


def test_the_applicant_still_never_sees_staff_names(client, recommended):
    from tests.conftest import login

    applicant = db.session.get(User, recommended.applicant_id)
    assert login(client, applicant.email).status_code == 302
    html = client.get(f"/applications/{recommended.id}").get_data(as_text=True)
    assert "Budi Santoso" not in html
