"""The lifecycle module: who may move an application where, optimistic locking, audit, and a
double submit under real concurrency."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, select

from portal.applications import services, workflow
from portal.applications.models import Application, AuditEvent
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.extensions import db
from portal.notifications.models import OutboxEmail
from tests.conftest import make_user


@pytest.fixture
def submitted():
    from tests.wizard_helpers import make_category

    applicant = make_user(Role.APPLICANT)
    application = services.start_application(applicant, make_category())
    workflow.transition(application, S.SUBMITTED, applicant)
    db.session.commit()
    return application, applicant


def test_every_rule_names_known_roles():
    for (frm, to), rule in workflow.TRANSITIONS.items():
        assert frm != to and rule.who
        assert all(w == workflow.APPLICANT or w in set(Role) for w in rule.who)


def test_applicant_cannot_take_office_transitions(submitted):
    application, applicant = submitted
    with pytest.raises(workflow.NotPermitted):
        workflow.transition(application, S.IN_REVIEW, applicant)
    assert db.session.get(Application, application.id).status is S.SUBMITTED


def test_other_applicant_cannot_withdraw(submitted):
    application, _ = submitted
    with pytest.raises(workflow.NotPermitted):
        workflow.transition(application, S.WITHDRAWN, make_user(Role.APPLICANT))


def test_officer_cannot_approve(submitted):
    application, _ = submitted
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    with pytest.raises(workflow.NotPermitted):
        workflow.transition(application, S.APPROVED, officer)
    assert application.status is S.RECOMMENDED


def test_nobody_decides_on_their_own_application():
    from tests.wizard_helpers import make_category

    staff = make_user(roles=[Role.APPLICANT, Role.OFFICER, Role.APPROVER])
    application = services.start_application(staff, make_category())
    workflow.transition(application, S.SUBMITTED, staff)
    with pytest.raises(workflow.NotPermitted):
        workflow.transition(application, S.IN_REVIEW, staff)


def test_impossible_transition_is_refused(submitted):
    application, _ = submitted
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.transition(application, S.APPROVED, make_user(Role.APPROVER))


def test_stale_version_is_refused_and_changes_nothing(submitted):
    application, _ = submitted
    officer = make_user(Role.OFFICER)
    seen = application.version
    workflow.transition(application, S.IN_REVIEW, officer)
    db.session.commit()
    with pytest.raises(workflow.StaleApplication):
        workflow.transition(application, S.NEEDS_CORRECTION, make_user(Role.OFFICER), expected_version=seen)
    fresh = db.session.get(Application, application.id)
    db.session.refresh(fresh)
    assert fresh.status is S.IN_REVIEW


def test_each_transition_writes_one_audit_event(submitted):
    application, applicant = submitted
    officer = make_user(Role.OFFICER)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.WITHDRAWN, applicant, note="Berubah pikiran")
    db.session.commit()
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.application_id == application.id).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("submit", "draft", "submitted"),
        ("start_review", "submitted", "in_review"),
        ("withdraw", "in_review", "withdrawn"),
    ]
    assert events[-1].actor_id == applicant.id and events[-1].note == "Berubah pikiran"


def test_audit_events_are_never_updated(submitted):
    application, _ = submitted
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.application_id == application.id)).first()
    event.note = "rewritten"
    with pytest.raises(RuntimeError, match="never updated"):
        db.session.flush()
    db.session.rollback()


def test_two_simultaneous_submits_give_one_submission(real_commits, tmp_path):
    """Two Submit requests at the same time, on real connections: one submission, one
    tracking number, one email."""
    from portal import create_app
    from tests.conftest import DEFAULT_PASSWORD, Outbox, csrf_token, login
    from tests.dbutil import scratch_database_url
    from tests.fixtures_files import make_pdf
    from tests.wizard_helpers import GOOD_PAGES, file_upload, make_category

    with scratch_database_url("concurrency", tmp_path) as url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=url,
            MAIL_DIR=tmp_path / "mail",
            UPLOAD_ROOT=tmp_path / "uploads",
            INSTANCE_DIR=tmp_path,
        )
        with app.app_context():
            db.create_all()
            user = make_user(Role.APPLICANT)
            category = make_category()
            email, slug = user.email, category.slug
        try:
            client = app.test_client()
            assert login(client, email, DEFAULT_PASSWORD).status_code == 302
            token = csrf_token(client.get("/dashboard").get_data(as_text=True))
            location = client.post(f"/permits/{slug}/apply", data={"csrf_token": token}).headers["Location"]
            app_id = int(re.search(r"/applications/(\d+)/", location).group(1))
            for page, data in GOOD_PAGES.items():
                client.post(f"/applications/{app_id}/form/{page}", data={"csrf_token": token, **data})
            client.post(
                f"/applications/{app_id}/documents/ktp",
                data={"csrf_token": token, "file": file_upload(make_pdf(), "ktp.pdf")},
                content_type="multipart/form-data",
            )
            page = client.get(f"/applications/{app_id}/review").get_data(as_text=True)
            version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
            data = {"csrf_token": csrf_token(page), "version": version, "declaration": "y"}
            barrier = threading.Barrier(2)
            statuses: list[int] = []

            def submit():
                barrier.wait()
                try:
                    statuses.append(client.post(f"/applications/{app_id}/review", data=data).status_code)
                except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                    statuses.append(repr(exc))

            threads = [threading.Thread(target=submit) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert len(statuses) == 2 and all(code in (200, 302) for code in statuses), statuses
            with app.app_context():
                application = db.session.get(Application, app_id)
                assert application.status is S.SUBMITTED and application.tracking_number
                submits = db.session.scalar(
                    select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "submit")
                )
                emails = db.session.scalar(select(func.count()).select_from(OutboxEmail))
                assert (submits, emails) == (1, 1)
                assert application.tracking_number.endswith("000001")
            assert len(Outbox(tmp_path / "mail").to(email)) == 1
        finally:
            with app.app_context():
                db.session.remove()
                db.drop_all()
                db.engine.dispose()
