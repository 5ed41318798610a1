"""The office's side: queue, review, verdicts, corrections, decisions; access and hostile input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, AuditEvent, Document, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.backoffice import services
from portal.extensions import db
from tests.conftest import csrf_token, make_user
from tests.fixtures_files import make_pdf
from tests.wizard_helpers import make_category, make_submitted


@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def submitted(category):
    return make_submitted(make_user(Role.APPLICANT), category)


def _post(client, url, data=None, page="/office/queue"):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


def _version(client, application_id):
    html = client.get(f"/office/applications/{application_id}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


BACKOFFICE_URLS = [
    ("GET", "/office/queue"),
    ("GET", "/office/applications/{id}"),
    ("GET", "/office/applications/{id}/documents/{doc}/download"),
    ("POST", "/office/applications/{id}/claim"),
    ("POST", "/office/applications/{id}/start"),
    ("POST", "/office/applications/{id}/corrections"),
    ("POST", "/office/applications/{id}/recommend"),
    ("POST", "/office/applications/{id}/decide"),
    ("POST", "/office/applications/{id}/documents/{doc}/verdict"),
    ("POST", "/office/applications/{id}/flags"),
    ("POST", "/office/applications/{id}/notes"),
    ("POST", "/office/assign"),
]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.HELPDESK])
@pytest.mark.parametrize(("method", "url"), BACKOFFICE_URLS)
def test_applicants_and_helpdesk_get_403(client, login_as, submitted, role, method, url, caplog):
    login_as(role)
    doc = db.session.scalars(select(Document).where(Document.application_id == submitted.id)).first()
    target = url.format(id=submitted.id, doc=doc.id)
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    response = (
        client.get(target)
        if method == "GET"
        else client.post(
            target, data={"csrf_token": token, "decision": "approve", "message": "x", "text": "x"}
        )
    )
    assert response.status_code == 403
    assert "forbidden" in caplog.text
    db.session.refresh(submitted)
    assert submitted.status is S.SUBMITTED and submitted.assigned_officer_id is None


def test_whole_office_path_with_a_correction_round(client, login_as, submitted, app, outbox):
    officer = login_as(Role.OFFICER)
    queue = client.get("/office/queue?lang=en").get_data(as_text=True)
    assert submitted.tracking_number in queue
    assert (
        _post(
            client, f"/office/applications/{submitted.id}/start", {"version": _version(client, submitted.id)}
        ).status_code
        == 302
    )
    db.session.refresh(submitted)
    assert submitted.status is S.IN_REVIEW and submitted.assigned_officer_id == officer.id
    doc = db.session.scalars(select(Document).where(Document.application_id == submitted.id)).first()
    _post(
        client,
        f"/office/applications/{submitted.id}/documents/{doc.id}/verdict",
        {"verdict": "flag", "reason": "Foto KTP buram"},
    )
    db.session.refresh(doc)
    assert doc.state is DocumentState.FLAGGED
    _post(
        client,
        f"/office/applications/{submitted.id}/corrections",
        {"version": _version(client, submitted.id), "message": "Unggah ulang KTP yang jelas."},
    )
    db.session.refresh(submitted)
    assert submitted.status is S.NEEDS_CORRECTION
    correction = app_services.open_correction(submitted)
    assert correction.documents == [{"key": "ktp", "reason": "Foto KTP buram"}]
    # the applicant replaces the document and resubmits
    import io

    from werkzeug.datastructures import FileStorage

    applicant = db.session.get(type(officer), submitted.applicant_id)
    app_services.add_document(
        submitted, "ktp", FileStorage(io.BytesIO(make_pdf()), "ktp2.pdf"), actor=applicant
    )
    app_services.resubmit(submitted, applicant)
    assert submitted.status is S.RESUBMITTED
    _post(client, f"/office/applications/{submitted.id}/start", {"version": _version(client, submitted.id)})
    new_doc = db.session.scalars(select(Document).where(Document.application_id == submitted.id)).first()
    _post(
        client, f"/office/applications/{submitted.id}/documents/{new_doc.id}/verdict", {"verdict": "accept"}
    )
    _post(
        client,
        f"/office/applications/{submitted.id}/recommend",
        {"version": _version(client, submitted.id), "decision": "approve", "confirmed": "yes"},
    )
    db.session.refresh(submitted)
    assert submitted.status is S.RECOMMENDED and submitted.recommendation == "approve"
    # the approver decides
    approver_client = app.test_client()
    approver = make_user(Role.APPROVER)
    from tests.conftest import login

    assert login(approver_client, approver.email).status_code == 302
    version = _version(approver_client, submitted.id)
    # Approving asks for confirmation over a summary first; only the confirmation decides.
    response = _post(
        approver_client,
        f"/office/applications/{submitted.id}/decide",
        {"version": version, "decision": "approve"},
    )
    assert response.status_code == 200
    db.session.refresh(submitted)
    assert submitted.status is S.RECOMMENDED
    response = _post(
        approver_client,
        f"/office/applications/{submitted.id}/decide",
        {"version": version, "decision": "approve", "confirmed": "yes"},
    )
    assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status is S.APPROVED and submitted.decided_at is not None


def test_officer_cannot_approve(client, login_as, submitted):
    officer = login_as(Role.OFFICER)
    services.start_review(submitted, officer, submitted.version)
    services.recommend(submitted, officer, "reject", "Tidak lengkap", submitted.version)
    response = _post(
        client,
        f"/office/applications/{submitted.id}/decide",
        {"version": submitted.version, "decision": "approve"},
    )
    assert response.status_code == 403
    db.session.refresh(submitted)
    assert submitted.status is S.RECOMMENDED


def test_recommending_approval_needs_every_document_accepted(submitted):
    officer = make_user(Role.OFFICER)
    services.start_review(submitted, officer, submitted.version)
    from flask_babel import force_locale

    with force_locale("en"), pytest.raises(services.BackofficeError, match="Accept every required document"):
        services.recommend(submitted, officer, "approve", "", submitted.version)
    assert submitted.status is S.IN_REVIEW


@pytest.mark.parametrize(("message", "flag"), [("", True), ("Tolong perbaiki", False)])
def test_corrections_need_a_message_and_a_flag(submitted, message, flag):
    officer = make_user(Role.OFFICER)
    services.start_review(submitted, officer, submitted.version)
    if flag:
        services.flag_field(submitted, officer, "business_name", "Tidak sesuai akta")
    with pytest.raises(services.BackofficeError):
        services.request_corrections(submitted, officer, message, submitted.version)
    db.session.refresh(submitted)
    assert submitted.status is S.IN_REVIEW


def test_nothing_happens_on_a_withdrawn_application(submitted):
    applicant = db.session.get(type(make_user(Role.OFFICER)), submitted.applicant_id)
    app_services.withdraw(submitted, applicant)
    officer = make_user(Role.OFFICER)
    with pytest.raises(workflow.TransitionNotAllowed):
        services.start_review(submitted, officer, submitted.version)
    assert submitted.status is S.WITHDRAWN


def test_approving_own_application_is_refused(category):
    boss = make_user(roles=[Role.APPLICANT, Role.OFFICER, Role.APPROVER])
    application = make_submitted(boss, category)
    with pytest.raises(workflow.NotPermitted):
        services.start_review(application, boss, application.version)


def test_a_stale_page_is_told_to_reload(client, login_as, submitted):
    login_as(Role.OFFICER, locale="en")
    version = _version(client, submitted.id)
    other = make_user(Role.OFFICER)
    services.start_review(submitted, other, submitted.version)
    services.flag_field(submitted, other, "business_name", "cek")
    # the first officer acts on the page loaded before the other's change
    response = _post(
        client,
        f"/office/applications/{submitted.id}/recommend",
        {"version": version, "decision": "reject", "reason": "x"},
    )
    assert response.status_code == 302
    page = client.get(f"/office/applications/{submitted.id}?lang=en").get_data(as_text=True)
    assert "Reload the page" in page
    db.session.refresh(submitted)
    assert submitted.status is S.IN_REVIEW


@pytest.mark.parametrize(
    "query",
    ["' OR 1=1 --", "%", "_", "a" * 5000, "SP-2026-000001", "6472014507900001", "x@example.test", "<script>"],
)
def test_queue_search_never_fails(client, login_as, submitted, query):
    login_as(Role.OFFICER)
    response = client.get("/office/queue", query_string={"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        {"sort": "id; DROP TABLE users"},
        {"cursor": "not-base64!"},
        {"cursor": "W10"},
        {"status": "bogus"},
        {"size": "1000000"},
        {"category": "abc"},
        {"submitted_from": "2026-02-30"},
    ],
)
def test_bad_filters_are_400(client, login_as, args):
    login_as(Role.OFFICER)
    assert client.get("/office/queue", query_string=args).status_code == 400


def test_search_by_name_finds_partial_and_escapes_wildcards(client, login_as, category):
    make_submitted(make_user(Role.APPLICANT, full_name="Siti 100% Rahmawati"), category)
    make_submitted(make_user(Role.APPLICANT, full_name="Budi Santoso"), category)
    login_as(Role.OFFICER)
    html = client.get("/office/queue", query_string={"q": "100%"}).get_data(as_text=True)
    assert "Siti 100% Rahmawati" in html and "Budi Santoso" not in html
    html = client.get("/office/queue", query_string={"q": "santo"}).get_data(as_text=True)
    assert "Budi Santoso" in html and "Siti" not in html


def _count_statements(client, url):
    statements = []

    def before(conn, cursor, statement, params, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement)  # savepoints belong to the test harness

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200
    import os

    if os.environ.get("SHOW_SQL"):
        print(url, *[s[:100].replace("\n", " ") for s in statements], sep="\n  ")
    return len(statements)


def test_queue_statements_do_not_grow_with_rows(client, login_as, category):
    login_as(Role.OFFICER)
    for _ in range(25):
        make_submitted(make_user(Role.APPLICANT), category)
    client.get("/office/queue")  # warm up: the session's last-seen touch happens once a minute
    small = _count_statements(client, "/office/queue?size=20")
    large = _count_statements(client, "/office/queue?size=50")
    for _ in range(30):
        make_submitted(make_user(Role.APPLICANT), category)
    client.get("/office/queue")  # warm up again: the office settings cache may refresh meanwhile
    bigger_table = _count_statements(client, "/office/queue?size=50")
    assert small == large == bigger_table


def test_keyset_pages_cover_every_row_once(client, login_as, category):
    login_as(Role.OFFICER)
    made = {make_submitted(make_user(Role.APPLICANT), category).tracking_number for _ in range(23)}
    seen, url = [], "/office/queue?size=20"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += re.findall(r">(SP-\d{4}-\d{6})</a>", html)
        nxt = re.search(r'href="(/office/queue\?cursor=[^"]+)"', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert sorted(seen) == sorted(made)


def test_script_in_answers_notes_and_file_names_is_escaped(client, login_as, category):
    evil = "<script>alert(1)</script>"
    application = make_submitted(
        make_user(Role.APPLICANT, full_name="Eve"),
        category,
        answers={"business_name": evil, "employees": 1, "has_branch": "no", "start_date": "2020-01-01"},
        document_name=evil + ".pdf",
    )
    officer = login_as(Role.OFFICER)
    services.add_note(application, officer, evil)
    html = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bulk_assign_by_approver(client, login_as, category):
    apps = [make_submitted(make_user(Role.APPLICANT), category) for _ in range(3)]
    officer = make_user(Role.OFFICER)
    login_as(Role.APPROVER)
    token = csrf_token(client.get("/office/queue").get_data(as_text=True))
    response = client.post(
        "/office/assign",
        data={"csrf_token": token, "officer_id": officer.id, "application_ids": [a.id for a in apps[:2]]},
    )
    assert response.status_code == 302
    assigned = [db.session.get(Application, a.id).assigned_officer_id for a in apps]
    assert assigned == [officer.id, officer.id, None]
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "assign"))
        == 2
    )


def test_internal_notes_are_not_shown_to_the_applicant(client, login_as, category):
    applicant = login_as(Role.APPLICANT)
    application = make_submitted(applicant, category)
    services.add_note(application, make_user(Role.OFFICER), "Pemohon kurang kooperatif")
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "kooperatif" not in html


def test_two_approvers_deciding_at_once_make_one_decision(real_commits, tmp_path):
    """Two approvers press Approve on the same application at the same moment, on real
    connections: exactly one decision, one permit, one email; the other is told to reload."""
    import threading

    from portal import create_app
    from portal.notifications.models import OutboxEmail
    from portal.permits.models import Permit
    from tests.conftest import DEFAULT_PASSWORD, Outbox, login
    from tests.dbutil import scratch_database_url

    with scratch_database_url("decide_race", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        try:
            with app.app_context():
                db.create_all()
                applicant = make_user(Role.APPLICANT)
                application = make_submitted(applicant, make_category())
                officer = make_user(Role.OFFICER)
                services.start_review(application, officer, application.version)
                for doc in app_services.documents_of(application):
                    services.set_document_verdict(application, doc.id, officer, True)
                services.recommend(application, officer, "approve", "", application.version)
                db.session.commit()  # services flush; the caller commits
                approvers = [make_user(Role.APPROVER, locale="en") for _ in range(2)]
                app_id, emails = application.id, [a.email for a in approvers]
                applicant_email = applicant.email
            Outbox(tmp_path / "mail").clear()
            clients, payloads = [], []
            for address in emails:
                client = app.test_client()
                assert login(client, address, DEFAULT_PASSWORD).status_code == 302
                page = client.get(f"/office/applications/{app_id}").get_data(as_text=True)
                version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
                clients.append(client)
                payloads.append(
                    {
                        "csrf_token": csrf_token(page),
                        "version": version,
                        "decision": "approve",
                        "confirmed": "yes",
                    }
                )
            barrier = threading.Barrier(2)
            results: list = []

            def decide(client, data):
                barrier.wait()
                try:
                    response = client.post(f"/office/applications/{app_id}/decide", data=data)
                    results.append(response.status_code)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    results.append(repr(exc))

            threads = [
                threading.Thread(target=decide, args=pair) for pair in zip(clients, payloads, strict=True)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
            assert results == [302, 302], results
            pages = [c.get(f"/office/applications/{app_id}").get_data(as_text=True) for c in clients]
            assert sum("Reload the page" in p for p in pages) == 1
            with app.app_context():
                assert db.session.get(Application, app_id).status is S.APPROVED
                approvals = db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.application_id == app_id, AuditEvent.action == "approve")
                )
                permits = db.session.scalar(select(func.count()).select_from(Permit))
                approved_mails = db.session.scalar(
                    select(func.count())
                    .select_from(OutboxEmail)
                    .where(
                        OutboxEmail.dedupe_key.like(f"status:{app_id}:%"),
                        OutboxEmail.to_email == applicant_email,
                        OutboxEmail.subject.contains("izin"),
                    )
                )
                assert (approvals, permits) == (1, 1)
                assert approved_mails <= 1
            assert len(Outbox(tmp_path / "mail").to(applicant_email)) == 1
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
