"""Document verdicts, and flags on answers, are locked like transitions (issue 12, item 11): a
verdict or a flag given on a page that is out of date is refused with "reload" and changes
nothing, and of two officers giving verdicts at once, one wins and the other is told; on real
connections, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from portal.applications import workflow
from portal.applications.models import Application, AuditEvent, Document, DocumentState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.backoffice import services
from portal.backoffice.models import ReviewFlag
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, login, make_user
from tests.wizard_helpers import make_category, make_submitted

VERDICT_FORM = re.compile(
    r'action="/office/applications/\d+/documents/(\d+)/verdict".*?name="csrf_token"[^>]*value="([^"]+)"'
    r'.*?name="version" value="(\d+)"',
    re.S,
)


@pytest.fixture
def in_review():
    officer = make_user(Role.OFFICER)
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    services.start_review(application, officer, application.version)
    return application, officer


def _verdict_form(client, application_id):
    page = client.get(f"/office/applications/{application_id}").get_data(as_text=True)
    document_id, token, version = VERDICT_FORM.search(page).groups()
    return int(document_id), token, version


def _stale_message(app) -> str:
    with app.test_request_context():
        return str(workflow.STALE_MESSAGE)


def test_the_verdict_form_carries_the_version(client, login_as, in_review):
    application, _ = in_review
    login_as(Role.OFFICER)
    _, _, version = _verdict_form(client, application.id)
    assert int(version) == application.version


def test_a_verdict_from_an_out_of_date_page_is_refused(app, client, login_as, in_review):
    application, other_officer = in_review
    login_as(Role.OFFICER)
    document_id, token, version = _verdict_form(client, application.id)
    # Meanwhile, another officer flags the document.
    services.set_document_verdict(application, document_id, other_officer, False, "Foto KTP buram")
    response = client.post(
        f"/office/applications/{application.id}/documents/{document_id}/verdict",
        data={"csrf_token": token, "version": version, "verdict": "accept"},
        follow_redirects=True,
    )
    assert _stale_message(app) in response.get_data(as_text=True)
    document = db.session.get(Document, document_id)
    db.session.refresh(document)
    assert document.state is DocumentState.FLAGGED and document.reason == "Foto KTP buram"


def test_a_verdict_bumps_the_version_so_a_second_stale_one_is_refused(in_review):
    application, officer = in_review
    document = db.session.scalars(select(Document).where(Document.application_id == application.id)).first()
    seen = application.version
    services.set_document_verdict(application, document.id, officer, True, "", seen)
    db.session.refresh(application)
    assert application.version == seen + 1
    with pytest.raises(workflow.StaleApplication):
        services.set_document_verdict(application, document.id, officer, False, "buram", seen)
    db.session.refresh(document)
    assert document.state is DocumentState.ACCEPTED


def test_a_verdict_after_the_applicant_withdrew_is_told_to_reload(app, client, login_as, in_review):
    application, _ = in_review
    login_as(Role.OFFICER)
    document_id, token, version = _verdict_form(client, application.id)
    applicant = db.session.get(User, application.applicant_id)
    workflow.transition(application, S.WITHDRAWN, applicant)
    db.session.commit()
    response = client.post(
        f"/office/applications/{application.id}/documents/{document_id}/verdict",
        data={"csrf_token": token, "version": version, "verdict": "accept"},
        follow_redirects=True,
    )
    assert _stale_message(app) in response.get_data(as_text=True)
    assert db.session.get(Document, document_id).state is DocumentState.PENDING


# -- flags on answers -----------------------------------------------------------------------------
FLAG_FORM = re.compile(
    r'action="/office/applications/\d+/flags".*?name="csrf_token"[^>]*value="([^"]+)"'
    r'.*?name="version" value="(\d+)".*?name="key" value="([^"]+)"',
    re.S,
)
UNFLAG_FORM = re.compile(
    r'action="/office/applications/\d+/flags/(\d+)/remove".*?name="csrf_token"[^>]*value="([^"]+)"'
    r'.*?name="version" value="(\d+)"',
    re.S,
)


def _open_flags(application_id):
    return list(
        db.session.scalars(
            select(ReviewFlag).where(
                ReviewFlag.application_id == application_id, ReviewFlag.closed_at.is_(None)
            )
        )
    )


def test_the_flag_forms_carry_the_version(client, login_as, in_review):
    application, other = in_review
    services.flag_field(application, other, "business_name", "Tidak sesuai akta")
    login_as(Role.OFFICER)
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    db.session.refresh(application)
    assert int(FLAG_FORM.search(page).group(2)) == application.version
    assert int(UNFLAG_FORM.search(page).group(3)) == application.version


def test_a_flag_from_an_out_of_date_page_is_refused_and_writes_nothing(app, client, login_as, in_review):
    application, other_officer = in_review
    login_as(Role.OFFICER)
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    token, version, key = FLAG_FORM.search(page).groups()
    # Meanwhile, another officer accepts a document (the page's version is now out of date).
    document = db.session.scalars(select(Document).where(Document.application_id == application.id)).first()
    services.set_document_verdict(application, document.id, other_officer, True)
    events_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = client.post(
        f"/office/applications/{application.id}/flags",
        data={"csrf_token": token, "version": version, "key": key, "reason": "Nama tidak sesuai"},
        follow_redirects=True,
    )
    assert _stale_message(app) in response.get_data(as_text=True)
    assert _open_flags(application.id) == []
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


def test_removing_a_flag_from_an_out_of_date_page_is_refused_and_the_flag_stays(
    app, client, login_as, in_review
):
    application, other_officer = in_review
    services.flag_field(application, other_officer, "business_name", "Tidak sesuai akta")
    login_as(Role.OFFICER)
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    flag_id, token, version = UNFLAG_FORM.search(page).groups()
    # Meanwhile, the other officer flags the answer again with a new reason.
    services.flag_field(application, other_officer, "business_name", "Ejaan nama salah")
    response = client.post(
        f"/office/applications/{application.id}/flags/{flag_id}/remove",
        data={"csrf_token": token, "version": version},
        follow_redirects=True,
    )
    assert _stale_message(app) in response.get_data(as_text=True)
    assert [f.reason for f in _open_flags(application.id)] == ["Ejaan nama salah"]
    # a page that is up to date removes it
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    flag_id, token, version = UNFLAG_FORM.search(page).groups()
    client.post(
        f"/office/applications/{application.id}/flags/{flag_id}/remove",
        data={"csrf_token": token, "version": version},
    )
    assert _open_flags(application.id) == []


def test_a_flag_bumps_the_version_so_a_second_stale_one_is_refused(in_review):
    application, officer = in_review
    seen = application.version
    services.flag_field(application, officer, "business_name", "Tidak sesuai akta", seen)
    db.session.refresh(application)
    assert application.version == seen + 1
    with pytest.raises(workflow.StaleApplication):
        services.flag_field(application, officer, "business_name", "Lain", seen)
    flag = _open_flags(application.id)[0]
    with pytest.raises(workflow.StaleApplication):
        services.unflag(application, officer, flag.id, seen)
    assert [f.reason for f in _open_flags(application.id)] == ["Tidak sesuai akta"]


# -- two officers at once, on real connections ---------------------------------------------------
@pytest.mark.parametrize("verdicts", [("accept", "flag"), ("flag", "accept"), ("accept", "accept")])
def test_two_officers_at_once_one_verdict_wins(real_commits, tmp_path, verdicts):
    from portal import create_app
    from tests.dbutil import scratch_database_url

    with scratch_database_url("verdicts", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
            first, second = make_user(Role.OFFICER), make_user(Role.OFFICER)
            application = make_submitted(make_user(Role.APPLICANT), make_category())
            services.start_review(application, first, application.version)
            db.session.commit()  # services flush; the caller commits
            application_id, emails = application.id, (first.email, second.email)
        try:
            clients = [app.test_client(), app.test_client()]
            forms = []
            for client, email in zip(clients, emails, strict=True):
                assert login(client, email, DEFAULT_PASSWORD).status_code == 302
                forms.append(_verdict_form(client, application_id))
            barrier = threading.Barrier(2)
            results: list = [None, None]

            def give(n):
                document_id, token, version = forms[n]
                barrier.wait()
                try:
                    response = clients[n].post(
                        f"/office/applications/{application_id}/documents/{document_id}/verdict",
                        data={
                            "csrf_token": token,
                            "version": version,
                            "verdict": verdicts[n],
                            "reason": "Foto KTP buram",
                        },
                        follow_redirects=True,
                    )
                    results[n] = response.get_data(as_text=True)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    results[n] = repr(exc)

            threads = [threading.Thread(target=give, args=(n,)) for n in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            stale = _stale_message(app)
            told = [stale in page for page in results]
            assert sorted(told) == [False, True], results
            winner = told.index(False)
            with app.app_context():
                document = db.session.scalars(
                    select(Document).where(Document.application_id == application_id)
                ).first()
                expected = DocumentState.ACCEPTED if verdicts[winner] == "accept" else DocumentState.FLAGGED
                assert document.state is expected
                events = db.session.scalar(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(
                        AuditEvent.application_id == application_id,
                        AuditEvent.action.in_(("accept_document", "flag_document")),
                    )
                )
                assert events == 1
                assert db.session.get(Application, application_id).status is S.IN_REVIEW
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
