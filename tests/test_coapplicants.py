"""Co-applicants (issue 18, item 3): a category can require a second party (the land owner for a
PBG) to confirm; they are invited by a one-time link and the office cannot review the
application before they confirm. Hostile inputs: a reused, expired, or other account's link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, CoApplicant, CoApplicantState
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import coapplicants
from portal.auth.models import Role, User
from portal.backoffice import services as office
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import Notice
from tests.conftest import login, make_user, post_form
from tests.factories import VALID_ANSWERS, add_document, make_category

OWNER_EMAIL = "pemilik.tanah@example.test"


@pytest.fixture
def pbg():
    return make_category(
        slug="test-pbg", co_applicant_role_id="Pemilik tanah", co_applicant_role_en="Land owner"
    )


def _submitted(category, applicant: User) -> Application:
    application = app_services.start_application(applicant, category)
    application.answers = dict(VALID_ANSWERS)
    application.completed_pages = ["business", "location"]
    db.session.commit()
    add_document(application)
    app_services.submit(application, applicant, declaration=True)
    return application


def _invited(app, pbg, outbox) -> tuple[Application, User, str]:
    """An applicant submitted a PBG and invited the land owner through the detail page."""
    applicant = make_user(Role.APPLICANT, locale="en")
    application = _submitted(pbg, applicant)
    client = app.test_client()
    assert login(client, applicant.email).status_code == 302
    page = f"/applications/{application.id}"
    assert "Land owner" in client.get(page).get_data(as_text=True)
    response = post_form(client, f"{page}/co-applicant", {"email": OWNER_EMAIL}, page=page)
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert f"Waiting for {OWNER_EMAIL} to confirm" in html
    return application, applicant, urlsplit(outbox.last_link(OWNER_EMAIL, "/co-applicant/")).path


def _owner_client(app, email: str = OWNER_EMAIL):
    make_user(Role.APPLICANT, email=email, locale="en")
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def test_land_owner_confirms_a_pbg_application_through_the_link(app, pbg, outbox):
    application, applicant, link = _invited(app, pbg, outbox)
    owner = _owner_client(app)
    page = owner.get(link)
    assert page.status_code == 200, page.headers.get("Location")
    assert applicant.full_name in page.get_data(as_text=True)
    response = post_form(owner, link, {"confirm": "Confirm"})
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.scalars(select(CoApplicant)).one()
    assert row.state is CoApplicantState.CONFIRMED
    # the office may now review it, and the applicant sees the confirmation
    office.start_review(application, make_user(Role.OFFICER), application.version)
    db.session.commit()
    assert db.session.get_one(Application, application.id).status is S.IN_REVIEW
    client = app.test_client()
    login(client, applicant.email)
    assert f"{OWNER_EMAIL} confirmed the application" in client.get(
        f"/applications/{application.id}"
    ).get_data(as_text=True)


def test_application_cannot_be_reviewed_before_the_co_applicant_confirms(app, pbg, outbox):
    application, _applicant, _link = _invited(app, pbg, outbox)
    officer = make_user(Role.OFFICER)
    with pytest.raises(workflow.TransitionNotAllowed, match="waits for its co-applicant"):
        office.start_review(application, officer, application.version)
    db.session.rollback()
    assert db.session.get_one(Application, application.id).status is S.SUBMITTED


def test_a_used_link_is_refused(app, pbg, outbox):
    _application, _applicant, link = _invited(app, pbg, outbox)
    owner = _owner_client(app)
    assert post_form(owner, link, {"confirm": "Confirm"}).status_code == 302
    again = owner.get(link)
    assert again.status_code == 403
    assert "already used" in again.get_data(as_text=True)
    # a second answer posted with an old form changes nothing either
    assert (
        post_form(owner, link, {"decline": "Decline", "reason": "no"}, page="/dashboard").status_code == 403
    )
    db.session.expire_all()
    assert db.session.scalars(select(CoApplicant)).one().state is CoApplicantState.CONFIRMED


def test_an_expired_link_is_refused(app, pbg, outbox):
    _application, _applicant, link = _invited(app, pbg, outbox)
    row = db.session.scalars(select(CoApplicant)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    owner = _owner_client(app)
    response = owner.get(link)
    assert response.status_code == 403
    assert "expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["stranger", "applicant"])
def test_a_link_opened_by_another_account_is_refused(app, pbg, outbox, who):
    application, applicant, link = _invited(app, pbg, outbox)
    if who == "stranger":
        client = _owner_client(app, "orang.lain@example.test")
    else:
        client = app.test_client()
        login(client, applicant.email)
    response = client.get(link)
    assert response.status_code == 403
    assert "sent to another email address" in response.get_data(as_text=True)
    assert post_form(client, link, {"confirm": "Confirm"}, page="/dashboard").status_code == 403
    db.session.expire_all()
    assert db.session.scalars(select(CoApplicant)).one().state is CoApplicantState.PENDING


def test_a_link_with_a_made_up_token_is_refused(app, pbg, outbox):
    _invited(app, pbg, outbox)
    owner = _owner_client(app)
    assert owner.get("/co-applicant/not-a-real-token").status_code == 403


def test_a_decline_returns_to_the_applicant_with_the_reason(app, pbg, outbox):
    application, applicant, link = _invited(app, pbg, outbox)
    owner = _owner_client(app)
    refused = post_form(owner, link, {"decline": "Decline", "reason": ""})
    assert refused.status_code == 400
    assert "Write why you decline" in refused.get_data(as_text=True)
    assert (
        post_form(owner, link, {"decline": "Decline", "reason": "Tanah ini bukan milik saya"}).status_code
        == 302
    )
    client = app.test_client()
    login(client, applicant.email)
    html = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Tanah ini bukan milik saya" in html
    assert "Send the invitation" in html  # she may invite someone else
    with pytest.raises(workflow.TransitionNotAllowed):
        office.start_review(application, make_user(Role.OFFICER), application.version)


# -- issue 18 follow-ups: the applicant is told of the answer; re-invitations are limited -----
def _mail_to(outbox, address: str) -> list:
    return [m for m in outbox.messages if address in m["To"]]


REASON = "Tanah ini bukan milik saya"


@pytest.mark.parametrize(
    ("answer", "locale", "notice", "subject"),
    [
        ({"confirm": "Confirm"}, "en", "confirmed your application", "Co-applicant confirmed"),
        ({"confirm": "Confirm"}, "id", "mengonfirmasi permohonan Anda", "Pemohon pendamping mengonfirmasi"),
        (
            {"decline": "Decline", "reason": REASON},
            "en",
            "declined to confirm your application",
            "Co-applicant declined",
        ),
        (
            {"decline": "Decline", "reason": REASON},
            "id",
            "menolak mengonfirmasi permohonan Anda",
            "Pemohon pendamping menolak",
        ),
    ],
)
def test_the_applicant_is_told_in_app_and_by_email_when_the_co_applicant_answers(
    app, pbg, outbox, answer, locale, notice, subject
):
    """In her own language (the co-applicant's pages are in English here), with the reason of a
    decline and the link to the application."""
    application, applicant, link = _invited(app, pbg, outbox)
    applicant.locale = locale
    db.session.commit()
    before = len(_mail_to(outbox, applicant.email))
    assert post_form(_owner_client(app), link, answer).status_code == 302
    [text] = db.session.scalars(
        select(Notice.text).where(Notice.user_id == applicant.id, Notice.text.contains(OWNER_EMAIL))
    ).all()
    assert notice in text and application.tracking_number in text
    mails = _mail_to(outbox, applicant.email)[before:]
    assert len(mails) == 1 and subject in mails[0]["Subject"]
    body = outbox.body(mails[0])
    assert OWNER_EMAIL in body and f"/applications/{application.id}" in body
    assert (REASON in body) == ("decline" in answer)


def _decline_latest(application: Application) -> None:
    db.session.execute(
        update(CoApplicant)
        .where(CoApplicant.application_id == application.id, CoApplicant.state == CoApplicantState.PENDING)
        .values(state=CoApplicantState.DECLINED, reason="bukan saya", answered_at=utcnow())
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "invited a co-applicant 5 times in the last 24 hours"),
        ("id", "mengundang pemohon pendamping 5 kali dalam 24 jam terakhir"),
    ],
)
def test_at_most_five_invitations_a_day_per_application(app, pbg, outbox, lang, message):
    applicant = make_user(Role.APPLICANT, locale=lang)
    application = _submitted(pbg, applicant)
    for n in range(5):
        coapplicants.invite(application, applicant, f"pemilik{n}@example.test")
        db.session.commit()
        _decline_latest(application)
    client = app.test_client()
    assert login(client, applicant.email).status_code == 302
    page = f"/applications/{application.id}"
    for email in ("pemilik9@example.test", "PEMILIK0@example.test"):  # a new one, or one already asked
        response = post_form(client, f"{page}/co-applicant?lang={lang}", {"email": email}, page=page)
        assert response.status_code == 302
        assert message in client.get(f"{page}?lang={lang}").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CoApplicant)) == 5
    assert not _mail_to(outbox, "pemilik9@example.test")  # no link went out
    # A day later the oldest no longer counts: she may invite again.
    db.session.execute(
        update(CoApplicant)
        .where(CoApplicant.application_id == application.id)
        .values(created_at=utcnow() - timedelta(hours=25))
    )
    db.session.commit()
    assert (
        post_form(client, f"{page}/co-applicant", {"email": "pemilik9@example.test"}, page=page).status_code
        == 302
    )
    assert len(_mail_to(outbox, "pemilik9@example.test")) == 1
