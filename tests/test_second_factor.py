"""Staff two-step login (issue 18, item 5): TOTP enrolment with a QR code, recovery codes shown
once, the code after the password, a remembered device (12 hours at most), the admin's reset,
the demo accounts' published secret, and each bad input: a replayed code, 5 wrong codes, a
reused recovery code, a staff URL posted to after the password only, another account's code, a
code with letters, an empty code."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from portal.applications.models import ApplicationStatus as S
from portal.applications.models import Document
from portal.audit.models import AdminAuditEvent
from portal.auth import second_factor
from portal.auth.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from portal.auth.models import Role, User
from portal.auth.second_factor_models import RecoveryCode, SecondFactor
from portal.auth.second_factor_views import DEVICE_COOKIE
from portal.backoffice import services as office
from portal.db import utcnow
from portal.extensions import db
from portal.seed import _seed_users
from tests.conftest import csrf_token, login, make_user, post_form, totp_code
from tests.factories import make_category, make_submitted

ROOT = Path(__file__).resolve().parents[1]


def _text(response) -> str:
    return response.get_data(as_text=True)


def _code_page(client, code: str):
    return post_form(client, "/login/code?lang=en", {"code": code}, page="/login/code?lang=en")


def _secret(user: User) -> str:
    return db.session.get(SecondFactor, user.id).secret


def _wrong_code(secret: str) -> str:
    """Six digits that are none of the codes the secret makes around now."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(utcnow())
    valid = {totp.generate_otp(step + offset) for offset in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(1000, 10**6, 7919)) if c not in valid)


@pytest.fixture
def recommended():
    """An application an officer recommended for approval: the approver's decision waits."""
    application = make_submitted(make_user(Role.APPLICANT), make_category())
    officer = make_user(Role.OFFICER)
    office.start_review(application, officer, application.version)
    documents = db.session.scalars(select(Document).where(Document.application_id == application.id))
    for document in documents.all():
        office.set_document_verdict(application, document.id, officer, True)
    office.recommend(application, officer, "approve", "", application.version)
    db.session.commit()
    assert application.status is S.RECOMMENDED
    return application


# --- 2FA skipped: every staff URL refuses a password-only session -----------------------------


def test_after_the_password_only_every_staff_url_refuses(client, recommended):
    approver = make_user(Role.APPROVER)
    response = login(client, approver.email, password_only=True)
    assert response.headers["Location"].endswith("/login/code")
    token = csrf_token(_text(client.get("/login/code")))
    # posting straight to the approval, with a valid CSRF token of this browser
    decided = client.post(
        f"/office/applications/{recommended.id}/decide",
        data={"csrf_token": token, "version": recommended.version, "decision": "approve"},
    )
    assert decided.status_code == 302 and "/login" in decided.headers["Location"]
    db.session.refresh(recommended)
    assert recommended.status is S.RECOMMENDED and recommended.decided_at is None
    for url in ("/office/queue", f"/office/applications/{recommended.id}", "/admin/", "/helpdesk/"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    # after the code, the same approver decides
    assert _code_page(client, totp_code(approver.email)).status_code == 302
    assert client.get("/office/queue").status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICER, Role.APPROVER, Role.HELPDESK, Role.ADMIN])
def test_every_staff_role_needs_the_second_step(client, role):
    user = make_user(role)
    response = login(client, user.email, password_only=True)
    assert response.headers["Location"].endswith("/login/code")


def test_an_applicant_logs_in_with_the_password_alone(client):
    user = make_user(Role.APPLICANT)
    response = login(client, user.email)
    assert response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200


def test_a_staff_role_given_to_a_logged_in_applicant_needs_the_second_step(client):
    user = make_user(Role.APPLICANT)
    login(client, user.email)
    assert client.get("/dashboard").status_code == 200
    office_user = db.session.get(User, user.id)
    office_user.roles.append(type(office_user.roles[0])(role=Role.OFFICER))
    db.session.commit()
    assert client.get("/office/queue").status_code == 302  # the old session is not a staff one


def test_the_code_prompt_without_a_password_sends_to_login(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_the_code_prompt_waits_a_limited_time(app, client):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    token = csrf_token(_text(client.get("/login/code")))
    app.config["SECOND_FACTOR_PENDING"] = timedelta(seconds=-1)
    try:
        response = client.post("/login/code", data={"csrf_token": token, "code": totp_code(user.email)})
    finally:
        app.config["SECOND_FACTOR_PENDING"] = timedelta(minutes=10)
    assert response.headers["Location"].endswith("/login")
    assert client.get("/office/queue").status_code == 302


# --- enrolment -------------------------------------------------------------------------------


def _enrol(client, user: User) -> list[str]:
    """Log in a staff account without an authenticator and finish the set-up; the codes shown."""
    response = login(client, user.email)
    assert response.headers["Location"].endswith("/login/setup")
    page = _text(client.get("/login/setup?lang=en"))
    assert 'src="/login/setup/qr.svg"' in page
    secret = _secret(user)
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page  # typed by hand
    done = post_form(client, "/login/setup?lang=en", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    return re.findall(r"<li class=\"col mb-2\">([A-Z0-9]{5}-[A-Z0-9]{5})</li>", _text(done))


def test_enrolment_shows_a_qr_code_and_recovery_codes_once(client):
    user = make_user(Role.OFFICER, enrolled=False)
    login(client, user.email)
    qr = client.get("/login/setup/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert qr.data.lstrip().startswith(b"<svg") and b"<script" not in qr.data
    client.post("/logout", data={"csrf_token": csrf_token(_text(client.get("/login/setup")))})
    codes = _enrol(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/office/queue").status_code == 200
    # stored as digests only
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & set(stored)
    # shown once: the set-up page now sends to the code prompt, the QR code is gone
    assert client.get("/login/setup/qr.svg").status_code == 404


def test_the_qr_code_is_only_for_the_waiting_session(client, app):
    make_user(Role.OFFICER, enrolled=False)
    assert client.get("/login/setup/qr.svg").status_code == 404


def test_a_wrong_first_code_does_not_finish_enrolment(client):
    user = make_user(Role.ADMIN, enrolled=False)
    login(client, user.email)
    response = post_form(client, "/login/setup?lang=en", {"code": _wrong_code(_secret(user))})
    assert response.status_code == 200
    assert "The code is not correct." in _text(response)
    assert not second_factor.is_enrolled(user)
    assert client.get("/admin/").status_code == 302


# --- the code: bad inputs --------------------------------------------------------------------


def test_a_code_replayed_within_its_window_is_refused(client, app):
    user = make_user(Role.APPROVER)
    login(client, user.email, password_only=True)
    used = totp_code(user.email)
    assert _code_page(client, used).status_code == 302
    # the same code from another browser, within its window (the accepted step is stored)
    other = app.test_client()
    login(other, user.email, password_only=True)
    response = _code_page(other, used)
    assert response.status_code == 200
    assert "This code was already used." in _text(response)
    assert other.get("/office/queue").status_code == 302


def test_five_wrong_codes_lock_the_second_step_for_a_while(client):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    wrong = _wrong_code(_secret(user))
    for _attempt in range(4):
        assert "The code is not correct." in _text(_code_page(client, wrong))
    fifth = _text(_code_page(client, wrong))
    assert "The code is not correct." in fifth
    factor = db.session.get(SecondFactor, user.id)
    db.session.refresh(factor)
    assert factor.locked_until is not None and factor.locked_until > utcnow() + timedelta(minutes=14)
    # now even the right code is refused, with when to try again
    locked = _text(_code_page(client, totp_code(user.email)))
    assert "Too many wrong codes." in locked
    assert re.search(r"locked until \d\d:\d\d", locked)
    assert client.get("/office/queue").status_code == 302


def test_the_lock_ends(client):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    factor = db.session.get(SecondFactor, user.id)
    factor.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _code_page(client, totp_code(user.email)).status_code == 302


def test_a_code_from_another_accounts_secret_is_refused(client):
    user = make_user(Role.APPROVER)
    other = make_user(Role.APPROVER)
    totp = pyotp.TOTP(_secret(user))
    mine = {totp.generate_otp(totp.timecode(utcnow()) + offset) for offset in (-1, 0, 1)}
    theirs = pyotp.TOTP(_secret(other)).now()
    if theirs in mine:  # one chance in ~300,000: take a third account's
        theirs = pyotp.TOTP(_secret(make_user(Role.APPROVER))).now()
    login(client, user.email, password_only=True)
    response = _code_page(client, theirs)
    assert "The code is not correct." in _text(response)
    assert client.get("/office/queue").status_code == 302


@pytest.mark.parametrize("typed", ["12a456", "12345", "１２３４５６", "1234567", "'; --"])
def test_a_code_that_is_not_six_digits_is_refused(client, typed):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    response = _code_page(client, typed)
    assert response.status_code == 200
    assert "The code is 6 digits (0-9)" in _text(response)
    assert client.get("/office/queue").status_code == 302
    assert db.session.get(SecondFactor, user.id).failed_count == 0  # not a guess


@pytest.mark.parametrize("typed", ["", "   "])
def test_an_empty_code_is_refused(client, typed):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    response = _code_page(client, typed)
    assert "Enter the 6-digit code from your authenticator app." in _text(response)
    assert client.get("/office/queue").status_code == 302


def test_a_recovery_code_works_once(client, app):
    user = make_user(Role.ADMIN, enrolled=False)
    codes = _enrol(client, user)
    client.post("/logout", data={"csrf_token": csrf_token(_text(client.get("/admin/")))})
    first = app.test_client()
    login(first, user.email, password_only=True)
    response = _code_page(first, codes[0].lower().replace("-", " "))  # typed loosely
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    again = app.test_client()
    login(again, user.email, password_only=True)
    reused = _code_page(again, codes[0])
    assert "This recovery code was already used." in _text(reused)
    assert again.get("/admin/").status_code == 302
    assert "This recovery code is not correct." in _text(_code_page(again, "ABCDE-FGHJK"))


# --- a remembered device ---------------------------------------------------------------------


def _device_cookie(client):
    return client.get_cookie(DEVICE_COOKIE)


def test_a_remembered_device_skips_the_code_for_twelve_hours_at_most(client, monkeypatch):
    user = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    response = post_form(client, "/login/code", {"code": totp_code(user.email), "remember": "y"})
    assert response.status_code == 302
    cookie = _device_cookie(client)
    assert cookie is not None and cookie.http_only
    set_cookie = response.headers["Set-Cookie"]
    assert re.search(r"Max-Age=(\d+)", set_cookie).group(1) == str(12 * 3600)
    client.post("/logout", data={"csrf_token": csrf_token(_text(client.get("/office/queue")))})
    again = login(client, user.email, password_only=True)
    assert again.headers["Location"].endswith(
        "/office/queue"
    )  # no code asked: the officer lands on the queue
    assert client.get("/office/queue").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(_text(client.get("/office/queue")))})
    # 12 hours and a minute later the signature is too old, whatever the browser kept
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 12 * 3600 + 60)
    later = login(client, user.email, password_only=True)
    assert later.headers["Location"].endswith("/login/code")


def test_a_remembered_device_is_for_its_own_account_only(client):
    user = make_user(Role.OFFICER)
    other = make_user(Role.OFFICER)
    login(client, user.email, password_only=True)
    post_form(client, "/login/code", {"code": totp_code(user.email), "remember": "y"})
    client.post("/logout", data={"csrf_token": csrf_token(_text(client.get("/office/queue")))})
    response = login(client, other.email, password_only=True)
    assert response.headers["Location"].endswith("/login/code")


# --- the admin's reset -----------------------------------------------------------------------


def test_an_admin_resets_another_staff_members_second_step(app, client):
    officer = make_user(Role.OFFICER)
    officer_browser = app.test_client()
    login(officer_browser, officer.email, password_only=True)
    post_form(officer_browser, "/login/code", {"code": totp_code(officer.email), "remember": "y"})
    assert officer_browser.get("/office/queue").status_code == 200
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = _text(client.get(f"/admin/staff/{officer.id}?lang=en"))
    assert "Reset two-step login" in page
    response = post_form(
        client, f"/admin/staff/{officer.id}/second-factor/reset", {}, page=f"/admin/staff/{officer.id}"
    )
    assert response.status_code == 302
    event = db.session.scalars(
        select(AdminAuditEvent).where(AdminAuditEvent.action == "staff.second_factor_reset")
    ).one()
    assert event.actor_id == admin.id and event.object_id == str(officer.id)
    assert "staff.second_factor_reset" in _text(client.get("/admin/audit"))
    # the officer is logged out, the remembered device no longer skips the code, and the next
    # login sets up a new authenticator
    assert officer_browser.get("/office/queue").status_code == 302
    again = login(officer_browser, officer.email)
    assert again.headers["Location"].endswith("/login/setup")
    assert not second_factor.is_enrolled(officer)


def test_an_admin_cannot_reset_their_own_second_step(client):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    response = post_form(client, f"/admin/staff/{admin.id}/second-factor/reset?lang=en", {}, page="/admin/")
    assert response.status_code == 302
    assert "You cannot reset your own two-step login." in _text(client.get(response.headers["Location"]))
    assert second_factor.is_enrolled(admin)


def test_only_an_admin_resets(client):
    officer = make_user(Role.OFFICER)
    target = make_user(Role.APPROVER)
    login(client, officer.email)
    response = post_form(client, f"/admin/staff/{target.id}/second-factor/reset", {}, page="/office/queue")
    assert response.status_code == 403
    assert second_factor.is_enrolled(target)


# --- the demo accounts -----------------------------------------------------------------------


def test_demo_staff_come_enrolled_with_the_secret_printed_in_the_readme(client):
    list(_seed_users())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert DEMO_TOTP_SECRET in readme and DEMO_PASSWORD in readme
    for email in ("officer@demo.test", "approver@demo.test", "helpdesk@demo.test", "admin@demo.test"):
        user = db.session.scalar(select(User).where(User.email == email))
        assert second_factor.is_enrolled(user) and _secret(user) == DEMO_TOTP_SECRET
    response = post_form(client, "/login", {"email": "approver@demo.test", "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert _code_page(client, pyotp.TOTP(DEMO_TOTP_SECRET).now()).status_code == 302
    assert client.get("/office/queue").status_code == 200


def test_the_demo_secret_is_refused_under_the_production_rules(app, client):
    """Production refuses the demo accounts outright; the published secret is refused too, for
    any account that somehow holds it."""
    user = make_user(Role.APPROVER, email="kepala@dinas.example.go.id")
    second_factor.enrol_with_secret(user, DEMO_TOTP_SECRET)
    db.session.commit()
    app.config["DEMO_ACCOUNTS_ENABLED"] = False
    try:
        login(client, user.email, password_only=True)
        response = _code_page(client, pyotp.TOTP(DEMO_TOTP_SECRET).now())
        assert "The code is not correct." in _text(response)
        assert client.get("/office/queue").status_code == 302
    finally:
        app.config["DEMO_ACCOUNTS_ENABLED"] = True
