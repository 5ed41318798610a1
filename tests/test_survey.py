"""The satisfaction survey (SKM): offered to the applicant on their approved application's
page, answered once per application (a second answer is refused with a clear message), and
only by the owner of an approved application."""

from __future__ import annotations

import itertools

import pytest
from flask_babel import force_locale

from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.extensions import db
from portal.public import skm
from portal.public.models import SurveyResponse
from tests.conftest import csrf_token, login, make_user
from tests.wizard_helpers import make_category, make_submitted

ANSWERS = {f"u{i}": "3" for i in range(1, 10)} | {"u4": "4", "suggestion": "Sudah baik."}
_slugs = itertools.count(1)


def approved_application(applicant: User | None = None, category=None):
    """A submitted application taken through review and approval by staff (permit issued)."""
    applicant = applicant or make_user(Role.APPLICANT)
    category = category or make_category(slug=f"survey-{next(_slugs)}")
    application = make_submitted(applicant, category)
    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    return application


def _post_survey(client, application_id, data=ANSWERS):
    page = client.get(f"/survey/{application_id}")
    return client.post(
        f"/survey/{application_id}?lang=en",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
    )


@pytest.fixture
def owner_and_application(client):
    applicant = make_user(Role.APPLICANT, locale="en")
    application = approved_application(applicant)
    assert login(client, applicant.email).status_code == 302
    return applicant, application


def test_applicant_is_offered_the_survey_and_answers_it(client, owner_and_application):
    applicant, application = owner_and_application
    detail = client.get(f"/applications/{application.id}?lang=en").get_data(as_text=True)
    assert "survey-offer" in detail
    assert f"/survey/{application.id}" in detail
    form = client.get(f"/survey/{application.id}?lang=en").get_data(as_text=True)
    assert "How well do the service requirements match the type of service?" in form
    assert form.count('type="radio"') == 9 * 4
    response = _post_survey(client, application.id)
    assert response.status_code == 302
    row = db.session.query(SurveyResponse).one()
    assert (row.application_id, row.category_id, row.respondent_id) == (
        application.id,
        application.category_id,
        applicant.id,
    )
    assert [getattr(row, u) for u in skm.SKM_ELEMENTS] == [3, 3, 3, 4, 3, 3, 3, 3, 3]
    assert row.suggestion == "Sudah baik."
    detail = client.get(f"/applications/{application.id}?lang=en").get_data(as_text=True)
    assert "survey-offer" not in detail


def test_survey_sent_twice_for_one_application_is_refused(client, owner_and_application):
    _, application = owner_and_application
    page = client.get(f"/survey/{application.id}")
    token = csrf_token(page.get_data(as_text=True))
    first = client.post(f"/survey/{application.id}", data={"csrf_token": token, **ANSWERS})
    second = client.post(
        f"/survey/{application.id}?lang=en", data={"csrf_token": token, **ANSWERS, "u1": "1"}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "You have already answered the satisfaction survey for this application" in second.get_data(
        as_text=True
    )
    assert db.session.query(SurveyResponse).count() == 1
    assert db.session.query(SurveyResponse).one().u1 == 3


def test_second_answer_is_refused_by_the_service_too():
    application = approved_application()
    owner = db.session.get(User, application.applicant_id)
    scores = {u: 2 for u in skm.SKM_ELEMENTS}
    skm.submit_survey(application, owner, scores)
    with force_locale("en"), pytest.raises(skm.SurveyError, match="already answered"):
        skm.submit_survey(application, owner, scores)
    assert db.session.query(SurveyResponse).count() == 1


def test_the_unique_constraint_holds_when_the_check_is_skipped():
    from sqlalchemy.exc import IntegrityError

    application = approved_application()
    row = dict(
        application_id=application.id,
        category_id=application.category_id,
        year=2026,
        month=1,
        **{u: 3 for u in skm.SKM_ELEMENTS},
    )
    db.session.add(SurveyResponse(**row))
    db.session.commit()
    db.session.add(SurveyResponse(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_another_applicant_gets_404(client):
    application = approved_application()
    stranger = make_user(Role.APPLICANT)
    assert login(client, stranger.email).status_code == 302
    assert client.get(f"/survey/{application.id}").status_code == 404
    token = csrf_token(client.get("/complaints").get_data(as_text=True))
    assert client.post(f"/survey/{application.id}", data={"csrf_token": token, **ANSWERS}).status_code == 404
    assert db.session.query(SurveyResponse).count() == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN, Role.HELPDESK])
def test_staff_cannot_answer_for_the_applicant(client, role):
    application = approved_application()
    staff = make_user(role)
    assert login(client, staff.email).status_code == 302
    assert client.get(f"/survey/{application.id}").status_code == 404


def test_no_survey_before_approval(client):
    applicant = make_user(Role.APPLICANT)
    application = make_submitted(applicant, make_category(slug="not-yet"))
    assert login(client, applicant.email).status_code == 302
    assert client.get(f"/survey/{application.id}").status_code == 404
    detail = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "survey-offer" not in detail


def test_anonymous_visitor_is_sent_to_login(client):
    application = approved_application()
    response = client.get(f"/survey/{application.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_score_outside_1_to_4_is_refused(client, owner_and_application):
    _, application = owner_and_application
    response = _post_survey(client, application.id, {**ANSWERS, "u3": "5"})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)
    missing = _post_survey(client, application.id, {k: v for k, v in ANSWERS.items() if k != "u9"})
    assert "Choose one answer." in missing.get_data(as_text=True)
    assert db.session.query(SurveyResponse).count() == 0
