"""Hostile and careless input on the account pages: each case gets its own test, a clear
message, and nothing stored."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import func, select, update

from portal.auth import passwords
from portal.auth.models import AuthToken, LoginSession, TokenPurpose, User
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.mail import build_message
from portal.security import safe_next_url
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user, post_form

GOOD_PASSWORD = "my cat sleeps on the red sofa"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def registration(**changes) -> dict:
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.h@example.test",
        "nik": "6472014101900001",
        "phone": "0812 3456 7890",
        "password": GOOD_PASSWORD,
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    data.update(changes)
    return data


def main_text(response) -> str:
    """The page's <main>, with per-session values (CSRF tokens) blanked."""
    html = response.get_data(as_text=True)
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'<div class="flash-messages">.*?</div>\s*</div>', "", main, flags=re.S)
    main = re.sub(r'value="[^"]{20,}"', 'value=""', main)
    return re.sub(r"\s+", " ", main)


def error_summary(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index("error-summary")
    return html[start : html.index("</div>", start)]


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- 3. nothing tells a stranger who has an account -----------------------------------------


def test_unknown_email_and_wrong_password_look_the_same(client):
    user = make_user()
    wrong = login(client, user.email, "not the right password", page="/login?lang=en")
    unknown = login(client, "nobody.here@example.test", "not the right password", page="/login?lang=en")
    assert wrong.status_code == unknown.status_code == 200
    assert error_summary(wrong) == error_summary(unknown)
    assert "The email or password is not correct." in error_summary(wrong)


def test_login_with_unverified_email_is_allowed_but_wrong_password_is_not(client):
    user = make_user(verified=False)
    assert login(client, user.email, "not the right password").status_code == 200
    assert login(client, user.email).status_code == 302


def test_register_with_existing_email_looks_like_success_and_mails_the_owner(app, outbox):
    owner = make_user(email="owner@example.test", locale="en")
    fresh, repeat = app.test_client(), app.test_client()
    before = count(User)

    normal = post_form(fresh, "/register?lang=en", registration(email="someone.new@example.test"))
    assert count(User) == before + 1
    again = post_form(
        repeat, "/register?lang=en", registration(email="OWNER@example.test", nik="6472014101900002")
    )
    assert count(User) == before + 1  # nothing new stored
    assert normal.status_code == again.status_code == 302
    assert normal.headers["Location"] == again.headers["Location"]

    page_new = main_text(fresh.get("/register/check-email?lang=en")).replace(
        "someone.new@example.test", "EMAIL"
    )
    page_taken = main_text(repeat.get("/register/check-email?lang=en")).replace("owner@example.test", "EMAIL")
    assert page_new == page_taken

    [notice] = outbox.to(owner.email)
    assert "you already have an account" in outbox.body(notice)
    assert notice["Subject"] == "Someone tried to register with your email"
    assert "/confirm-email/" not in outbox.body(notice)
    # The stranger's password did not touch the owner's account.
    assert login(app.test_client(), owner.email).status_code == 302


def test_forgot_password_for_unknown_email_looks_the_same(app, outbox):
    user = make_user()
    known_client, unknown_client = app.test_client(), app.test_client()
    tokens_before = count(AuthToken)
    known = post_form(known_client, "/forgot-password?lang=en", {"email": user.email})
    unknown = post_form(unknown_client, "/forgot-password?lang=en", {"email": "stranger@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert main_text(known).replace(user.email, "EMAIL") == main_text(unknown).replace(
        "stranger@example.test", "EMAIL"
    )
    # Each address gets one email (equal work, issue 12): the stranger's holds no reset link.
    [note] = outbox.to("stranger@example.test")
    assert "no account uses this address" in outbox.body(note)
    assert "/reset-password/" not in outbox.body(note)
    assert len(outbox.to(user.email)) == 1
    assert count(AuthToken) == tokens_before + 1
    assert count(User) == 1


# --- 4. passwords ---------------------------------------------------------------------------


@pytest.fixture
def no_hashing(monkeypatch):
    """Call it to make anything that hashes or verifies a password fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("argon2 was called")

    def arm():
        monkeypatch.setattr(passwords, "hash_password", refuse)
        monkeypatch.setattr(passwords.PasswordHasher, "hash", refuse)
        monkeypatch.setattr(passwords.PasswordHasher, "verify", refuse)

    return arm


def assert_register_refused(client, text, **changes):
    before = count(User)
    response = post_form(client, "/register?lang=en", registration(**changes))
    assert response.status_code == 200
    assert text in error_summary(response)
    assert count(User) == before
    return response


def test_password_too_short_refused(client):
    assert_register_refused(client, "Use at least 10 characters", password="abc123xyz")


def test_password_129_characters_refused(client):
    assert_register_refused(client, "Use at most 128 characters", password="a" * 120 + " b" * 4 + "c")


def test_password_128_characters_accepted(client):
    password = ("pagi ini hujan turun di samarinda " * 4)[:128]
    assert len(password) == 128
    response = post_form(client, "/register", registration(password=password))
    assert response.status_code == 302


def test_password_of_one_megabyte_refused_before_hashing(client, no_hashing):
    no_hashing()
    response = post_form(client, "/register?lang=en", registration(password="x" * 1_000_000))
    assert response.status_code in (200, 413)
    if response.status_code == 200:
        assert "Use at most 128 characters" in error_summary(response)
    assert count(User) == 0


def test_login_with_one_megabyte_password_refused_before_hashing(client, no_hashing):
    user = make_user()
    no_hashing()
    response = login(client, user.email, "x" * 1_000_000, page="/login?lang=en")
    assert response.status_code in (200, 413)
    assert client.get("/dashboard").status_code == 302


def test_password_change_with_one_megabyte_password_refused_before_hashing(client, login_as, monkeypatch):
    user = login_as()
    before = user.password_hash

    def refuse(*args, **kwargs):
        raise AssertionError("argon2 hashing was called")

    # Checking the current password may hash; the new one must never be.
    monkeypatch.setattr(passwords, "hash_password", refuse)
    response = post_form(
        client,
        "/account/password?lang=en",
        {"current_password": DEFAULT_PASSWORD, "new_password": "x" * 1_000_000},
    )
    assert response.status_code in (200, 413)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_common_password_refused(client):
    assert_register_refused(client, "too common", password="password123")


def test_common_password_refused_whatever_the_case(client):
    assert_register_refused(client, "too common", password="PassWord123")


def test_passphrase_with_spaces_and_emoji_works_byte_for_byte(app, client, outbox):
    phrase = "  naik ojek ke pasar 🛵 pagi-pagi ☕ lalu pulang  "
    assert post_form(client, "/register", registration(password=phrase)).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "siti.h@example.test"))
    assert user is not None
    assert login(app.test_client(), user.email, phrase).status_code == 302
    for near_miss in (
        phrase.strip(),
        phrase.replace("☕", "🍵"),
        phrase.replace("🛵", "🛴"),
        phrase[:-1],
        phrase.upper(),
    ):
        assert login(app.test_client(), user.email, near_miss).status_code == 200, near_miss


# --- 6. reset and verification links --------------------------------------------------------


def invalid_link_reference(client) -> str:
    response = client.get("/confirm-email/this-link-was-never-issued?lang=en")
    assert response.status_code == 400
    return main_text(response)


def assert_invalid_link(response, reference: str):
    assert response.status_code == 400
    assert main_text(response) == reference
    assert "This link cannot be used" in reference


@pytest.fixture
def verify_link(client, outbox):
    assert post_form(client, "/register", registration()).status_code == 302
    return path_of(outbox.last_link("siti.h@example.test", "/confirm-email/"))


@pytest.fixture
def reset_link(client, outbox):
    user = make_user(email="reset.me@example.test")
    post_form(client, "/forgot-password", {"email": user.email})
    return path_of(outbox.last_link(user.email, "/reset-password/"))


def _expire_all_tokens():
    db.session.execute(update(AuthToken).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()


def test_verify_link_reused(app, client, verify_link):
    reference = invalid_link_reference(client)
    assert post_form(client, verify_link, {}).status_code == 302
    assert_invalid_link(client.get(verify_link + "?lang=en"), reference)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert_invalid_link(client.post(verify_link + "?lang=en", data={"csrf_token": token}), reference)


def test_verify_link_expired(client, verify_link):
    reference = invalid_link_reference(client)
    _expire_all_tokens()
    assert_invalid_link(client.get(verify_link + "?lang=en"), reference)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert_invalid_link(client.post(verify_link + "?lang=en", data={"csrf_token": token}), reference)
    assert not db.session.scalar(select(User).where(User.email == "siti.h@example.test")).email_verified


def _altered(link: str) -> str:
    last = link[-1]
    return link[:-1] + ("A" if last != "A" else "B")


def test_verify_link_altered(client, verify_link):
    reference = invalid_link_reference(client)
    assert_invalid_link(client.get(_altered(verify_link) + "?lang=en"), reference)


def test_verify_link_of_another_user_while_logged_in(app, verify_link):
    stranger = app.test_client()
    other = make_user()
    assert login(stranger, other.email).status_code == 302
    reference_page = stranger.get("/confirm-email/never-issued?lang=en")
    assert reference_page.status_code == 400
    reference = main_text(reference_page)
    assert_invalid_link(stranger.get(verify_link + "?lang=en"), reference)
    token = csrf_token(stranger.get("/dashboard").get_data(as_text=True))
    assert_invalid_link(stranger.post(verify_link + "?lang=en", data={"csrf_token": token}), reference)
    db.session.expire_all()
    assert not db.session.scalar(select(User).where(User.email == "siti.h@example.test")).email_verified


def test_reset_link_reused(client, reset_link):
    reference = invalid_link_reference(client)
    assert post_form(client, reset_link, {"password": GOOD_PASSWORD}).status_code == 302
    assert_invalid_link(client.get(reset_link + "?lang=en"), reference)


def test_reset_link_reused_by_post_with_an_old_form(client, reset_link):
    """Two tabs open on the same link: the second submit must not set a password again."""
    page = client.get(reset_link).get_data(as_text=True)
    token = csrf_token(page)
    assert client.post(reset_link, data={"csrf_token": token, "password": GOOD_PASSWORD}).status_code == 302
    second = client.post(
        reset_link + "?lang=en", data={"csrf_token": token, "password": "another sentence entirely"}
    )
    assert second.status_code == 400
    assert login(client, "reset.me@example.test", GOOD_PASSWORD).status_code == 302


def test_reset_link_expired(client, reset_link):
    reference = invalid_link_reference(client)
    _expire_all_tokens()
    assert_invalid_link(client.get(reset_link + "?lang=en"), reference)
    assert login(client, "reset.me@example.test").status_code == 302  # password unchanged


def test_reset_link_altered(client, reset_link):
    reference = invalid_link_reference(client)
    assert_invalid_link(client.get(_altered(reset_link) + "?lang=en"), reference)


def test_verify_token_is_not_a_reset_token(client, verify_link):
    reference = invalid_link_reference(client)
    token = verify_link.rsplit("/", 1)[1]
    assert_invalid_link(client.get(f"/reset-password/{token}?lang=en"), reference)


def test_huge_token_is_an_invalid_link(client):
    reference = invalid_link_reference(client)
    assert_invalid_link(client.get("/confirm-email/" + "a" * 5000 + "?lang=en"), reference)


def test_emailed_reset_link_ignores_hostile_host_header(app, client, outbox):
    user = make_user()
    hostile = {"Host": "evil.example"}
    page = client.get("/forgot-password", headers=hostile).get_data(as_text=True)
    response = client.post(
        "/forgot-password", headers=hostile, data={"csrf_token": csrf_token(page), "email": user.email}
    )
    assert response.status_code == 200
    link = outbox.last_link(user.email, "/reset-password/")
    assert link.startswith(app.config["BASE_URL"] + "/")
    assert "evil.example" not in outbox.body(outbox.to(user.email)[-1])


def test_emailed_verify_link_ignores_hostile_host_header(app, client, outbox):
    hostile = {"Host": "evil.example"}
    page = client.get("/register", headers=hostile).get_data(as_text=True)
    response = client.post(
        "/register", headers=hostile, data={"csrf_token": csrf_token(page), **registration()}
    )
    assert response.status_code == 302
    link = outbox.last_link("siti.h@example.test", "/confirm-email/")
    assert link.startswith(app.config["BASE_URL"] + "/")


def test_tokens_are_stored_only_as_hashes(client, reset_link):
    token = reset_link.rsplit("/", 1)[1]
    stored = db.session.scalars(select(AuthToken.token_hash)).all()
    assert stored
    assert token not in stored
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuthToken)
            .where(AuthToken.purpose == TokenPurpose.RESET_PASSWORD)
        )
        == 1
    )


# --- 7. next= after login -------------------------------------------------------------------


def login_with_next(client, target: str):
    user = make_user()
    url = "/login?next=" + quote(target, safe="")
    return post_form(client, url, {"email": user.email, "password": DEFAULT_PASSWORD})


def test_next_to_a_local_path_is_followed(client):
    response = login_with_next(client, "/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "\\\\evil.example",
        "/\t/evil.example",
        "///evil.example",
        " //evil.example",
        "https:evil.example",
        "/%0d%0aSet-Cookie:x=1",
    ],
)
def test_next_off_site_lands_on_dashboard(client, target):
    response = login_with_next(client, target)
    assert response.status_code == 302
    location = response.headers["Location"]
    if target.startswith("/%0d"):
        assert "\r" not in location
        assert "\n" not in location
        return
    assert location == "/dashboard", location


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
        "",
        None,
        "dashboard",
    ],
)
def test_safe_next_url_refuses(target):
    assert safe_next_url(target) is None


def test_next_when_already_logged_in(client, login_as):
    login_as()
    response = client.get("/login?next=" + quote("//evil.example", safe=""))
    assert response.headers["Location"] == "/dashboard"


# --- 8. CSRF --------------------------------------------------------------------------------


def assert_expired_form(response):
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "wrong-token", "IjEyMyI.Zz.abc"])
def test_register_without_valid_csrf(client, outbox, token):
    client.get("/register")
    data = registration()
    if token:
        data["csrf_token"] = token
    assert_expired_form(client.post("/register?lang=en", data=data))
    assert count(User) == 0
    assert outbox.messages == []


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_login_without_valid_csrf(client, token):
    user = make_user()
    client.get("/login")
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if token:
        data["csrf_token"] = token
    assert_expired_form(client.post("/login?lang=en", data=data))
    assert client.get("/dashboard").status_code == 302


def test_login_with_csrf_token_of_another_browser(app, client):
    user = make_user()
    client.get("/login")
    foreign = csrf_token(app.test_client().get("/login").get_data(as_text=True))
    assert_expired_form(
        client.post(
            "/login?lang=en", data={"csrf_token": foreign, "email": user.email, "password": DEFAULT_PASSWORD}
        )
    )


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_profile_without_valid_csrf(client, login_as, token):
    user = login_as()
    data = {"full_name": "Changed Name", "phone": "0813 1111 2222", "locale": "en"}
    if token:
        data["csrf_token"] = token
    assert_expired_form(client.post("/account?lang=en", data=data))
    db.session.expire_all()
    saved = db.session.get(User, user.id)
    assert saved.full_name == user.full_name
    assert saved.locale == "id"


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_logout_without_valid_csrf(client, login_as, token):
    login_as()
    assert_expired_form(client.post("/logout?lang=en", data={"csrf_token": token} if token else {}))
    assert client.get("/dashboard").status_code == 200
    assert (
        db.session.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.ended_at.is_(None))
        )
        == 1
    )


def test_password_change_without_valid_csrf(client, login_as):
    user = login_as()
    before = user.password_hash
    assert_expired_form(
        client.post(
            "/account/password?lang=en",
            data={"current_password": DEFAULT_PASSWORD, "new_password": "another sentence entirely"},
        )
    )
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def _dummy_values(rule) -> dict:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        items = getattr(rule._converters[name], "items", None)  # any(csv, xlsx): one of its words
        values[name] = (
            1
            if converter in ("IdConverter", "IntegerConverter", "FloatConverter")
            else sorted(items)[0]
            if items
            else "dummy"
        )
    return values


def _table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _user_row(user_id: int) -> tuple:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    columns = [c.key for c in User.__table__.columns]
    return tuple(getattr(user, c) for c in columns) + (tuple(sorted(user.role_set)),)


def test_no_get_request_changes_state(app, client, login_as):
    user = login_as()
    client.get("/dashboard")
    before_counts, before_user = _table_counts(), _user_row(user.id)
    visited = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = app.url_map.bind("portal.test").build(rule.endpoint, _dummy_values(rule))
        try:
            status = client.get(url).status_code
        except Exception as exc:  # noqa: BLE001 - a broken page is another test's business
            db.session.rollback()
            status = repr(exc)[:80]
        visited.append((url, status))
        assert _table_counts() == before_counts, url
        assert _user_row(user.id) == before_user, url
    assert len(visited) >= 8
    assert client.get("/dashboard").status_code == 200  # still logged in: no GET logged out


def test_get_on_reset_link_does_not_use_it(client, reset_link):
    for _ in range(3):
        assert client.get(reset_link).status_code == 200
    assert post_form(client, reset_link, {"password": GOOD_PASSWORD}).status_code == 302


# --- 9. newlines in names, huge fields ------------------------------------------------------


def test_name_with_header_injection_refused_by_register(client, outbox):
    response = assert_register_refused(
        client, "The name may contain only letters", full_name="Eve\r\nBcc: x@evil.example"
    )
    assert response.status_code == 200
    assert outbox.messages == []


def test_name_with_bare_newline_refused_by_profile(client, login_as):
    user = login_as()
    response = post_form(
        client,
        "/account?lang=en",
        {"full_name": "Eve\nBcc: x@evil.example", "phone": "0812 3456 7890", "locale": "id"},
    )
    assert response.status_code == 200
    assert "The name may contain only letters" in error_summary(response)
    db.session.expire_all()
    assert db.session.get(User, user.id).full_name == user.full_name


def _header_names(message) -> list[str]:
    raw = message.as_bytes().split(b"\r\n\r\n", 1)[0].decode()
    return [line.split(":", 1)[0].lower() for line in raw.split("\r\n") if line and line[0] not in " \t"]


@pytest.mark.parametrize(
    "evil",
    [
        "Eve\r\nBcc: x@evil.example",
        "Eve\nBcc: x@evil.example",
        "Eve\rBcc: x@evil.example",
        "Eve\u2028Bcc: x@evil.example",
        "Eve\x00\r\n\r\nbody",
    ],
)
def test_build_message_never_adds_a_header(app, evil):
    with app.test_request_context():
        message = build_message("eve@example.test", f"Hello {evil}", "Text", to_name=evil)
    names = _header_names(message)
    assert "bcc" not in names
    assert sorted(names) == sorted(
        [
            "from",
            "to",
            "subject",
            "date",
            "message-id",
            "auto-submitted",
            "content-type",
            "content-transfer-encoding",
            "mime-version",
        ]
    )


def test_build_message_refuses_an_address_with_a_newline(app):
    with app.test_request_context(), pytest.raises(ValueError, match="recipient"):
        build_message("eve@example.test\r\nBcc: x@evil.example", "Hello", "Text")


def test_name_with_unicode_line_separator_refused(client, outbox):
    assert_register_refused(
        client, "The name may contain only letters", full_name="Eve\u2028Bcc: x@evil.example"
    )
    assert outbox.messages == []


def test_100000_character_name_is_a_validation_error(client):
    assert_register_refused(client, "Use at most 120 characters", full_name="A" * 100_000)


def test_100000_character_email_is_a_validation_error(client):
    assert_register_refused(client, "at most 254 characters", email="a" * 100_000 + "@example.test")


def test_100000_character_nik_is_a_validation_error(client):
    assert_register_refused(client, "NIK must be exactly 16 digits", nik="1" * 100_000)


def test_100000_character_name_on_profile_is_a_validation_error(client, login_as):
    login_as()
    response = post_form(
        client, "/account?lang=en", {"full_name": "A" * 100_000, "phone": "0812 3456 7890", "locale": "id"}
    )
    assert response.status_code == 200
    assert "Use at most 120 characters" in error_summary(response)


def test_100000_character_login_email_is_refused_quietly(client):
    response = login(client, "a" * 100_000 + "@example.test", "whatever password")
    assert response.status_code == 200


# --- links after a password change ----------------------------------------------------------


def test_older_reset_link_dies_when_a_newer_one_is_used(client, outbox):
    user = make_user()
    post_form(client, "/forgot-password", {"email": user.email})
    first = path_of(outbox.last_link(user.email, "/reset-password/"))
    post_form(client, "/forgot-password", {"email": user.email})
    second = path_of(outbox.last_link(user.email, "/reset-password/"))
    assert first != second
    reference = invalid_link_reference(client)
    assert post_form(client, second, {"password": GOOD_PASSWORD}).status_code == 302
    assert_invalid_link(client.get(first + "?lang=en"), reference)


def test_password_change_retires_reset_links(app, client, outbox):
    user = make_user()
    post_form(app.test_client(), "/forgot-password", {"email": user.email})
    link = path_of(outbox.last_link(user.email, "/reset-password/"))
    assert login(client, user.email).status_code == 302
    assert (
        post_form(
            client, "/account/password", {"current_password": DEFAULT_PASSWORD, "new_password": GOOD_PASSWORD}
        ).status_code
        == 302
    )
    assert app.test_client().get(link).status_code == 400


def test_a_link_used_by_a_racing_request_is_refused(client, reset_link):
    """Another request used the link between our read and our write: we must not win too."""
    from portal.auth import services

    token = reset_link.rsplit("/", 1)[1]
    row = db.session.scalar(select(AuthToken))  # now in the identity map, used_at None
    db.session.execute(
        update(AuthToken)
        .where(AuthToken.id == row.id)
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert row.used_at is None  # the stale copy the service will read
    assert services.consume_token(token, TokenPurpose.RESET_PASSWORD) is None
