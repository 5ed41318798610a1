"""Expiry and renewal: reminders 60, 30 and 7 days before a permit expires (email and in-app,
each once); "Perpanjang" starts a renewal filled in from the old permit with its still-valid
documents; the old permit's verification page names the one that superseded it. Refused: a
revoked permit, someone else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.applications import workflow
from portal.applications.models import Application, Document
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.calendar import clock
from portal.extensions import db
from portal.notifications.models import Notice, OutboxEmail
from portal.permits import services as permits
from portal.permits.expiry import send_expiry_reminders
from portal.permits.models import Permit, PermitReminder, PermitRenewal
from tests.conftest import csrf_token, login, make_user
from tests.factories import add_document, make_category, make_submitted
from tests.fixtures_files import make_png


def _approve(application: Application) -> Permit:
    officer = make_user(Role.OFFICER)
    approver = make_user(Role.APPROVER)
    if application.status is S.DRAFT:
        workflow.transition(application, S.SUBMITTED, db.session.get(User, application.applicant_id))
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    return permits.permit_for_application(application.id)


@pytest.fixture
def holder():
    return make_user(Role.APPLICANT, full_name="Siti Rahmawati")


@pytest.fixture
def issued(holder):
    """A permit valid for 12 months, its application with a KTP and a site photo; it expires
    in 20 days."""
    category = make_category(validity_months=12)
    application = make_submitted(holder, category)
    add_document(application, "photo", make_png(), name="lokasi.png", content_type="image/png")
    permit = _approve(application)
    permit.valid_until = clock.office_today() + timedelta(days=20)
    db.session.commit()
    return permit


def _renew(client, application_id: int):
    page = client.get(f"/applications/{application_id}?lang=id").get_data(as_text=True)
    return client.post(f"/applications/{application_id}/renew", data={"csrf_token": csrf_token(page)})


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# -- renewal --------------------------------------------------------------------------------------
def test_renew_starts_a_draft_filled_in_from_the_permit(client, holder, issued):
    old = db.session.get(Application, issued.application_id)
    login(client, holder.email)
    page = client.get(f"/applications/{old.id}?lang=id").get_data(as_text=True)
    assert "Perpanjang" in page
    response = _renew(client, old.id)
    assert response.status_code == 302
    draft_id = int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))
    draft = db.session.get(Application, draft_id)
    assert draft.id != old.id and draft.status is S.DRAFT and draft.applicant_id == holder.id
    assert draft.answers == old.answers
    copied = db.session.scalars(select(Document).where(Document.application_id == draft.id)).all()
    old_ktp = db.session.scalar(
        select(Document).where(Document.application_id == old.id, Document.requirement_key == "ktp")
    )
    # the KTP is still valid and is reused (a copy of its own); the site photo is asked again
    assert [(d.requirement_key, d.sha256) for d in copied] == [("ktp", old_ktp.sha256)]
    assert copied[0].storage_key != old_ktp.storage_key
    assert db.session.get(PermitRenewal, draft.id).renews_permit_id == issued.id
    follow = client.get(response.headers["Location"] + "?lang=id")
    assert follow.status_code == 200


def test_pressing_renew_twice_resumes_the_same_renewal(client, holder, issued):
    login(client, holder.email)
    first = _renew(client, issued.application_id).headers["Location"]
    second = _renew(client, issued.application_id).headers["Location"]
    assert first == second
    assert _count(PermitRenewal) == 1


def test_a_revoked_permit_cannot_be_renewed(client, holder, issued):
    permits.revoke_permit(issued, make_user(Role.APPROVER), "Usaha tutup")
    db.session.commit()
    before = _count(Application)
    login(client, holder.email)
    page = client.get(f"/applications/{issued.application_id}?lang=id").get_data(as_text=True)
    assert "Perpanjang" not in page
    token = csrf_token(page)
    response = client.post(f"/applications/{issued.application_id}/renew", data={"csrf_token": token})
    assert response.status_code == 302
    shown = client.get(response.headers["Location"] + "?lang=id").get_data(as_text=True)
    assert "dicabut" in shown.lower()
    assert _count(Application) == before and _count(PermitRenewal) == 0


@pytest.mark.parametrize("who", [Role.APPLICANT, Role.OFFICER, Role.APPROVER])
def test_someone_elses_permit_cannot_be_renewed(client, issued, who):
    stranger = make_user(who)
    before = _count(Application)
    login(client, stranger.email)
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    response = client.post(f"/applications/{issued.application_id}/renew", data={"csrf_token": token})
    assert response.status_code == 404
    assert _count(Application) == before and _count(PermitRenewal) == 0


@pytest.mark.parametrize("target", ["missing", "no-permit", "huge"])
def test_renewing_what_is_no_permit_of_hers_is_a_404(client, holder, issued, target):
    login(client, holder.email)
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    if target == "no-permit":
        application_id = make_submitted(holder, make_category("lain")).id
    else:
        application_id = 999999 if target == "missing" else 2**40
    response = client.post(f"/applications/{application_id}/renew", data={"csrf_token": token})
    assert response.status_code == 404
    assert _count(PermitRenewal) == 0


def test_renew_without_the_form_token_changes_nothing(client, holder, issued):
    login(client, holder.email)
    response = client.post(f"/applications/{issued.application_id}/renew", data={})
    assert response.status_code in (302, 400)
    assert _count(PermitRenewal) == 0


def test_a_permit_far_from_expiry_cannot_be_renewed_yet(client, holder, issued):
    issued.valid_until = clock.office_today() + timedelta(days=200)
    db.session.commit()
    login(client, holder.email)
    page = client.get(f"/applications/{issued.application_id}?lang=id").get_data(as_text=True)
    assert "Anda dapat memperpanjangnya mulai" in page
    response = client.post(
        f"/applications/{issued.application_id}/renew", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302 and _count(PermitRenewal) == 0


def test_the_old_verify_page_names_the_permit_that_superseded_it(client, holder, issued):
    login(client, holder.email)
    draft_id = int(
        re.search(r"/applications/(\d+)/", _renew(client, issued.application_id).headers["Location"]).group(1)
    )
    verify = f"/verify/{issued.verification_token}?lang=id"
    assert "digantikan" not in client.get(verify).get_data(as_text=True)
    draft = db.session.get(Application, draft_id)
    new = _approve(draft)
    page = client.get(verify).get_data(as_text=True)
    assert "digantikan oleh izin" in page and new.number in page
    # the new permit's own page does not say it is superseded
    assert "digantikan" not in client.get(f"/verify/{new.verification_token}?lang=id").get_data(as_text=True)


# -- reminders ------------------------------------------------------------------------------------
def _mails(holder) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            select(OutboxEmail).where(
                OutboxEmail.user_id == holder.id, OutboxEmail.dedupe_key.like("permit-expiry:%")
            )
        )
    )


def test_each_reminder_goes_out_once(holder, issued):
    today = clock.office_today()
    issued.valid_until = today + timedelta(days=60)
    db.session.commit()
    sent = []
    for day in (0, 0, 1, 30, 30, 31, 53, 53, 59, 60):  # the job runs twice on some days
        report = send_expiry_reminders(today + timedelta(days=day))
        db.session.commit()
        sent.append(report.total)
    assert sent == [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    assert sorted(r.days_before for r in db.session.scalars(select(PermitReminder))) == [7, 30, 60]
    mails = _mails(holder)
    assert len(mails) == 3
    assert "60 hari" in mails[0].body and issued.number in mails[0].body
    notices = db.session.scalars(
        select(Notice).where(Notice.user_id == holder.id, Notice.text.like("%" + issued.number + "%"))
    ).all()
    assert len(notices) == 3
    assert all(n.link == f"/applications/{issued.application_id}" for n in notices)


def test_a_permit_found_late_gets_only_the_most_urgent_reminder(holder, issued):
    today = clock.office_today()
    issued.valid_until = today + timedelta(days=5)
    db.session.commit()
    assert send_expiry_reminders(today).sent == {60: 0, 30: 0, 7: 1}
    db.session.commit()
    assert send_expiry_reminders(today + timedelta(days=1)).total == 0


@pytest.mark.parametrize("case", ["revoked", "renewing", "expired", "far", "closed-account"])
def test_no_reminder_when_none_is_needed(client, holder, issued, case):
    today = clock.office_today()
    issued.valid_until = today + timedelta(days=25)
    if case == "revoked":
        permits.revoke_permit(issued, make_user(Role.APPROVER), "Dicabut")
    elif case == "renewing":
        login(client, holder.email)
        _renew(client, issued.application_id)
    elif case == "expired":
        issued.valid_until = today - timedelta(days=1)
    elif case == "far":
        issued.valid_until = today + timedelta(days=61)
    else:
        holder.is_active_account = False
    db.session.commit()
    assert send_expiry_reminders(today).total == 0
    assert _mails(holder) == []


def test_the_command_sends_and_says_what_it_sent(app, holder, issued):
    issued.valid_until = clock.office_today() + timedelta(days=30)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["permits", "expiry-reminders"], catch_exceptions=False)
    second = runner.invoke(args=["permits", "expiry-reminders"], catch_exceptions=False)
    assert "1 at 30 days" in first.output and "(1 sent)" in first.output
    assert "(0 sent)" in second.output
    assert len(_mails(holder)) == 1
