"""Accounts end to end through the real pages: register, verify, log in and out, change and
reset the password, edit the profile, and the server-side session limits."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select, update

from portal.auth.models import LoginSession, Role, User
from portal.db import utcnow
from portal.extensions import db
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user, post_form

COOKIE = "satupintu_session"
NEW_PASSWORD = "a different long sentence 2026"


def registration(**changes) -> dict:
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.aminah@example.test",
        "nik": "6472014101900001",
        "phone": "0812 3456 7890",
        "password": "my cat sleeps on the red sofa",
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    data.update(changes)
    return data


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def session_cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie set"
    return cookie.value


def replay(app, cookie_value: str):
    """A fresh browser that only has the captured cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, cookie_value)
    return other


def is_anonymous(client) -> bool:
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
        return True
    assert response.status_code == 200
    return False


def logout(client):
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    return client.post("/logout", data={"csrf_token": token})


def fetch_user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


# --- register, verify, log in, log out -----------------------------------------------------


def test_register_verify_login_dashboard_logout(app, client, outbox):
    data = registration()
    response = post_form(client, "/register", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/check-email")
    assert data["email"] in client.get("/register/check-email").get_data(as_text=True)

    user = fetch_user(data["email"])
    assert user is not None
    assert not user.email_verified
    assert user.role_set == {Role.APPLICANT}
    assert user.nik == data["nik"]
    assert user.phone == "+6281234567890"
    assert user.password_hash.startswith("$argon2id$")

    [message] = outbox.to(data["email"])
    link = outbox.last_link(data["email"], "/confirm-email/")
    assert link.startswith(app.config["BASE_URL"] + "/confirm-email/")

    # Opening the link changes nothing yet: it shows a button (mail scanners open links too).
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert 'type="submit"' in page.get_data(as_text=True)
    assert not fetch_user(data["email"]).email_verified

    confirmed = post_form(client, path_of(link), {})
    assert confirmed.status_code == 302
    assert urlsplit(confirmed.headers["Location"]).path == "/login"
    assert fetch_user(data["email"]).email_verified

    logged_in = login(client, data["email"], data["password"])
    assert logged_in.status_code == 302
    assert urlsplit(logged_in.headers["Location"]).path == "/dashboard"
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "Siti Aminah" in dashboard.get_data(as_text=True)

    old_cookie = session_cookie(client)
    assert replay(app, old_cookie).get("/dashboard").status_code == 200  # the control

    response = logout(client)
    assert response.status_code == 302
    assert is_anonymous(client)
    # The same cookie replayed from another browser is anonymous: the session ended server-side.
    assert is_anonymous(replay(app, old_cookie))
    ended = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert ended
    assert all(row.ended_at is not None for row in ended)


def test_logout_requires_post(client, login_as):
    login_as()
    assert client.get("/logout").status_code == 405
    assert not is_anonymous(client)


# --- password change and reset --------------------------------------------------------------


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client):
    user = make_user()
    other_browser = app.test_client()
    assert login(client, user.email).status_code == 302
    assert login(other_browser, user.email).status_code == 302
    other_cookie = session_cookie(other_browser)

    response = post_form(
        client, "/account/password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 302

    assert not is_anonymous(client)
    assert is_anonymous(other_browser)
    assert is_anonymous(replay(app, other_cookie))
    assert login(app.test_client(), user.email, DEFAULT_PASSWORD).status_code == 200
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(app, client):
    user = make_user()
    assert login(client, user.email).status_code == 302
    before = fetch_user(user.email).password_hash
    response = post_form(
        client,
        "/account/password?lang=en",
        {"current_password": "not my password at all", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert fetch_user(user.email).password_hash == before


def test_password_reset_end_to_end_ends_sessions(app, client, outbox):
    user = make_user(verified=False)
    logged_in_elsewhere = app.test_client()
    assert login(logged_in_elsewhere, user.email).status_code == 302
    elsewhere_cookie = session_cookie(logged_in_elsewhere)

    response = post_form(client, "/forgot-password", {"email": user.email.upper()})
    assert response.status_code == 200
    link = outbox.last_link(user.email, "/reset-password/")
    assert link.startswith(app.config["BASE_URL"] + "/reset-password/")

    assert client.get(path_of(link)).status_code == 200
    done = post_form(client, path_of(link), {"password": NEW_PASSWORD})
    assert done.status_code == 302
    assert urlsplit(done.headers["Location"]).path == "/login"

    assert is_anonymous(logged_in_elsewhere)
    assert is_anonymous(replay(app, elsewhere_cookie))
    assert login(app.test_client(), user.email, DEFAULT_PASSWORD).status_code == 200
    assert login(client, user.email, NEW_PASSWORD).status_code == 302
    # Following the emailed link proves the mailbox, so the address counts as confirmed.
    assert fetch_user(user.email).email_verified


def test_reset_with_too_short_password_keeps_link_usable(client, outbox):
    user = make_user()
    post_form(client, "/forgot-password", {"email": user.email})
    link = path_of(outbox.last_link(user.email, "/reset-password/"))
    refused = post_form(client, link + "?lang=en", {"password": "short"})
    assert refused.status_code == 200
    assert "Use at least 10 characters" in refused.get_data(as_text=True)
    assert post_form(client, link, {"password": NEW_PASSWORD}).status_code == 302


# --- profile ------------------------------------------------------------------------------


def test_profile_edit_saves_name_normalised_phone_and_language(app, client, login_as):
    user = login_as(locale="id")
    assert 'lang="id"' in client.get("/dashboard").get_data(as_text=True)
    response = post_form(
        client, "/account", {"full_name": "  Budi Santoso ", "phone": "0813-1111-2222", "locale": "en"}
    )
    assert response.status_code == 302

    saved = fetch_user(user.email)
    assert saved.full_name == "Budi Santoso"
    assert saved.phone == "+6281311112222"
    assert saved.locale == "en"
    assert '<html lang="en">' in client.get("/dashboard").get_data(as_text=True)

    # The choice is kept in the account: another browser logging in gets English too.
    fresh = app.test_client()
    assert login(fresh, user.email).status_code == 302
    assert '<html lang="en">' in fresh.get("/dashboard").get_data(as_text=True)


def test_profile_refuses_bad_phone_and_keeps_old_values(client, login_as):
    user = login_as()
    old_phone = user.phone
    response = post_form(
        client, "/account?lang=en", {"full_name": "Budi", "phone": "0541 123456", "locale": "id"}
    )
    assert response.status_code == 200
    assert "Enter an Indonesian mobile number" in response.get_data(as_text=True)
    saved = fetch_user(user.email)
    assert saved.phone == old_phone
    assert saved.full_name == user.full_name


# --- session limits -----------------------------------------------------------------------


def _age_sessions(user: User, **values) -> None:
    db.session.execute(update(LoginSession).where(LoginSession.user_id == user.id).values(**values))
    db.session.commit()


def test_session_still_alive_after_29_idle_minutes(client, login_as):
    user = login_as()
    _age_sessions(user, last_seen_at=utcnow() - timedelta(minutes=29))
    assert not is_anonymous(client)


def test_idle_timeout_30_minutes(client, login_as):
    user = login_as()
    assert not is_anonymous(client)
    _age_sessions(user, last_seen_at=utcnow() - timedelta(minutes=31))
    assert is_anonymous(client)
    # The timed-out session stays ended even if the clock were turned back.
    _age_sessions(user, last_seen_at=utcnow())
    assert is_anonymous(client)


def test_absolute_timeout_12_hours_even_when_active(client, login_as):
    user = login_as()
    _age_sessions(
        user,
        created_at=utcnow() - timedelta(hours=12, minutes=1),
        last_seen_at=utcnow() - timedelta(seconds=5),
    )
    assert is_anonymous(client)


def test_deactivated_account_is_logged_out(client, login_as):
    user = login_as()
    db.session.execute(update(User).where(User.id == user.id).values(is_active_account=False))
    db.session.commit()
    assert is_anonymous(client)


def test_session_cookie_is_httponly_and_samesite_lax(client):
    user = make_user()
    response = login(client, user.email)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    import config

    assert config.Production.SESSION_COOKIE_SECURE is True
    assert config.Production.HSTS is True


def test_session_token_is_stored_only_as_a_hash(client, login_as):
    import hashlib

    from flask.sessions import SecureCookieSessionInterface

    user = login_as()
    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    token = serializer.loads(session_cookie(client))["_user_id"]
    [row] = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash


def test_reset_keeps_the_chosen_language(client, outbox):
    user = make_user()
    post_form(client, "/forgot-password?lang=en", {"email": user.email})
    link = path_of(outbox.last_link(user.email, "/reset-password/"))
    response = post_form(client, link, {"password": NEW_PASSWORD})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)
