"""Personal data (issue 18, item 4; UU 27/2022): the privacy notice and the consent recorded at
registration, "My data" (JSON and PDF download, who of the staff looked), closing the account
(refused while an application is reviewed; the issued permit stays verifiable), withdrawing
consent, and the nightly retention rules (a draft is deleted only after its reminder)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import select, update

from portal.applications import workflow
from portal.applications.models import Application, Document
from portal.applications.models import ApplicationStatus as S
from portal.audit.models import AdminAuditEvent
from portal.auth import services as auth_services
from portal.auth.consent import NOTICE_VERSION
from portal.auth.consent_models import PrivacyConsent
from portal.auth.models import Role, User
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.services import dispatch_queued
from portal.permits import services as permits
from portal.privacy.models import DataAccessEvent, DraftReminder
from portal.privacy.retention import run_retention
from portal.storage import get_storage
from tests.conftest import DEFAULT_PASSWORD, login, make_user, post_form
from tests.factories import add_document, make_category, make_draft, make_submitted

REGISTRATION = {
    "full_name": "Siti Aminah",
    "email": "siti.data@example.test",
    "nik": "6472014507900123",
    "phone": "0812 3456 7890",
    "password": "my cat sleeps on the red sofa",
}


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the notice and the consent at registration ---------------------------------------------


def test_the_privacy_notice_is_public_and_versioned(client):
    page = _text(client.get("/privacy?lang=en"))
    assert f"Version {NOTICE_VERSION}" in page
    for heading in ("What we collect", "Why", "How long", "Who sees it"):
        assert f">{heading}</h2>" in page
    assert "180 days" in page  # the configured retention


def test_registration_shows_the_notice_and_needs_explicit_consent(client):
    form = _text(client.get("/register?lang=en"))
    assert 'href="/privacy"' in form and 'name="privacy_consent"' in form
    refused = post_form(client, "/register?lang=en", REGISTRATION)
    assert refused.status_code == 200
    assert "Tick this box to register" in _text(refused)
    assert auth_services.get_user_by_email(REGISTRATION["email"]) is None
    before = utcnow()
    done = post_form(client, "/register?lang=en", {**REGISTRATION, "privacy_consent": "y"})
    assert done.status_code == 302
    user = auth_services.get_user_by_email(REGISTRATION["email"])
    consent = db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == user.id)).one()
    assert consent.notice_version == NOTICE_VERSION
    assert consent.given_at >= before - timedelta(seconds=1) and consent.withdrawn_at is None


# --- My data: download -----------------------------------------------------------------------


@pytest.fixture
def applicant():
    return make_user(Role.APPLICANT, full_name="Siti Rahmawati")


def test_my_data_needs_a_login(client):
    for url in ("/account/data", "/account/data/export.json", "/account/data/export.pdf"):
        assert client.get(url).status_code == 302


def test_download_all_my_data_as_json_and_pdf(client, applicant):
    draft = make_draft(applicant, make_category())
    add_document(draft, name="ktp-siti.pdf")
    login(client, applicant.email)
    page = _text(client.get("/account/data?lang=en"))
    assert "Download as PDF" in page and "Download as JSON" in page
    response = client.get("/account/data/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["full_name"] == "Siti Rahmawati"
    assert data["account"]["nik"] == applicant.nik and data["account"]["email"] == applicant.email
    [application] = data["applications"]
    assert application["status"] == "draft" and application["answers"] == draft.answers
    assert application["documents"][0]["file_name"] == "ktp-siti.pdf"
    pdf = client.get("/account/data/export.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Siti Rahmawati" in text and applicant.nik in text and "ktp-siti.pdf" in text


def test_my_data_is_only_mine(app, client, applicant):
    other = make_user(Role.APPLICANT, full_name="Dewi Lestari")
    make_draft(other, make_category())
    login(client, applicant.email)
    data = json.loads(client.get("/account/data/export.json").data)
    assert data["account"]["email"] == applicant.email and data["applications"] == []
    assert "Dewi Lestari" not in json.dumps(data)


# --- the data-access log ---------------------------------------------------------------------


def test_the_applicant_sees_which_staff_looked_and_when(app, client, applicant):
    application = make_submitted(applicant, make_category())
    document = db.session.scalars(select(Document).where(Document.application_id == application.id)).first()
    officer = make_user(Role.OFFICER, full_name="Budi Santoso")
    helpdesk = make_user(Role.HELPDESK, full_name="Rina Kartika")
    staff = app.test_client()
    login(staff, officer.email)
    assert staff.get(f"/office/applications/{application.id}").status_code == 200
    assert (
        staff.get(f"/office/applications/{application.id}/documents/{document.id}/download").status_code
        == 200
    )
    desk = app.test_client()
    login(desk, helpdesk.email)
    assert desk.get(f"/helpdesk/applicants/{applicant.id}").status_code == 200
    kinds = db.session.scalars(
        select(DataAccessEvent.kind)
        .where(DataAccessEvent.subject_id == applicant.id)
        .order_by(DataAccessEvent.id)
    ).all()
    assert kinds == ["application", "document", "profile"]
    login(client, applicant.email)
    page = _text(client.get("/account/data?lang=en"))
    assert "Budi Santoso" in page and "Rina Kartika" in page
    assert f"Document: {application.tracking_number} ktp.pdf" in page
    assert "Application details" in page and "Account details" in page
    data = json.loads(client.get("/account/data/export.json").data)
    assert [row["staff"] for row in data["staff_views_of_my_data"]] == [
        "Rina Kartika",
        "Budi Santoso",
        "Budi Santoso",
    ]


def test_no_view_is_recorded_for_an_application_staff_may_not_open(app, applicant):
    application = make_submitted(applicant, make_category())
    stranger = make_user(Role.APPLICANT)
    browser = app.test_client()
    login(browser, stranger.email)
    assert browser.get(f"/office/applications/{application.id}").status_code == 403
    assert (
        db.session.scalar(select(DataAccessEvent.id).where(DataAccessEvent.subject_id == applicant.id))
        is None
    )


# --- closing the account ---------------------------------------------------------------------


def _approve(application: Application) -> None:
    officer = make_user(Role.OFFICER)
    approver = make_user(Role.APPROVER)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()


def _close(client, password: str = DEFAULT_PASSWORD):
    return post_form(
        client, "/account/data/close?lang=en", {"password": password}, page="/account/data?lang=en"
    )


def test_closing_is_refused_while_an_application_is_in_review(client, applicant):
    application = make_submitted(applicant, make_category())
    login(client, applicant.email)
    assert "being reviewed" in _text(client.get("/account/data?lang=en"))
    response = _close(client)
    assert response.status_code == 409
    assert f"Your application {application.tracking_number} is being reviewed" in _text(response)
    assert "withdraw the application first" in _text(response)
    db.session.refresh(applicant)
    assert applicant.is_active_account and applicant.full_name == "Siti Rahmawati"


def test_closing_needs_the_password(client, applicant):
    login(client, applicant.email)
    response = _close(client, "not my password at all")
    assert response.status_code == 409 and "The password is not correct." in _text(response)
    db.session.refresh(applicant)
    assert applicant.is_active_account


def test_closing_the_account_keeps_the_issued_permit_valid_and_verifiable(app, client, applicant):
    category = make_category()
    decided = make_submitted(applicant, category)
    _approve(decided)
    permit = permits.permit_for_application(decided.id)
    draft = make_draft(applicant, category)
    document = add_document(draft, name="kk.pdf")
    nik, email = applicant.nik, applicant.email
    login(client, email)
    page = _text(client.get("/account/data?lang=en"))
    assert "Issued permits, with the holder's name printed on them" in page  # what stays, and why
    response = _close(client)
    assert response.status_code == 302
    # the account is anonymised and cannot log in; the drafts and their files are gone
    db.session.expire_all()
    user = db.session.get(User, applicant.id)
    assert not user.is_active_account and user.nik is None and user.phone is None
    assert user.full_name != "Siti Rahmawati" and email not in user.email
    assert db.session.get(Application, draft.id) is None
    assert not get_storage().exists(document.storage_key)
    assert login(app.test_client(), email).status_code == 200  # refused like a wrong password
    assert client.get("/dashboard").status_code == 302
    assert auth_services.get_user_by_email(email) is None
    # what the law requires stays: the decided application, its permit, the audit trail
    assert db.session.get(Application, decided.id).status is S.APPROVED
    verify = _text(app.test_client().get(f"/verify/{permit.verification_token}?lang=en"))
    assert "VALID" in verify and permit.number in verify and "Siti R*******i" in verify
    assert nik not in verify
    event = db.session.scalars(select(AdminAuditEvent).where(AdminAuditEvent.action == "account.close")).one()
    assert event.object_id == str(applicant.id)
    # the NIK and the email can register again
    assert db.session.scalar(select(User.id).where(User.nik == nik)) is None


def test_withdrawing_consent_closes_the_account(client, applicant):
    auth_services.consent.record_consent(applicant)
    db.session.commit()
    login(client, applicant.email)
    page = _text(client.get("/account/data?lang=en"))
    assert "cannot be withdrawn while you keep the account" in page  # the explanation
    assert _close(client).status_code == 302
    consent = db.session.scalars(select(PrivacyConsent).where(PrivacyConsent.user_id == applicant.id)).one()
    db.session.refresh(consent)
    assert consent.withdrawn_at is not None


def test_a_staff_account_is_not_closed_from_my_data(client):
    officer = make_user(Role.OFFICER)
    login(client, officer.email)
    response = _close(client)
    assert response.status_code == 409 and "A staff account is closed by an admin" in _text(response)
    db.session.refresh(officer)
    assert officer.is_active_account


# --- retention -------------------------------------------------------------------------------


def _age(application: Application, days: int) -> None:
    db.session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(updated_at=utcnow() - timedelta(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire_all()


def test_an_abandoned_draft_is_deleted_only_after_its_reminder(outbox, applicant):
    draft = make_draft(applicant, make_category())
    document = add_document(draft)
    _age(draft, 200)  # already past 180 days, but no reminder yet
    report = run_retention()
    db.session.commit()
    dispatch_queued()  # as the command does after its commit
    assert report.reminders_sent == 1 and report.drafts_deleted == 0
    assert db.session.get(Application, draft.id) is not None
    [mail] = outbox.to(applicant.email)
    assert "will be deleted" in outbox.body(mail) or "akan dihapus" in outbox.body(mail)
    # the next nights: kept until the reminder is 14 days old, and no second email
    report = run_retention(utcnow() + timedelta(days=13))
    db.session.commit()
    assert report.drafts_deleted == 0 and report.reminders_sent == 0
    assert len(outbox.to(applicant.email)) == 1
    report = run_retention(utcnow() + timedelta(days=15))
    db.session.commit()
    assert report.drafts_deleted == 1
    assert db.session.get(Application, draft.id) is None
    assert not get_storage().exists(document.storage_key)


def test_a_draft_is_reminded_14_days_before_and_kept_when_touched(outbox, applicant):
    draft = make_draft(applicant, make_category())
    _age(draft, 165)
    assert run_retention().reminders_sent == 0  # 180 - 14 = 166 days
    _age(draft, 167)
    assert run_retention().reminders_sent == 1
    db.session.commit()
    # she opens and changes it: the reminder no longer counts
    draft = db.session.get(Application, draft.id)
    draft.answers = {**draft.answers, "business_name": "Warung Baru"}
    db.session.commit()
    report = run_retention(utcnow() + timedelta(days=20))
    db.session.commit()
    assert report.drafts_deleted == 0
    assert db.session.get(Application, draft.id) is not None


def test_the_retention_is_configurable(app, applicant):
    draft = make_draft(applicant, make_category())
    _age(draft, 40)
    app.config["RETENTION_DRAFT_DAYS"] = 30
    try:
        assert run_retention().reminders_sent == 1
        db.session.commit()
        assert run_retention(utcnow() + timedelta(days=15)).drafts_deleted == 1
    finally:
        app.config["RETENTION_DRAFT_DAYS"] = 180


def test_documents_of_rejected_and_withdrawn_applications_are_deleted_after_n_days(app, applicant):
    category = make_category()
    rejected = make_submitted(applicant, category)
    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    workflow.transition(rejected, S.IN_REVIEW, officer)
    workflow.transition(rejected, S.RECOMMENDED, officer)
    workflow.transition(rejected, S.REJECTED, approver, note="Tidak memenuhi syarat")
    withdrawn = make_submitted(applicant, category)
    workflow.transition(withdrawn, S.WITHDRAWN, applicant)
    in_review = make_submitted(applicant, category)
    db.session.commit()
    keys = {
        a.id: [
            d.storage_key for d in db.session.scalars(select(Document).where(Document.application_id == a.id))
        ]
        for a in (rejected, withdrawn, in_review)
    }
    assert run_retention(utcnow() + timedelta(days=364)).documents_deleted == 0
    report = run_retention(utcnow() + timedelta(days=366))
    db.session.commit()
    assert report.documents_deleted == 2
    for application in (rejected, withdrawn):
        assert all(not get_storage().exists(k) for k in keys[application.id])
        assert db.session.get(Application, application.id) is not None  # the decision stays
    assert all(get_storage().exists(k) for k in keys[in_review.id])


def test_the_retention_command_runs_and_commits(app, applicant):
    draft = make_draft(applicant, make_category())
    _age(draft, 170)
    result = app.test_cli_runner().invoke(args=["privacy", "retention"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 reminders sent" in result.output
    assert db.session.get(DraftReminder, draft.id) is not None
