"""Co-applicants (issue 18, item 3): a category can require a second party (the land owner for a
PBG) to confirm; they are invited by a one-time link and the office cannot review the
application before they confirm. Hostile inputs: a reused, expired, or other account's link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, CoApplicant, CoApplicantState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.backoffice import services as office
from portal.db import utcnow
from portal.extensions import db
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
