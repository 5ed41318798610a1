"""Issue 16: the permit is a one-page letter signed with PAdES (pyHanko), through the signer
adapter (a local PKCS#12 file or a remote signing service), and an approval whose letter cannot
be signed issues nothing: the application stays recommended, the approver is told why, and no
permit number is used. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import func, select

from portal.applications import workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.extensions import db
from portal.permits import services as permits
from portal.permits import verify
from portal.permits.models import Permit
from portal.permits.signing import keys
from portal.permits.signing.stub_server import StubSigningServer
from portal.sequences import SequenceCounter
from portal.storage import get_storage
from tests.conftest import csrf_token, make_user
from tests.wizard_helpers import make_category

ANSWERS = {"business_name": "Warung Sederhana", "employees": 3, "has_branch": "no"}


def recommended(answers=None, applicant=None, category=None) -> Application:
    """An application the officer recommended for approval (what the approver decides on)."""
    applicant = applicant or make_user(Role.APPLICANT, full_name="Siti Rahmawati")
    category = category or make_category()
    from portal.applications import services as app_services

    application = app_services.start_application(applicant, category)
    application.answers = dict(ANSWERS if answers is None else answers)
    db.session.commit()
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.SUBMITTED, applicant)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    db.session.commit()
    return application


def approve_over_http(client, login_as, application: Application):
    """The approver presses Approve on the review page; returns the answer and the page after."""
    login_as(
        Role.APPROVER,
        full_name="Dra. Hj. Nurul Aini, M.Si.",
        nip="197001011995032001",
        rank="Pembina Utama Muda (IV/c)",
        position="Kepala Dinas Penanaman Modal dan PTSP",
    )
    page_url = f"/office/applications/{application.id}"
    page = client.get(page_url).get_data(as_text=True)
    response = client.post(
        f"/office/applications/{application.id}/decide",
        data={
            "csrf_token": csrf_token(page),
            "decision": "approve",
            "version": application.version,
            "confirmed": "yes",  # the confirmation page's own form
        },
        headers={"Referer": f"http://localhost/office/applications/{application.id}/decide"},
    )
    return response, client.get(page_url + "?lang=id").get_data(as_text=True)


def stored_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_ROOT"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def counters() -> dict[str, int]:
    return {c.name: c.value for c in db.session.scalars(select(SequenceCounter))}


@pytest.fixture
def key_config(app, tmp_path, monkeypatch):
    """Point the app at a PKCS#12 file of the test's own making; returns a function that writes
    one (valid by default) and sets the passphrase."""
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_THROWAWAY_KEY", False)
    path = tmp_path / "office.p12"
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_KEY", str(path))

    def write(*, passphrase="rahasia", configured="rahasia", not_before=None, days=365):  # noqa: S107
        data = keys.make_pkcs12(
            "Kepala DPMPTSP Kota Samarinda",
            "DPMPTSP Kota Samarinda",
            passphrase,
            not_before=not_before,
            days=days,
        )
        path.write_bytes(data)
        monkeypatch.setitem(app.config, "PERMIT_SIGNING_PASSPHRASE", configured)
        return path

    return write


# -- a signed letter ---------------------------------------------------------------------------------
def issued_letter(client, login_as) -> tuple[Permit, bytes]:
    application = recommended()
    response, _page = approve_over_http(client, login_as, application)
    assert response.status_code == 302
    permit = permits.permit_for_application(application.id)
    with get_storage().open(permit.pdf_key) as fh:
        return permit, fh.read()


def test_the_approved_letter_is_one_page_signed_by_the_office_and_pyhanko_validates_it(client, login_as):
    permit, data = issued_letter(client, login_as)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Yang bertanda tangan di bawah ini" in text and "menerangkan bahwa" in text
    assert "Dra. Hj. Nurul Aini, M.Si." in text
    assert "NIP. 19700101 199503 2 001" in text and "Pembina Utama Muda (IV/c)" in text
    assert permit.short_code in text and permit.number in text
    assert "ditandatangani secara elektronik" in text
    report, unchanged = verify.stored_signature(permit)
    assert report is not None and report.valid and report.ours and report.whole_file and unchanged
    assert report.signer == permit.signer_name
    field = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    assert field["/FT"] == "/Sig" and field["/Rect"][2] > field["/Rect"][0]  # a visible signature box
    assert field["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_pdfsig_reports_the_signature_valid(client, login_as, tmp_path):
    if shutil.which("pdfsig") is None:
        if os.environ.get("REQUIRE_PDFSIG") == "1":
            pytest.fail("REQUIRE_PDFSIG=1 but pdfsig (poppler-utils) is not installed")
        pytest.skip("pdfsig (poppler-utils) is not installed; REQUIRE_PDFSIG=1 makes this a failure")
    _permit, data = issued_letter(client, login_as)
    path = tmp_path / "izin.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout  # noqa: S603,S607
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    changed = bytearray(data)
    changed[len(changed) // 3] ^= 0x01
    path.write_bytes(bytes(changed))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout  # noqa: S603,S607
    assert "Signature is Valid." not in out


def test_the_english_translation_is_a_separate_unsigned_pdf(client, login_as):
    permit, _data = issued_letter(client, login_as)
    with get_storage().open(permit.pdf_en_key) as fh:
        reader = pypdf.PdfReader(io.BytesIO(fh.read()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "English translation" in text and "The undersigned" in text
    assert "Yang bertanda tangan" not in text
    assert "/AcroForm" not in reader.trailer["/Root"]


# -- refusals: nothing half-issued, no number used ----------------------------------------------------
def _assert_refused(app, client, login_as, message: str):
    application = recommended()
    files_before, counters_before = stored_files(app), counters()
    response, page = approve_over_http(client, login_as, application)
    assert response.status_code == 302  # back to the review page, with the reason
    assert response.headers["Location"].startswith(f"/office/applications/{application.id}")
    assert message in page
    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert application.status is S.RECOMMENDED
    assert db.session.scalar(select(func.count()).select_from(Permit)) == 0
    assert counters() == counters_before  # no permit number drawn
    assert stored_files(app) == files_before  # no letter left in storage
    return application


def test_a_missing_key_refuses_the_approval_and_issues_nothing(app, client, login_as, key_config):
    _assert_refused(app, client, login_as, "Kunci tanda tangan kantor tidak ada")


def test_an_expired_key_refuses_the_approval(app, client, login_as, key_config):
    key_config(not_before=datetime.now(UTC) - timedelta(days=400), days=365)
    _assert_refused(app, client, login_as, "Sertifikat tanda tangan kantor kedaluwarsa")


def test_a_wrong_passphrase_refuses_the_approval(app, client, login_as, key_config):
    key_config(passphrase="rahasia", configured="salah")
    _assert_refused(app, client, login_as, "kata sandinya salah")


def test_a_demo_key_is_refused_where_demo_keys_are_not_allowed(
    app, client, login_as, key_config, monkeypatch
):
    key_config()
    monkeypatch.setitem(app.config, "PERMIT_DEMO_SIGNING_KEYS", False)
    _assert_refused(app, client, login_as, "kunci demo")


def test_after_a_refusal_the_next_approval_gets_the_first_number(app, client, login_as, key_config):
    application = _assert_refused(app, client, login_as, "Kunci tanda tangan kantor tidak ada")
    key_config()
    approver = make_user(Role.APPROVER)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    assert permits.permit_for_application(application.id).number.endswith("/00001")


def test_a_key_file_of_our_own_signs(app, client, login_as, key_config):
    key_config()
    permit, data = issued_letter(client, login_as)
    assert permit.signer_name == "Kepala DPMPTSP Kota Samarinda"
    assert verify.check_file(data).verdict == "issued"


# -- the remote signer --------------------------------------------------------------------------------
@pytest.fixture
def remote_signer(app, monkeypatch):
    p12 = keys.make_pkcs12("TTE Kepala DPMPTSP", "DPMPTSP Kota Samarinda", "remote-pass", demo=False)
    server = StubSigningServer(p12, "remote-pass", token="sekret").start()  # noqa: S106
    monkeypatch.setitem(app.config, "PERMIT_SIGNER", "remote")
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_REMOTE_URL", server.url)
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_REMOTE_TOKEN", "sekret")
    yield server
    server.shutdown()
    server.server_close()


def test_the_remote_signer_gets_only_a_hash_and_the_letter_validates(client, login_as, remote_signer):
    permit, data = issued_letter(client, login_as)
    assert permit.signer_name == "TTE Kepala DPMPTSP"
    assert len(remote_signer.requests) == 1
    sent = remote_signer.requests[0]
    assert set(sent) == {"digest_algorithm", "digest", "signature_algorithm"}
    assert len(base64.b64decode(sent["digest"])) == 32  # a SHA-256 hash, not the document
    report, unchanged = verify.stored_signature(permit)
    assert report.valid and report.ours and unchanged


def test_a_refusing_signing_service_issues_nothing(app, client, login_as, remote_signer):
    remote_signer.refuse_with = "sertifikat dibekukan"
    _assert_refused(app, client, login_as, "sertifikat dibekukan")


def test_an_unreachable_signing_service_issues_nothing(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PERMIT_SIGNER", "remote")
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_REMOTE_URL", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_REMOTE_TIMEOUT", 2)
    _assert_refused(app, client, login_as, "Layanan tanda tangan tidak dapat dihubungi")


def test_an_unreachable_timestamp_server_issues_nothing(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "PERMIT_TIMESTAMP_URL", "http://127.0.0.1:9/tsa")
    _assert_refused(app, client, login_as, "Server penanda waktu tidak dapat dihubungi")


# -- the CLI ----------------------------------------------------------------------------------------------
def test_signing_key_create_makes_a_demo_key_that_signs(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_KEY", str(tmp_path / "k" / "office.p12"))
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_PASSPHRASE", None)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["permits", "signing-key", "create"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "k" / "office.p12").stat().st_mode & 0o077 == 0
    again = runner.invoke(args=["permits", "signing-key", "create"])
    assert "exists" in again.output
    from portal.permits.signing import signer_from_config

    monkeypatch.setitem(app.config, "PERMIT_SIGNING_THROWAWAY_KEY", False)
    assert keys.is_demo(signer_from_config().certificate)


def test_signing_key_create_is_refused_under_a_production_like_config(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PERMIT_SIGNING_KEY", str(tmp_path / "office.p12"))
    monkeypatch.setitem(app.config, "PERMIT_DEMO_SIGNING_KEYS", False)
    result = app.test_cli_runner().invoke(args=["permits", "signing-key", "create"])
    assert result.exit_code != 0
    assert "does not sign with demo keys" in result.output
    assert not (tmp_path / "office.p12").exists()


def test_the_holder_downloads_the_english_translation(client, login_as):
    applicant = login_as(Role.APPLICANT)
    application = recommended(applicant=applicant)
    workflow.transition(application, S.APPROVED, make_user(Role.APPROVER))
    db.session.commit()
    response = client.get(f"/applications/{application.id}/permit-en.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "-EN.pdf" in response.headers["Content-Disposition"]
    other = make_user(Role.APPLICANT)
    assert db.session.get(User, other.id) is not None


def test_signing_and_checking_work_inside_a_running_event_loop(app):
    """pyHanko runs asyncio.run; a caller already in an event loop (Playwright's sync API, an
    async worker) still gets a signed letter and its check."""
    import asyncio

    from pyhanko.pdf_utils.reader import PdfFileReader
    from reportlab.pdfgen import canvas as rl_canvas

    from portal.permits.signing import pades
    from portal.permits.signing.local import LocalPkcs12Signer

    signer = LocalPkcs12Signer(keys.make_pkcs12("Kepala DPMPTSP", "DPMPTSP", "pw"), "pw")
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf)
    c.drawString(100, 700, "Izin")
    c.showPage()
    c.save()

    async def inside_a_loop():
        signed = pades.sign_pdf(buf.getvalue(), signer, box=(300, 100, 500, 160), reason="r", location="l")
        return pades.read_signature(PdfFileReader(io.BytesIO(signed)), [signer.certificate])

    # In a thread of its own: when the browser tests ran first in this process, Playwright's
    # sync API keeps a loop running in the main thread, where asyncio.run would refuse to start.
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(report=asyncio.run(inside_a_loop())))
    worker.start()
    worker.join()
    report = result["report"]
    assert report.valid and report.ours and report.whole_file
