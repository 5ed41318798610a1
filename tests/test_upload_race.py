"""An upload that finishes after the application moved on is refused (issue 12, item 11).

On real connections (a scratch SQLite file or PostgreSQL database, see tests/dbutil.py): the
applicant's upload request is held inside its slow content check while, on other connections,
the application is submitted, withdrawn or resubmitted, or goes round a whole correction
round. When the check ends, the upload must find that out in the transaction that writes the
Document: it is refused with a translated sentence, the stored file is removed, and the
application's documents and version are what the other action left."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from portal.applications import services
from portal.applications.models import Application, Document
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import documents as upload_service
from portal.auth.models import Role, User
from portal.backoffice import services as office
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user
from tests.fixtures_files import as_upload, make_pdf, make_png
from tests.test_storage import files_under
from tests.wizard_helpers import file_upload, make_category, make_submitted

MEANWHILE = ["submit", "withdraw", "resubmit", "next_correction_round"]


@pytest.fixture
def scratch_app(real_commits, tmp_path):
    from portal import create_app
    from tests.dbutil import scratch_database_url

    with scratch_database_url("uploadrace", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()


class HeldCheck:
    """Holds the first content check that runs (the request's) until released."""

    def __init__(self, monkeypatch):
        self.real = upload_service.check_upload
        self.inside = threading.Event()
        self.release = threading.Event()
        self.held = False
        monkeypatch.setattr(upload_service, "check_upload", self)

    def __call__(self, *args, **kwargs):
        checked = self.real(*args, **kwargs)
        if not self.held:
            self.held = True
            self.inside.set()
            assert self.release.wait(30), "never released"
        return checked


def _prepare(meanwhile: str) -> tuple[int, int, int]:
    """The application in the state the upload starts from: a draft with its KTP (submit,
    withdraw), or a correction round that asks for a new KTP (resubmit, next round)."""
    applicant = make_user(Role.APPLICANT)
    officer = make_user(Role.OFFICER)
    category = make_category()
    if meanwhile in ("submit", "withdraw"):
        application = _draft_with_ktp(applicant, category)
    else:
        application = make_submitted(applicant, category)
        _correction_round(application, officer)
    db.session.commit()  # services flush; the caller commits
    return application.id, application.applicant_id, officer.id


def _draft_with_ktp(applicant: User, category) -> Application:
    from portal.storage import get_storage

    application = services.start_application(applicant, category)
    application.answers = {
        "business_name": "Warung",
        "employees": 3,
        "has_branch": "no",
        "start_date": "2020-05-01",
    }
    application.completed_pages = ["business", "location"]
    stored = get_storage().save(io.BytesIO(make_pdf()), key_prefix="documents/")
    db.session.add(
        Document(
            application_id=application.id,
            requirement_key="ktp",
            storage_key=stored.key,
            original_name="first.pdf",
            size=stored.size,
            sha256=stored.sha256,
            content_type="application/pdf",
        )
    )
    db.session.commit()
    return application


def _correction_round(application: Application, officer: User) -> None:
    office.start_review(application, officer, application.version)
    document = services.documents_of(application)[-1]
    office.set_document_verdict(application, document.id, officer, False, "Foto KTP buram")
    office.request_corrections(application, officer, "Unggah KTP yang jelas.", application.version)
    assert application.status is S.NEEDS_CORRECTION


def _meanwhile(meanwhile: str, application_id: int, applicant_id: int, officer_id: int) -> None:
    application = db.session.get(Application, application_id)
    applicant = db.session.get(User, applicant_id)
    officer = db.session.get(User, officer_id)
    if meanwhile == "submit":
        services.submit(application, applicant, declaration=True)
    elif meanwhile == "withdraw":
        services.withdraw(application, applicant)
    else:
        services.add_document(application, "ktp", as_upload(make_pdf(), "ktp-jelas.pdf"), actor=applicant)
        services.resubmit(application, applicant)
        if meanwhile == "next_correction_round":
            _correction_round(application, officer)
    db.session.commit()  # the other request's one commit


EXPECTED = {
    "submit": services.UPLOAD_TOO_LATE,
    "withdraw": services.UPLOAD_AFTER_WITHDRAWAL,
    "resubmit": services.UPLOAD_TOO_LATE,
    "next_correction_round": services.UPLOAD_OUTDATED,
}
FINAL = {
    "submit": S.SUBMITTED,
    "withdraw": S.WITHDRAWN,
    "resubmit": S.RESUBMITTED,
    "next_correction_round": S.NEEDS_CORRECTION,
}


@pytest.mark.parametrize("meanwhile", MEANWHILE)
def test_an_upload_that_lands_after_the_application_moved_on_is_refused(scratch_app, monkeypatch, meanwhile):
    app = scratch_app
    with app.app_context():
        application_id, applicant_id, officer_id = _prepare(meanwhile)
        email = db.session.get(User, applicant_id).email
    held = HeldCheck(monkeypatch)
    client = app.test_client()
    assert login(client, email, DEFAULT_PASSWORD).status_code == 302
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    responses = []

    def upload():
        responses.append(
            client.post(
                f"/applications/{application_id}/documents/ktp",
                data={"csrf_token": token, "file": file_upload(make_png(), "ktp-baru.png", "image/png")},
                content_type="multipart/form-data",
            )
        )

    thread = threading.Thread(target=upload)
    thread.start()
    try:
        assert held.inside.wait(30), "the upload never reached its content check"
        with app.app_context():
            _meanwhile(meanwhile, application_id, applicant_id, officer_id)
            before = db.session.get(Application, application_id)
            version_before = before.version
            documents_before = [(d.id, d.storage_key) for d in services.documents_of(before)]
    finally:
        held.release.set()
        thread.join(30)
    assert len(responses) == 1 and responses[0].status_code == 302

    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.status is FINAL[meanwhile]
        assert application.version == version_before
        documents = services.documents_of(application)
        assert [(d.id, d.storage_key) for d in documents] == documents_before
        assert all(d.original_name != "ktp-baru.png" for d in documents)
        # Nothing stored but the documents' files: the refused upload's file is gone.
        stored = {f for f in files_under(Path(app.config["UPLOAD_ROOT"])) if f.startswith("documents")}
        assert len(stored) == len(documents)
        with app.test_request_context():
            expected = str(EXPECTED[meanwhile])  # in Indonesian, the default
    page = client.get(responses[0].headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert expected in page
    assert "UploadRejected" not in page and "ApplicationError" not in page


def test_an_upload_that_finishes_before_a_submit_is_part_of_it(scratch_app, monkeypatch):
    """The other order: the submit waits for, or comes after, the upload's write."""
    app = scratch_app
    with app.app_context():
        application_id, applicant_id, _ = _prepare("submit")
        applicant = db.session.get(User, applicant_id)
        application = db.session.get(Application, application_id)
        services.add_document(
            application, "ktp", as_upload(make_png(), "ktp-baru.png", "image/png"), actor=applicant
        )
        services.submit(application, applicant, declaration=True)
        names = [d.original_name for d in services.documents_of(application)]
        assert application.status is S.SUBMITTED and names == ["ktp-baru.png"]
