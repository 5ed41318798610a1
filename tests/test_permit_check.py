"""Issue 16: checking a permit. The public "Periksa berkas izin" page gives the right verdict for
each file (ours, changed by one byte, updated after signing, signed by someone else, encrypted,
not a PDF, 50 MB, a revoked permit's file) and stores nothing; the verification page shows the
signature; an unknown code says TIDAK TERDAFTAR. The letter is one page for every seeded
category, with long, RTL and Arabic names."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen import canvas as rl_canvas
from sqlalchemy import func, select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.applications.models import CoApplicant, CoApplicantState
from portal.auth.models import Role
from portal.business import services as business_services
from portal.catalogue.models import HolderKind, PermitCategory
from portal.catalogue.seed import seed_categories
from portal.db import utcnow
from portal.extensions import db
from portal.permits import letter_data
from portal.permits import services as permits
from portal.permits.models import Permit
from portal.permits.signing import keys, pades
from portal.permits.signing.local import LocalPkcs12Signer
from portal.storage import get_storage
from tests.conftest import csrf_token, make_user
from tests.wizard_helpers import make_category

ANSWERS = {"business_name": "Warung Sederhana", "employees": 3, "has_branch": "no"}


def approved(category=None, answers=None, applicant=None) -> Permit:
    applicant = applicant or make_user(Role.APPLICANT, full_name="Siti Rahmawati")
    category = category or make_category()
    holder = None
    if HolderKind(category.holder_kind) is HolderKind.BUSINESS:  # a business holds this permit
        holder = business_services.create_business(
            applicant,
            business_services.Profile(
                name="PT Usaha Sejahtera",
                legal_form="pt",
                nib=f"{9000000000000 + applicant.id}",
                npwp="01.234.567.8-901.000",
                deed_number="AHU-0012345.AH.01.01.Tahun 2024",
                address="Jl. Pahlawan No. 5, Samarinda",
            ),
        ).id
    application = app_services.start_application(applicant, category, holder_business_id=holder)
    application.answers = dict(ANSWERS if answers is None else answers)
    db.session.commit()
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.SUBMITTED, applicant)
    if category.co_applicant_role_en is not None:  # PBG: the land owner has confirmed
        db.session.add(
            CoApplicant(
                application_id=application.id,
                email="pemilik.tanah@example.test",
                token_hash=f"{application.id:064d}",
                expires_at=utcnow() + timedelta(days=7),
                state=CoApplicantState.CONFIRMED,
                answered_at=utcnow(),
            )
        )
        db.session.commit()
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, make_user(Role.APPROVER, full_name="Budi Santoso"))
    db.session.commit()
    return permits.permit_for_application(application.id)


def letter_bytes(permit: Permit, english: bool = False) -> bytes:
    with get_storage().open(permit.pdf_en_key if english else permit.pdf_key) as fh:
        return fh.read()


def page_count(data: bytes, tmp_path: Path) -> int:
    """Pages as pypdf counts them, and as pdfinfo (poppler) does where it is installed."""
    count = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdfinfo"):
        path = tmp_path / "letter.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert f"Pages:           {count}" in out
    return count


def stored_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def check(client, data: bytes, name: str = "izin.pdf"):
    page = client.get("/check-permit").get_data(as_text=True)
    return client.post(
        "/check-permit",
        data={"csrf_token": csrf_token(page), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def issued():
    permit = approved()
    return permit, letter_bytes(permit)


def _assert_nothing_stored(app, before: set[str], permits_before: int) -> None:
    assert stored_files(app) == before
    assert db.session.scalar(select(func.count()).select_from(Permit)) == permits_before


def verdict_of(app, client, data: bytes):
    before, count = stored_files(app), db.session.scalar(select(func.count()).select_from(Permit))
    response = check(client, data)
    _assert_nothing_stored(app, before, count)
    return response.status_code, response.get_data(as_text=True)


# -- the check page ------------------------------------------------------------------------------------
def test_our_file_is_exactly_the_issued_one_and_in_force(app, client, issued):
    permit, data = issued
    status, html = verdict_of(app, client, data)
    assert status == 200
    assert "Ini persis berkas yang diterbitkan kantor." in html
    assert "BERLAKU" in html or "VALID" in html
    assert permit.number in html
    assert "Sah: ditandatangani oleh kantor" in html


def test_one_byte_changed_is_not_the_issued_file(app, client, issued):
    permit, data = issued
    changed = bytearray(data)
    start = data.index(b"stream", data.index(b"/Type /Page")) + 40  # inside a signed stream
    changed[start] ^= 0xFF
    status, html = verdict_of(app, client, bytes(changed))
    assert status == 200
    assert "BUKAN berkas yang diterbitkan kantor" in html
    assert "Tidak sah: isi yang ditandatangani telah diubah" in html
    assert permit.number in html  # the permit it claims to be, for the reader to ask about


def test_an_incremental_update_after_signing_is_not_the_issued_file(app, client, issued):
    _permit, data = issued
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"]
    info["/Title"] = generic.TextStringObject("Izin palsu")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    appended = out.getvalue()
    assert appended.startswith(data)  # the signed bytes are all still there
    status, html = verdict_of(app, client, appended)
    assert "BUKAN berkas yang diterbitkan kantor" in html
    assert "Ada yang ditambahkan ke berkas setelah ditandatangani." in html


def _signed_by_someone_else(body: bytes) -> bytes:
    other = LocalPkcs12Signer(keys.make_pkcs12("Kantor Lain", "Bukan Kami", "pw"), "pw")
    return pades.sign_pdf(body, other, box=(300, 40, 500, 90), reason="x", location="y", field_name="Lain")


def test_a_pdf_signed_by_someone_else_is_not_registered(app, client):
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf)
    c.drawString(100, 700, "SURAT KETERANGAN DOMISILI USAHA")
    c.showPage()
    c.save()
    status, html = verdict_of(app, client, _signed_by_someone_else(buf.getvalue()))
    assert "TIDAK TERDAFTAR: kemungkinan tidak sah" in html
    assert "ditandatangani, tetapi bukan oleh kantor ini" in html
    assert "Kantor Lain" in html


def test_our_letter_signed_again_by_someone_else_is_not_ours(app, client, issued):
    _permit, data = issued
    status, html = verdict_of(app, client, _signed_by_someone_else(data))
    assert "Ini persis berkas" not in html
    assert "TIDAK TERDAFTAR: kemungkinan tidak sah" in html


def test_an_unsigned_pdf_is_not_registered(app, client):
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf)
    c.drawString(100, 700, "Izin")
    c.showPage()
    c.save()
    _status, html = verdict_of(app, client, buf.getvalue())
    assert "tidak memiliki tanda tangan elektronik" in html


def test_an_encrypted_pdf_cannot_be_checked(app, client, issued):
    _permit, data = issued
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    _status, html = verdict_of(app, client, out.getvalue())
    assert "dilindungi kata sandi" in html


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
        b"<html><body>izin.pdf</body></html>",  # a web page saved as izin.pdf
        b"",  # an empty file
    ],
    ids=["png", "html", "empty"],
)
def test_not_a_pdf_is_told_so(app, client, data):
    _status, html = verdict_of(app, client, data)
    assert "Berkas ini bukan PDF" in html


def test_a_cut_off_copy_of_our_file_is_not_the_issued_one(app, client, issued):
    _permit, data = issued
    _status, html = verdict_of(app, client, data[: len(data) // 2])
    assert "Berkas PDF rusak dan tidak dapat dibaca" in html
    assert "Ini persis berkas yang diterbitkan kantor." not in html


def test_a_50_mb_file_is_refused_unread(app, client):
    big = b"%PDF-1.7\n" + b"0" * (50 * 1024 * 1024)
    _status, html = verdict_of(app, client, big)
    assert "Berkas lebih besar dari 10 MB" in html


def test_a_revoked_permits_file_is_ours_but_revoked(app, client, issued):
    permit, data = issued
    permits.revoke_permit(permit, make_user(Role.APPROVER), "Lokasi usaha tidak sesuai")
    db.session.commit()
    _status, html = verdict_of(app, client, data)
    assert "Ini persis berkas yang diterbitkan kantor." in html
    assert "DICABUT" in html
    assert "izin telah dicabut" in html


def test_the_check_page_works_without_login_and_says_the_file_is_not_kept(client):
    html = client.get("/check-permit").get_data(as_text=True)
    assert "Periksa berkas izin" in html
    assert "tidak disimpan" in html
    assert 'enctype="multipart/form-data"' in html


# -- the verification page ---------------------------------------------------------------------------
def test_the_verify_page_shows_the_signer_and_an_unchanged_document(client, issued):
    permit, _data = issued
    html = client.get(f"/verify/{permit.verification_token}").get_data(as_text=True)
    assert "Tanda tangan elektronik" in html
    assert permit.signer_name in html
    assert "Tidak berubah sejak ditandatangani." in html


def test_an_unknown_code_says_not_registered_and_whom_to_ask(app, client):
    response = client.get("/verify/" + "A" * 43)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "TIDAK TERDAFTAR: kemungkinan tidak sah" in html
    assert app.config["OFFICE_PHONE"] in html and app.config["OFFICE_EMAIL"] in html
    assert "Halaman tidak ditemukan" not in html


def test_the_short_code_leads_to_the_verify_page(client, issued):
    permit, _data = issued
    page = client.get("/check-permit").get_data(as_text=True)
    token = csrf_token(page)
    ok = client.post(
        "/verify/code", data={"csrf_token": token, "code": permit.short_code.lower().replace("-", " ")}
    )
    assert ok.status_code == 303 and ok.headers["Location"].endswith(permit.verification_token)
    wrong = client.post("/verify/code", data={"csrf_token": token, "code": "ZZZZ-ZZZZ"})
    assert wrong.status_code == 404
    assert "TIDAK TERDAFTAR" in wrong.get_data(as_text=True)


# -- one page, whatever the names ----------------------------------------------------------------------
def _answers_for(category: PermitCategory, long_text: str) -> dict:
    spec = category.current_version.spec
    answers: dict = {}
    for f in spec.fields:
        if f.options:
            answers[f.key] = (
                [f.option_values[0]] if f.type in ("multiselect", "checkbox") else f.option_values[0]
            )
        elif f.type in ("number", "currency"):
            answers[f.key] = 12
        elif f.type == "date":
            answers[f.key] = "2026-01-05"
        elif f.type in ("text", "textarea", "nik", "tel", "email"):
            answers[f.key] = long_text if f.type in ("text", "textarea") else "6472014507900001"
    return answers


def test_every_seeded_category_gives_a_one_page_letter_and_translation(tmp_path):
    list(seed_categories())
    categories = db.session.scalars(select(PermitCategory).where(PermitCategory.slug != "test")).all()
    assert len(categories) >= 8
    for category in categories:
        permit = approved(category, _answers_for(category, "Jalan Pangeran Antasari Nomor 12 " * 3))
        for english in (False, True):
            assert page_count(letter_bytes(permit, english), tmp_path) == 1, (category.slug, english)


LONG_NAME = ("Perseroan Terbatas Usaha Bersama Sejahtera Makmur Sentosa Abadi Jaya " * 5)[:300]
ARABIC = "عبد الرحمن بن محمد بن عبد الله بن عبد العزيز آل سعود الهاشمي القرشي"
RTL_MIXED = "مطعم الشام للمأكولات الشرقية - Warung Damaskus عربي " * 4


@pytest.mark.parametrize("layout", ["letter", "certificate"])
@pytest.mark.parametrize(
    ("holder", "business"),
    [("Siti Rahmawati", LONG_NAME), (ARABIC + " " + ARABIC[:50], RTL_MIXED), ("X" * 120, "Y" * 300)],
    ids=["300-characters", "arabic-and-rtl", "no-spaces"],
)
def test_long_rtl_and_arabic_names_wrap_and_stay_on_one_page(tmp_path, layout, holder, business):
    category = make_category()
    category.certificate_layout = layout
    db.session.commit()
    applicant = make_user(Role.APPLICANT, full_name=holder[:120])
    permit = approved(category, {**ANSWERS, "business_name": business}, applicant=applicant)
    data = letter_bytes(permit)
    assert page_count(data, tmp_path) == 1
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert permit.number in text and permit.short_code in text  # the bottom block is all there


def _arabic_words(text: str) -> list[str]:
    """The words in Arabic script, in the order a reader meets them."""
    return [w for w in text.split() if all("\u0600" <= ch <= "\u06ff" for ch in w)]


@pytest.mark.parametrize("layout", ["letter", "certificate"])
def test_an_arabic_name_is_joined_and_reads_right_to_left(tmp_path, layout):
    category = make_category()
    category.certificate_layout = layout
    db.session.commit()
    applicant = make_user(Role.APPLICANT, full_name=ARABIC)
    permit = approved(category, {**ANSWERS, "business_name": RTL_MIXED}, applicant=applicant)
    data = letter_bytes(permit)
    assert page_count(data, tmp_path) == 1
    # What a reader copies out of the PDF (pdfium, as in Chromium): every word of the name, in
    # reading order, the long business name over its lines too.
    pdf = pypdfium2.PdfDocument(data)
    copied = pdf[0].get_textpage().get_text_range()
    words = _arabic_words(copied)
    name = _arabic_words(ARABIC)
    assert any(words[i : i + len(name)] == name for i in range(len(words))), copied
    business = _arabic_words(RTL_MIXED)
    assert any(words[i : i + len(business)] == business for i in range(len(words))), copied
    # What is drawn: the letters in their joined forms (initial, medial, final: "محمد" is
    # FEE3 FEA4 FEE4 FEAA), not the isolated letters as they are stored.
    drawn = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "\ufee3\ufea4\ufee4\ufeaa" in drawn
    assert "\u0645\u062d\u0645\u062f" not in drawn
    assert "\ufffd" not in drawn and "\ufdf2" not in drawn  # no glyph the font lacks


def test_identity_numbers_are_masked_whatever_the_admin_chose():
    list(seed_categories())
    skdu = db.session.scalar(
        select(PermitCategory).where(PermitCategory.slug == "surat-keterangan-domisili-usaha")
    )
    skdu.certificate_fields = ["no_kk", "nama_usaha"]  # the admin put the family card number on it
    db.session.commit()
    applicant = make_user(Role.APPLICANT, nik="6472014507900001")
    answers = {**_answers_for(skdu, "Warung Sederhana"), "no_kk": "6472010101010009"}
    permit = approved(skdu, answers, applicant=applicant)
    text = pypdf.PdfReader(io.BytesIO(letter_bytes(permit))).pages[0].extract_text()
    for number in ("6472014507900001", "6472010101010009"):
        assert number not in text
    assert "6472**********01" in text and "6472**********09" in text
    assert letter_data.is_identity_field("nomor_paspor", "text") and letter_data.is_identity_field(
        "passport", "text"
    )
