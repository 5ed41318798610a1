"""The applicant's path: start, fill pages over several requests, upload, review, submit once,
track; and the hostile inputs of the wizard."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.applications import services, workflow
from portal.applications.models import Application, AuditEvent, Document, ValidationEvent
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.extensions import db
from portal.notifications.models import OutboxEmail
from portal.notifications.services import dispatch_queued
from tests.conftest import csrf_token, make_user
from tests.factories import add_document, make_draft
from tests.fixtures_files import html_bytes, make_gif, make_jpeg, make_pdf, make_png, zip_bytes
from tests.wizard_helpers import GOOD_PAGES, file_upload, make_category


@pytest.fixture
def category():
    return make_category()


def _start(client, category) -> int:
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    return int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))


def _token(client, application_id: int) -> str:
    return csrf_token(client.get("/dashboard").get_data(as_text=True))


def _post_page(client, application_id, page_key, data, action="continue"):
    token = _token(client, application_id)
    return client.post(
        f"/applications/{application_id}/form/{page_key}",
        data={"csrf_token": token, "action": action, **data},
    )


def _upload(client, application_id, key, data, name, content_type="application/pdf"):
    token = _token(client, application_id)
    return client.post(
        f"/applications/{application_id}/documents/{key}",
        data={"csrf_token": token, "file": file_upload(data, name, content_type)},
        content_type="multipart/form-data",
    )


def _fill_everything(client, application_id):
    for page_key, data in GOOD_PAGES.items():
        assert _post_page(client, application_id, page_key, data).status_code == 302
    assert _upload(client, application_id, "ktp", make_pdf(), "ktp.pdf").status_code == 302


def _submit(client, application_id, declaration=True):
    page = client.get(f"/applications/{application_id}/review").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "version": version}
    if declaration:
        data["declaration"] = "y"
    return client.post(f"/applications/{application_id}/review", data=data)


def test_whole_path_from_catalogue_to_tracking_number(client, login_as, category, outbox):
    user = login_as(Role.APPLICANT)
    application_id = _start(client, category)
    # first page, leave, resume from the dashboard
    response = _post_page(client, application_id, "business", GOOD_PAGES["business"], action="later")
    assert response.headers["Location"].endswith("/dashboard")
    dashboard = client.get("/dashboard?lang=en").get_data(as_text=True)
    # resumed where she stopped: the second page (step 3 of 5)
    assert "Test permit" in dashboard and f"/applications/{application_id}/form/location" in dashboard
    assert "Continue: step 3 of 5" in dashboard
    assert _post_page(client, application_id, "location", GOOD_PAGES["location"]).status_code == 302
    assert _upload(client, application_id, "ktp", make_pdf(), "ktp.pdf").status_code == 302
    review = client.get(f"/applications/{application_id}/review?lang=en").get_data(as_text=True)
    assert "Warung Sederhana" in review and "ktp.pdf" in review and "Rp 1.500.000" in review
    response = _submit(client, application_id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/confirmation")
    application = db.session.get(Application, application_id)
    assert application.status is S.SUBMITTED
    assert re.fullmatch(r"SP-\d{4}-\d{6}", application.tracking_number)
    assert application.due_date is not None
    confirmation = client.get(f"/applications/{application_id}/confirmation").get_data(as_text=True)
    assert application.tracking_number in confirmation
    mails = outbox.to(user.email)
    assert len(mails) == 1 and application.tracking_number in mails[0]["Subject"]
    detail = client.get(f"/applications/{application_id}?lang=en").get_data(as_text=True)
    assert "Submitted" in detail
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application_id)).all()
    assert [(e.from_status, e.to_status) for e in events] == [("draft", "submitted")]


def test_answers_are_kept_when_a_page_has_errors(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    response = _post_page(
        client,
        application_id,
        "business",
        {"business_name": "Toko Maju", "employees": "NaN", "has_branch": "no"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'value="Toko Maju"' in html
    application = db.session.get(Application, application_id)
    assert application.answers.get("business_name") == "Toko Maju"
    assert "business" not in application.completed_pages
    events = db.session.scalars(
        select(ValidationEvent).where(ValidationEvent.application_id == application_id)
    ).all()
    assert [(e.field_key, e.error_code) for e in events] == [("employees", "not_finite")] or [
        e.field_key for e in events
    ] == ["employees"]
    assert all("NaN" not in (e.error_code or "") for e in events)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start_date", "2026-02-30"),
        ("employees", "Infinity"),
        ("employees", "1e309"),
        ("has_branch", "maybe"),
    ],
)
def test_impossible_values_are_refused(client, login_as, category, field, value):
    login_as()
    application_id = _start(client, category)
    page = "location" if field == "start_date" else "business"
    data = dict(GOOD_PAGES[page], **{field: value})
    response = _post_page(client, application_id, page, data)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert field not in db.session.get(Application, application_id).answers


def test_hidden_field_posted_anyway_and_extra_fields_are_ignored(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    data = dict(
        GOOD_PAGES["business"],
        branch_address="Jl. Rahasia 1",
        status="approved",
        applicant_id="1",
        tracking_number="SP-2026-999999",
    )
    assert _post_page(client, application_id, "business", data).status_code == 302
    application = db.session.get(Application, application_id)
    assert "branch_address" not in application.answers
    assert application.status is S.DRAFT and application.tracking_number is None


def test_submit_lists_what_is_missing_and_changes_nothing(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _post_page(client, application_id, "business", GOOD_PAGES["business"])
    response = _submit(client, application_id)
    html = client.get(f"/applications/{application_id}/review?lang=en").get_data(as_text=True)
    assert response.status_code == 200
    assert "Start date" in html and "Applicant&#39;s ID card" in html
    assert db.session.get(Application, application_id).status is S.DRAFT


def test_submit_needs_the_declaration_and_a_verified_email(client, login_as, category):
    from portal.auth.models import User
    from portal.db import utcnow

    user = login_as(verified=False)
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    assert _submit(client, application_id).status_code == 200
    assert db.session.get(Application, application_id).status is S.DRAFT
    db.session.get(User, user.id).email_verified_at = utcnow()
    db.session.commit()
    assert _submit(client, application_id, declaration=False).status_code == 200
    assert db.session.get(Application, application_id).status is S.DRAFT
    assert _submit(client, application_id).status_code == 302


@pytest.mark.parametrize(
    ("key", "data", "name", "ctype"),
    [
        ("photo", make_gif(), "photo.png", "image/png"),
        ("ktp", html_bytes(), "ktp.pdf", "application/pdf"),
        ("ktp", zip_bytes(), "ktp.pdf", "application/pdf"),
        ("ktp", b"", "empty.pdf", "application/pdf"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_stored(client, login_as, category, app, key, data, name, ctype):
    login_as()
    application_id = _start(client, category)
    response = _upload(client, application_id, key, data, name, ctype)
    assert response.status_code == 302
    page = client.get(f"/applications/{application_id}/documents?lang=en").get_data(as_text=True)
    assert "alert-danger" in page
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_upload_replaces_and_remove(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _upload(client, application_id, "ktp", make_pdf(), "first.pdf")
    _upload(client, application_id, "ktp", make_png(), "second.png", "image/png")
    docs = db.session.scalars(select(Document).where(Document.application_id == application_id)).all()
    assert [d.original_name for d in docs] == ["second.png"]
    token = _token(client, application_id)
    client.post(f"/applications/{application_id}/documents/{docs[0].id}/delete", data={"csrf_token": token})
    assert db.session.scalar(select(func.count()).select_from(Document)) == 0


def test_another_applicants_application_is_404_and_unchanged(client, login_as, category, app):
    owner = make_user(Role.APPLICANT)
    application = services.start_application(owner, category)
    login_as()
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    base = f"/applications/{application.id}"
    for url in (base, f"{base}/requirements", f"{base}/review", f"{base}/form/business", f"{base}/documents"):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"{base}/form/business", data={"csrf_token": token, **GOOD_PAGES["business"]}).status_code
        == 404
    )
    assert client.post(f"{base}/withdraw", data={"csrf_token": token}).status_code == 404
    assert (
        client.post(
            f"{base}/documents/ktp",
            data={"csrf_token": token, "file": file_upload(make_pdf(), "x.pdf")},
            content_type="multipart/form-data",
        ).status_code
        == 404
    )
    db.session.refresh(application)
    assert application.answers == {} and application.status is S.DRAFT


def test_submitted_application_cannot_be_edited(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    _submit(client, application_id)
    before = dict(db.session.get(Application, application_id).answers)
    response = _post_page(
        client, application_id, "business", dict(GOOD_PAGES["business"], business_name="Changed")
    )
    assert response.status_code in (302, 400)
    assert db.session.get(Application, application_id).answers == before
    response = _upload(client, application_id, "ktp", make_pdf(), "new.pdf")
    assert [
        d.original_name
        for d in db.session.scalars(select(Document).where(Document.application_id == application_id))
    ] == ["ktp.pdf"]


def test_withdraw_before_a_decision(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    _submit(client, application_id)
    page = client.get(f"/applications/{application_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/applications/{application_id}/withdraw", data={"csrf_token": csrf_token(page), "version": version}
    )
    assert response.status_code == 302
    assert db.session.get(Application, application_id).status is S.WITHDRAWN


def test_correction_round_end_to_end(client, login_as, category, outbox):
    user = login_as()
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    _submit(client, application_id)
    officer = make_user(Role.OFFICER)
    application = db.session.get(Application, application_id)
    workflow.transition(application, S.IN_REVIEW, officer)
    db.session.commit()
    services.request_correction(
        application,
        officer,
        "Nama usaha harus sesuai akta.",
        fields=[{"key": "business_name", "reason": "Tidak sesuai akta"}],
        documents=[{"key": "ktp", "reason": "Foto buram"}],
    )
    dispatch_queued()  # outside a request, the caller hands committed emails to the queue
    assert application.status is S.NEEDS_CORRECTION and application.sla_paused_at is not None
    page = client.get(f"/applications/{application_id}/correction?lang=en").get_data(as_text=True)
    assert "Nama usaha harus sesuai akta." in page and "Foto buram" in page
    assert 'name="employees"' not in page  # only the flagged field is editable
    token = csrf_token(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    # resubmitting before replacing the flagged document is refused
    response = client.post(
        f"/applications/{application_id}/correction",
        data={
            "csrf_token": token,
            "version": version,
            "action": "resubmit",
            "business_name": "PT Warung Sederhana",
            "employees": "999",
        },
    )
    assert response.status_code == 200
    db.session.refresh(application)
    assert application.status is S.NEEDS_CORRECTION
    assert application.answers["employees"] == 3  # not flagged: unchanged
    client.post(
        f"/applications/{application_id}/documents/ktp",
        data={"csrf_token": token, "file": file_upload(make_jpeg(), "ktp-baru.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    response = client.post(
        f"/applications/{application_id}/correction",
        data={
            "csrf_token": token,
            "version": version,
            "action": "resubmit",
            "business_name": "PT Warung Sederhana",
        },
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status is S.RESUBMITTED and application.sla_paused_at is None
    assert application.answers["business_name"] == "PT Warung Sederhana"
    subjects = [m["Subject"] for m in outbox.to(user.email)]
    assert len(subjects) == 4  # submitted, in review, correction, resubmitted


def test_public_status_check_shows_status_only(client, login_as, category):
    user = login_as(full_name="Ani Rahasia")
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    _submit(client, application_id)
    number = db.session.get(Application, application_id).tracking_number
    anonymous = client.application.test_client()
    page = anonymous.get("/status?lang=en").get_data(as_text=True)
    html = anonymous.post(
        "/status?lang=en",
        data={"csrf_token": csrf_token(page), "tracking_number": number, "email": user.email},
    ).get_data(as_text=True)
    assert "Submitted" in html and "Ani Rahasia" not in html and user.nik not in html
    wrong = anonymous.post(
        "/status?lang=en",
        data={"csrf_token": csrf_token(page), "tracking_number": number, "email": "other@example.test"},
    ).get_data(as_text=True)
    assert "No application matches" in wrong


def test_tracking_numbers_increase(login_as, category):
    user = make_user(Role.APPLICANT)
    numbers = []
    for slug in ("a-one", "a-two"):
        cat = make_category(slug=slug)
        application = make_draft(
            user,
            cat,
            answers={"business_name": "X", "employees": 1, "has_branch": "no", "start_date": "2020-01-01"},
        )
        add_document(application, name="k.pdf")
        db.session.refresh(application)
        services.submit(application, user, declaration=True)
        numbers.append(application.tracking_number)
    first, second = (int(n.rsplit("-", 1)[1]) for n in numbers)
    assert second == first + 1
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 2


def test_every_wizard_stage_shows_its_video_guide(client, login_as, category):
    from portal.tutorials.seed import seed_tutorials

    list(seed_tutorials())
    login_as()
    application_id = _start(client, category)
    pages = {
        "requirements": f"/applications/{application_id}/requirements",
        "fill_form": f"/applications/{application_id}/form/business",
        "upload_documents": f"/applications/{application_id}/documents",
        "review_submit": f"/applications/{application_id}/review",
        "choose_category": "/permits",
    }
    for stage, url in pages.items():
        html = client.get(url + "?lang=en").get_data(as_text=True)
        assert f'data-stage="{stage}"' in html, stage
        assert "<video" in html and 'kind="captions"' in html and 'srclang="en"' in html, stage


def test_stage_keeps_the_furthest_point_reached(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _post_page(client, application_id, "business", GOOD_PAGES["business"])
    client.get(f"/applications/{application_id}/documents")
    assert db.session.get(Application, application_id).stage == "upload_documents"
    _post_page(client, application_id, "business", GOOD_PAGES["business"])  # goes back to fix
    assert db.session.get(Application, application_id).stage == "upload_documents"


def test_missing_declaration_is_shown_beside_the_checkbox_and_at_the_top(client, login_as, category):
    login_as()
    application_id = _start(client, category)
    _fill_everything(client, application_id)
    html = _submit(client, application_id, declaration=False).get_data(as_text=True)
    assert 'href="#declaration"' in html
    checkbox = re.search(r'<input[^>]*id="declaration"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in checkbox and 'id="declaration-error"' in html
    assert db.session.get(Application, application_id).status is S.DRAFT
