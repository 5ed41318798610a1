"""Notifications: the email and the in-app notice for every change the applicant should know
of, the officer's notice when a flagged application is resubmitted, emails in the recipient's
language, the bell and the notices page (own notices only, keyset pages), and inline sending
through a real SMTP server."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role
from portal.backoffice import services as office
from portal.extensions import db
from portal.notifications.models import Notice, OutboxEmail, OutboxState
from portal.notifications.services import add_notice, dispatch_queued
from tests.conftest import csrf_token, make_user
from tests.wizard_helpers import make_category, make_submitted

BASE = "http://portal.test"  # config.Test.BASE_URL


@pytest.fixture
def category():
    return make_category()


@pytest.fixture
def applicant():
    return make_user(Role.APPLICANT, locale="en", full_name="Rina Wulandari")


@pytest.fixture
def officer():
    return make_user(Role.OFFICER, locale="en", full_name="Budi Verifikator")


@pytest.fixture
def approver():
    return make_user(Role.APPROVER, locale="en", full_name="Sri Kepala")


def _submitted(applicant, category):
    application = make_submitted(applicant, category)
    dispatch_queued()
    return application


def _mail(outbox, user, subject_start: str):
    """The one email to ``user`` whose subject starts with ``subject_start``, and its body."""
    found = [m for m in outbox.to(user.email) if m["Subject"].startswith(subject_start)]
    assert len(found) == 1, [m["Subject"] for m in outbox.to(user.email)]
    return found[0], outbox.body(found[0]).replace("\r\n", "\n")


def _notices(user) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


def _in_review(application, officer):
    office.start_review(application, officer, None)
    dispatch_queued()


def _recommended(application, officer):
    _in_review(application, officer)
    workflow.transition(application, S.RECOMMENDED, officer, visible_to_applicant=False)
    db.session.commit()


# -- one test per change the applicant should know of ------------------------------------------
def test_submitted_email_and_notice(applicant, category, outbox):
    application = _submitted(applicant, category)
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Application received")
    assert message["Subject"] == f"Application received: {number}"
    assert body.startswith("Hello Rina Wulandari,")
    assert f"Your tracking number is {number}." in body
    assert f"{BASE}/applications/{application.id}" in body
    [notice] = _notices(applicant)
    assert notice.text == f"Application received: {number}"
    assert notice.link == f"/applications/{application.id}"
    assert notice.read_at is None


def test_in_review_email_and_notice(applicant, officer, category, outbox):
    application = _submitted(applicant, category)
    _in_review(application, officer)
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Your application")
    assert message["Subject"] == f"Your application {number} is being reviewed"
    assert f"An officer has started to check your application {number}." in body
    assert [n.text for n in _notices(applicant)][-1] == f"Your application {number} is being reviewed"


def test_corrections_requested_email_carries_the_message(applicant, officer, category, outbox):
    application = _submitted(applicant, category)
    _in_review(application, officer)
    text = "The business name must match the deed of establishment."
    app_services.request_correction(
        application,
        officer,
        text,
        fields=[{"key": "business_name", "reason": "Not as in the deed"}],
        documents=[],
    )
    dispatch_queued()
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Please correct")
    assert message["Subject"] == f"Please correct your application {number}"
    assert text in body
    assert "fix only the items that are marked" in body
    notice = _notices(applicant)[-1]
    assert notice.text == f"Please correct your application {number}"
    assert notice.link == f"/applications/{application.id}"


def test_approved_email_has_the_permit_number_and_a_working_link(
    client, applicant, officer, approver, category, outbox
):
    from portal.permits.services import permit_for_application

    application = _submitted(applicant, category)
    _recommended(application, officer)
    office.decide(application, approver, "approve", "", None)
    dispatch_queued()
    permit = permit_for_application(application.id)
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Your permit is ready")
    assert message["Subject"] == f"Your permit is ready: {number}"
    assert f"Permit number: {permit.number}" in body
    link = f"{BASE}/applications/{application.id}/permit.pdf"
    assert link in body
    assert _notices(applicant)[-1].text == f"Your permit is ready: {number}"
    # the mailed link downloads the certificate for the applicant
    from tests.conftest import login

    assert login(client, applicant.email).status_code == 302
    response = client.get(link.removeprefix(BASE))
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")


def test_rejected_email_carries_the_reason(applicant, officer, approver, category, outbox):
    application = _submitted(applicant, category)
    _recommended(application, officer)
    reason = "The site is in a zone where this business is not allowed."
    office.decide(application, approver, "reject", reason, None)
    dispatch_queued()
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Decision on")
    assert message["Subject"] == f"Decision on your application {number}"
    assert "has been rejected. Reason:" in body
    assert reason in body
    assert _notices(applicant)[-1].text == f"Decision on your application {number}"


def test_withdrawn_email_and_notice(applicant, category, outbox):
    application = _submitted(applicant, category)
    app_services.withdraw(application, applicant)
    db.session.commit()  # services flush; the caller commits, and the outbox hands on what committed
    dispatch_queued()
    number = application.tracking_number
    message, body = _mail(outbox, applicant, "Application withdrawn")
    assert message["Subject"] == f"Application withdrawn: {number}"
    assert f"Your application {number} has been withdrawn as you asked." in body
    assert _notices(applicant)[-1].text == f"Application withdrawn: {number}"


def test_a_discarded_draft_sends_nothing(applicant, category, outbox):
    application = app_services.start_application(applicant, category)
    db.session.commit()
    app_services.withdraw(application, applicant)
    dispatch_queued()
    assert outbox.to(applicant.email) == []
    assert _notices(applicant) == []


# -- officers ------------------------------------------------------------------------------------
def _flag_and_resubmit(application, applicant, officer):
    _in_review(application, officer)
    app_services.request_correction(
        application,
        officer,
        "Fix the business name.",
        fields=[{"key": "business_name", "reason": "Typo"}],
        documents=[],
    )
    app_services.resubmit(application, applicant)
    dispatch_queued()


def test_assigned_officer_is_told_when_a_flagged_application_is_resubmitted(category, officer, outbox):
    applicant = make_user(Role.APPLICANT, locale="id")
    application = _submitted(applicant, category)
    _flag_and_resubmit(application, applicant, officer)
    assert application.status is S.RESUBMITTED
    assert application.assigned_officer_id == officer.id
    number = application.tracking_number
    message, body = _mail(outbox, officer, "Corrections to check")
    # the officer reads English although the applicant's language is Indonesian
    assert message["Subject"] == f"Corrections to check: {number}"
    assert body.startswith("Hello Budi Verifikator,")
    assert f"{BASE}/office/applications/{application.id}" in body
    [notice] = _notices(officer)
    assert notice.text == f"Corrections to check: {number}"
    assert notice.link == f"/office/applications/{application.id}"


def test_officer_email_is_in_the_officers_language(category, outbox):
    officer = make_user(Role.OFFICER, locale="id", full_name="Budi Verifikator")
    applicant = make_user(Role.APPLICANT, locale="en")
    application = _submitted(applicant, category)
    _flag_and_resubmit(application, applicant, officer)
    [message] = outbox.to(officer.email)
    assert outbox.body(message).startswith("Halo Budi Verifikator,")


def test_no_officer_email_when_nobody_is_assigned(applicant, officer, category, outbox):
    application = _submitted(applicant, category)
    workflow.transition(application, S.IN_REVIEW, officer)  # not claimed: nobody assigned
    db.session.commit()
    app_services.request_correction(
        application, officer, "Fix it.", fields=[{"key": "business_name", "reason": "Typo"}], documents=[]
    )
    app_services.resubmit(application, applicant)
    dispatch_queued()
    assert application.assigned_officer_id is None
    assert outbox.to(officer.email) == []
    assert _notices(officer) == []
    assert len(outbox.to(applicant.email)) == 4  # the applicant still hears of every step


# -- the recipient's language ------------------------------------------------------------------
def test_english_applicant_gets_english_and_indonesian_applicant_does_not(category, outbox):
    english = make_user(Role.APPLICANT, locale="en", full_name="Ani English")
    indonesian = make_user(Role.APPLICANT, locale="id", full_name="Ani Indonesia")
    first = _submitted(english, category)
    second = _submitted(indonesian, category)
    message, body = _mail(outbox, english, "Application received")
    assert body.startswith(
        "Hello Ani English,\n\nWe have received your application. Your "
        f"tracking number is {first.tracking_number}."
    )
    [other] = outbox.to(indonesian.email)
    other_body = outbox.body(other)
    assert other_body.startswith("Halo Ani Indonesia,")
    assert "Hello" not in other_body
    assert second.tracking_number in other_body


def test_emails_follow_the_recipient_not_the_page_language(app, client, login_as, category, outbox):
    """An officer working in Indonesian starts the review; the English applicant reads English."""
    applicant = make_user(Role.APPLICANT, locale="en")
    application = _submitted(applicant, category)
    login_as(Role.OFFICER, locale="id")
    page = client.get(f"/office/applications/{application.id}?lang=id").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/office/applications/{application.id}/start",
        data={"csrf_token": csrf_token(page), "version": version},
    )
    assert response.status_code == 302
    [message] = [m for m in outbox.to(applicant.email) if "reviewed" in m["Subject"]]
    assert message["Subject"] == f"Your application {application.tracking_number} is being reviewed"


# -- the bell and the notices page -------------------------------------------------------------
def test_notices_page_needs_a_login(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_bell_shows_the_unread_count_and_mark_all_read_clears_it(client, login_as):
    user = login_as(locale="en")
    for n in range(3):
        add_notice(user.id, f"Notice number {n}", f"{BASE}/applications/{n + 1}")
    db.session.commit()
    page = client.get("/dashboard?lang=en").get_data(as_text=True)
    assert "Notifications (3)" in page
    listing = client.get("/notifications?lang=en").get_data(as_text=True)
    assert listing.index("Notice number 2") < listing.index("Notice number 0")  # newest first
    assert 'href="/applications/3">Notice number 2</a>' in listing  # links to its target
    response = client.post("/notifications/read", data={"csrf_token": csrf_token(listing)})
    assert response.status_code == 302
    assert "Notifications (0)" in client.get("/dashboard?lang=en").get_data(as_text=True)
    assert all(n.read_at is not None for n in _notices(user))


def test_the_bell_costs_one_count_query_per_page(app, client, login_as):
    user = login_as(locale="en")
    for n in range(30):
        add_notice(user.id, f"Notice {n}")
    db.session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get("/dashboard?lang=en").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert "Notifications (30)" in page
    notice_queries = [s for s in statements if "notices" in s]
    assert len(notice_queries) == 1
    assert "count(" in notice_queries[0].lower()


def test_no_bell_for_visitors(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Notifications (" not in page


def test_only_own_notices_are_listed(client, login_as):
    other = make_user(Role.APPLICANT)
    add_notice(other.id, "Secret notice of someone else", "/applications/999")
    me = login_as(locale="en")
    add_notice(me.id, "My own notice")
    db.session.commit()
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "My own notice" in page
    assert "Secret notice of someone else" not in page
    assert "Notifications (1)" in page


def test_another_users_notice_cannot_be_marked_read(client, login_as):
    other = make_user(Role.APPLICANT)
    theirs = add_notice(other.id, "Someone else's notice")
    me = login_as(locale="en")
    mine = add_notice(me.id, "Mine")
    db.session.commit()
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    response = client.post("/notifications/read", data={"csrf_token": token, "notice_id": theirs.id})
    assert response.status_code == 404
    db.session.refresh(theirs)
    db.session.refresh(mine)
    assert theirs.read_at is None
    assert mine.read_at is None


def test_one_own_notice_can_be_marked_read(client, login_as):
    me = login_as(locale="en")
    first, second = add_notice(me.id, "First"), add_notice(me.id, "Second")
    db.session.commit()
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    response = client.post("/notifications/read", data={"csrf_token": token, "notice_id": first.id})
    assert response.status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.read_at is not None
    assert second.read_at is None


@pytest.mark.parametrize("bad_id", ["abc", "-1", "0", "99999999999", "1 OR 1=1", "١"])
def test_malformed_notice_ids_are_404(client, login_as, bad_id):
    me = login_as(locale="en")
    mine = add_notice(me.id, "Mine")
    db.session.commit()
    token = csrf_token(client.get("/notifications").get_data(as_text=True))
    response = client.post("/notifications/read", data={"csrf_token": token, "notice_id": bad_id})
    assert response.status_code == 404
    db.session.refresh(mine)
    assert mine.read_at is None


def test_mark_read_needs_the_csrf_token(client, login_as):
    me = login_as(locale="en")
    mine = add_notice(me.id, "Mine")
    db.session.commit()
    response = client.post("/notifications/read", data={})
    assert response.status_code == 400
    db.session.refresh(mine)
    assert mine.read_at is None


def test_notices_page_by_keyset(client, login_as):
    me = login_as(locale="en")
    for n in range(25):
        add_notice(me.id, f"Notice #{n:02d}")
    db.session.commit()
    first = client.get("/notifications?lang=en").get_data(as_text=True)
    shown = re.findall(r"Notice #(\d\d)", first)
    assert shown == [f"{n:02d}" for n in range(24, 4, -1)]  # 20 newest
    cursor = re.search(r'href="/notifications\?before=(\d+)"', first).group(1)
    second = client.get(f"/notifications?before={cursor}&lang=en").get_data(as_text=True)
    assert re.findall(r"Notice #(\d\d)", second) == ["04", "03", "02", "01", "00"]
    assert 'href="/notifications?before=' not in second  # the last page


@pytest.mark.parametrize("cursor", ["abc", "-5", "0", "1e3", "99999999999", "1%20OR%201=1", "1'--"])
def test_malformed_cursor_is_400(client, login_as, cursor):
    login_as(locale="en")
    assert client.get(f"/notifications?before={cursor}").status_code == 400


def test_a_cursor_past_the_end_is_an_empty_page(client, login_as):
    me = login_as(locale="en")
    add_notice(me.id, "Only one")
    db.session.commit()
    page = client.get("/notifications?before=1&lang=en").get_data(as_text=True)
    assert "Only one" not in page
    assert "You have no notifications." in page


def test_script_in_a_notice_is_escaped(client, login_as):
    me = login_as(locale="en")
    add_notice(me.id, "<script>alert(1)</script>", "javascript:alert(1)")
    db.session.commit()
    page = client.get("/notifications?lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:" not in page


# -- inline sending through a real SMTP server ------------------------------------------------
def test_inline_mode_sends_after_the_request_once_in_the_recipients_language(
    app, client, login_as, category, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    applicant = make_user(Role.APPLICANT, locale="en", full_name="Rina Wulandari")
    application = make_submitted(applicant, category)
    dispatch_queued()
    smtp_server.envelopes.clear()
    login_as(Role.OFFICER, locale="id")
    page = client.get(f"/office/applications/{application.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = client.post(
        f"/office/applications/{application.id}/start",
        data={"csrf_token": csrf_token(page), "version": version},
    )
    assert response.status_code == 302
    [message] = smtp_server.messages()  # sent by the time the response is back, exactly once
    assert message["To"] == f"Rina Wulandari <{applicant.email}>"
    assert message["Subject"] == f"Your application {application.tracking_number} is being reviewed"
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Hello Rina Wulandari,")
    row = db.session.scalars(
        select(OutboxEmail).where(OutboxEmail.user_id == applicant.id).order_by(OutboxEmail.id.desc())
    ).first()
    assert row.state is OutboxState.SENT
    assert row.attempts == 1
    client.get("/dashboard")  # later requests do not send it again
    assert len(smtp_server.envelopes) == 1
