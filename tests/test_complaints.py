"""Complaints (pengaduan) and information requests: filed with or without an account, a
number and an unguessable follow link, staff answers by email and on the follow page, a
tracking number linked without telling whether it exists; hostile input shown as text; spam
rate limited and caught by the honeypot."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from portal.auth.models import Role
from portal.calendar import clock
from portal.extensions import db
from portal.notifications.services import dispatch_queued
from portal.public import services
from portal.public.models import CaseKind, CaseStatus, Complaint, ComplaintAnswer
from tests.conftest import csrf_token, make_user, post_form
from tests.wizard_helpers import make_category, make_submitted

GOOD = {
    "name": "Siti Rahmawati",
    "email": "siti@example.test",
    "topic": "time",
    "tracking_number": "",
    "text": "Permohonan saya belum diproses.",
    "website": "",
}
CSRF_VALUE_RE = re.compile(r'name="csrf_token"[^>]*>')
FOLLOW_RE = re.compile(r"/complaints/follow/([A-Za-z0-9_-]+)")


def _file(client, **changes):
    return post_form(client, "/complaints", {**GOOD, **changes})


def _follow_path(client) -> str:
    page = client.get("/complaints/sent?lang=en").get_data(as_text=True)
    return FOLLOW_RE.search(page).group(0)


def test_visitor_files_a_complaint_and_follows_it(client, outbox):
    response = _file(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/complaints/sent")
    case = db.session.query(Complaint).one()
    year = clock.office_today().year
    assert re.fullmatch(rf"ADU-{year}-\d{{6}}", case.number)
    assert case.status is CaseStatus.RECEIVED
    assert case.user_id is None
    assert case.due_date == clock.add_working_days(clock.office_today(), 5)
    sent = client.get("/complaints/sent?lang=en").get_data(as_text=True)
    assert case.number in sent
    path = _follow_path(client)
    token = path.rsplit("/", 1)[1]
    assert token not in case.token_hash  # only the hash is stored
    page = client.application.test_client().get(path + "?lang=en").get_data(as_text=True)
    assert case.number in page
    assert "Received" in page
    assert "No answer yet" in page
    # the filer was emailed the number and the link
    [mail] = outbox.to("siti@example.test")
    assert case.number in mail["Subject"]
    assert path in outbox.body(mail)
    assert outbox.body(mail).count("http://portal.test/complaints/follow/") == 1


def test_staff_answer_is_emailed_and_shown_on_the_follow_page(client, outbox):
    with force_locale("en"):
        filed = services.file_case(
            name="Budi", email="budi@example.test", text="Lambat", topic="time", locale="en"
        )
    dispatch_queued()
    outbox.clear()
    staff = make_user(Role.HELPDESK)
    services.answer_case(filed.case, staff, "Sudah kami teruskan ke verifikator.", "in_progress")
    services.answer_case(filed.case, staff, "", "closed")  # a status change alone
    dispatch_queued()
    page = client.get(f"/complaints/follow/{filed.token}?lang=en").get_data(as_text=True)
    assert "Sudah kami teruskan ke verifikator." in page
    assert "Closed" in page
    [mail] = outbox.to("budi@example.test")
    assert "Sudah kami teruskan ke verifikator." in outbox.body(mail)
    assert mail["Subject"] == f"The office answered {filed.number}"


def test_staff_answer_through_the_desk(client, login_as):
    filed = services.file_case(name="Ani", email="ani@example.test", text="x", topic="staff")
    login_as(Role.ADMIN)
    desk = client.get("/staff/complaints?lang=en").get_data(as_text=True)
    assert filed.number in desk
    response = post_form(
        client,
        f"/staff/complaints/{filed.case.id}",
        {"text": "Mohon maaf, kami tindak lanjuti.", "status": "answered"},
    )
    assert response.status_code == 302
    assert filed.case.status is CaseStatus.ANSWERED
    assert filed.case.answered_at is not None
    assert db.session.query(ComplaintAnswer).count() == 1


def test_follow_link_with_unknown_or_altered_token_is_404(client):
    filed = services.file_case(name="Ani", email="ani@example.test", text="x", topic="other")
    assert client.get(f"/complaints/follow/{filed.token}").status_code == 200
    altered = filed.token[:-1] + ("A" if filed.token[-1] != "A" else "B")
    for token in (altered, "x" * 32, "short", filed.token + "x", "%00" + filed.token[3:], filed.case.number):
        assert client.get(f"/complaints/follow/{token}").status_code == 404, token


def test_tracking_number_is_linked_without_revealing_whether_it_exists(client):
    applicant = make_user(Role.APPLICANT)
    application = make_submitted(applicant, make_category())
    _file(client, tracking_number=application.tracking_number.lower())
    real_page = client.get("/complaints/sent").get_data(as_text=True)
    _file(client, tracking_number="SP-2099-999999")
    fake_page = client.get("/complaints/sent").get_data(as_text=True)
    real, fake = db.session.query(Complaint).order_by(Complaint.id).all()
    assert real.application_id == application.id
    assert fake.application_id is None

    # the filer sees the same page either way (only the number, the follow link and the
    # form token, which carries a timestamp, differ)
    def same(page, number):
        return CSRF_VALUE_RE.sub("", FOLLOW_RE.sub("", page.replace(number, "N")))

    assert same(real_page, real.number) == same(fake_page, fake.number)


def test_script_in_a_complaint_is_shown_as_text(client, login_as):
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    _file(client, name=evil[:100], text=evil, tracking_number="<b>x</b>")
    follow = client.get(_follow_path(client)).get_data(as_text=True)
    login_as(Role.HELPDESK)
    case = db.session.query(Complaint).one()
    desk = client.get(f"/staff/complaints/{case.id}").get_data(as_text=True)
    listing = client.get("/staff/complaints").get_data(as_text=True)
    for page in (follow, desk, listing):
        assert "<script>alert" not in page
        assert "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
        assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in follow
    assert "&lt;script&gt;" in desk


def test_complaint_spam_is_rate_limited_per_address(app, client):
    app.config["COMPLAINT_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        for _ in range(3):
            assert _file(client).status_code == 302
        blocked = _file(client)
        assert blocked.status_code == 429
        assert db.session.query(Complaint).count() == 3
        # another address is not blocked
        other = app.test_client()
        response = post_form(other, "/complaints", GOOD, environ_base={"REMOTE_ADDR": "203.0.113.9"})
        assert response.status_code == 302
    finally:
        app.config.pop("COMPLAINT_LIMIT_PER_ADDRESS")


def test_a_form_with_errors_does_not_use_up_the_limit(app, client):
    app.config["COMPLAINT_LIMIT_PER_ADDRESS"] = "2 per hour"
    try:
        for _ in range(4):
            assert _file(client, email="not an email").status_code == 200
        assert _file(client).status_code == 302
    finally:
        app.config.pop("COMPLAINT_LIMIT_PER_ADDRESS")


def test_honeypot_gets_the_same_thank_you_page_but_nothing_is_stored(client, outbox):
    response = _file(client, website="http://spam.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/complaints/sent")
    page = client.get("/complaints/sent?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r"ADU-\d{4}-\d{6}", html)
    assert "Thank you" in html
    assert db.session.query(Complaint).count() == 0
    assert outbox.messages == []
    assert client.get(_follow_path(client)).status_code == 404


def test_honeypot_field_is_hidden_and_labelled_for_people(client):
    html = client.get("/complaints?lang=en").get_data(as_text=True)
    block = html[html.index('<div class="visually-hidden"') :]
    assert "Leave this field empty" in block[:400]
    assert 'name="website"' in block[:400]
    assert 'tabindex="-1"' in block[:400]


def test_information_request_is_tracked_like_a_complaint(client, outbox):
    response = post_form(
        client,
        "/information/request",
        {
            "name": "Rudi",
            "email": "rudi@example.test",
            "text": "Mohon data jumlah izin reklame 2025.",
            "website": "",
        },
    )
    assert response.status_code == 302
    case = db.session.query(Complaint).one()
    assert case.kind is CaseKind.INFORMATION
    assert case.number.startswith("PPID-")
    assert client.get(_follow_path(client)).status_code == 200
    assert outbox.to("rudi@example.test")


def test_information_request_honeypot_stores_nothing(client):
    response = post_form(
        client,
        "/information/request",
        {"name": "Bot", "email": "bot@example.test", "text": "buy", "website": "x"},
    )
    assert response.status_code == 302
    assert db.session.query(Complaint).count() == 0


@pytest.mark.parametrize("missing", ["name", "email", "text"])
def test_missing_fields_are_named(client, missing):
    response = _file(client, **{missing: ""})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)
    assert db.session.query(Complaint).count() == 0


def test_logged_in_applicant_complaint_is_linked_to_their_account(client, login_as):
    user = login_as(Role.APPLICANT)
    page = client.get("/complaints").get_data(as_text=True)
    assert user.email in page  # prefilled
    post_form(client, "/complaints", {**GOOD, "email": user.email, "name": user.full_name})
    assert db.session.query(Complaint).one().user_id == user.id
    assert csrf_token(page)
