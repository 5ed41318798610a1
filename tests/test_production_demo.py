"""Under the production configuration the demo accounts never authenticate, the published demo
password is refused as anyone's password, and a weak SECRET_KEY stops start-up (issue 12,
item 1)."""

from __future__ import annotations

import secrets

import pytest
from click.testing import CliRunner

import config
from portal import create_app
from portal.auth import services
from portal.auth.demo import DEMO_PASSWORD
from portal.auth.models import Role
from portal.extensions import db, limiter
from portal.seed import DEMO_USERS
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user, post_form

STRONG_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """The environment a production start-up needs (a strong key unless a test changes it)."""
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("BASE_URL", "https://izin.example.go.id")
    monkeypatch.delenv("STORAGE_BACKEND", raising=False)
    return monkeypatch


@pytest.fixture
def production_app(production_env, tmp_path):
    """A real app built from the Production class (on the test's rolled-back session)."""
    saved = limiter._storage, limiter._limiter, limiter._key_prefix
    app = create_app(
        "production",
        SECRET_KEY=STRONG_KEY,
        MAIL_DIR=tmp_path / "mail",
        INSTANCE_DIR=tmp_path,
        UPLOAD_ROOT=tmp_path / "uploads",
        RATELIMIT_STORAGE_URI="memory://",
        REDIS_URL=None,
        MAIL_SERVER=None,
    )
    try:
        yield app
    finally:
        limiter._storage, limiter._limiter, limiter._key_prefix = saved


@pytest.fixture
def demo_users():
    """The demo accounts as `make run` seeds them (same emails, the published password)."""
    users = []
    for email, name, roles, _nik, _phone in DEMO_USERS:
        users.append(make_user(email=email, full_name=name, roles=list(roles), password=DEMO_PASSWORD))
    return users


def https_login(app, email: str, password: str):
    browser = app.test_client()
    base = "https://izin.example.go.id"
    token = csrf_token(browser.get("/login?lang=en", base_url=base).get_data(as_text=True))
    return browser, browser.post(
        "/login?lang=en",
        base_url=base,
        headers={"Referer": base + "/"},
        data={"csrf_token": token, "email": email, "password": password},
    )


# --- the demo accounts -----------------------------------------------------------------------


@pytest.mark.parametrize("email", [u[0] for u in DEMO_USERS])
def test_demo_accounts_cannot_log_in_under_production(production_app, demo_users, email):
    browser, response = https_login(production_app, email, DEMO_PASSWORD)
    assert response.status_code == 200
    assert "The email or password is not correct." in response.get_data(as_text=True)
    assert browser.get("/dashboard", base_url="https://izin.example.go.id").status_code == 302


def test_a_real_account_still_logs_in_under_production(production_app):
    user = make_user(email="pegawai@dinas.example.go.id")
    _browser, response = https_login(production_app, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302


def test_production_refuses_demo_accounts_by_configuration():
    assert config.Production.DEMO_ACCOUNTS_ENABLED is False
    assert config.Default.DEMO_ACCOUNTS_ENABLED is True


@pytest.fixture
def production_rules(app):
    """The shared test app with the production rule for demo accounts."""
    app.config["DEMO_ACCOUNTS_ENABLED"] = False
    yield app
    app.config["DEMO_ACCOUNTS_ENABLED"] = True


@pytest.mark.parametrize(
    "typed", ["ADMIN@demo.test", " admin@demo.test ", "Admin@Demo.Test", "admin@DEMO.TEST\t"]
)
def test_demo_email_in_another_case_or_with_spaces_is_refused(production_rules, demo_users, typed):
    assert services.authenticate(typed, DEMO_PASSWORD) is None


def test_demo_account_with_a_new_password_is_still_refused(production_rules, demo_users):
    """Not the password: the account itself never authenticates."""
    admin = next(u for u in demo_users if u.email == "admin@demo.test")
    services._set_password(admin, "a brand new long passphrase")
    db.session.commit()
    assert services.authenticate("admin@demo.test", "a brand new long passphrase") is None


def test_demo_account_on_a_subdomain_is_refused(production_rules):
    make_user(email="officer@kantor.demo.test")
    assert services.authenticate("officer@kantor.demo.test", DEFAULT_PASSWORD) is None


def test_a_session_of_a_demo_account_ends_under_production(app, client, demo_users):
    assert login(client, "applicant@demo.test", DEMO_PASSWORD).status_code == 302
    assert client.get("/dashboard").status_code == 200
    app.config["DEMO_ACCOUNTS_ENABLED"] = False
    try:
        assert client.get("/dashboard").status_code == 302
    finally:
        app.config["DEMO_ACCOUNTS_ENABLED"] = True


def test_demo_accounts_still_log_in_with_make_run(client, demo_users):
    assert login(client, "officer@demo.test", DEMO_PASSWORD).status_code == 302


def test_seed_demo_is_refused_under_production(production_app):
    with production_app.app_context():  # the command runs in the current app's context
        result = production_app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0
    assert "Refusing to seed demo data in production" in result.output


# --- the published demo password -------------------------------------------------------------

PUBLISHED_VARIANTS = [
    DEMO_PASSWORD,
    DEMO_PASSWORD + " ",
    " " + DEMO_PASSWORD,
    DEMO_PASSWORD.lower(),
    DEMO_PASSWORD.upper(),
    DEMO_PASSWORD + "\t",
]
REFUSAL = "This is the published password of the demo accounts"


@pytest.mark.parametrize("password", PUBLISHED_VARIANTS)
def test_registration_refuses_the_demo_password(client, password):
    response = post_form(
        client,
        "/register?lang=en",
        {
            "full_name": "Siti Aminah",
            "email": "siti.demo@example.test",
            "nik": "6472014101900001",
            "phone": "0812 3456 7890",
            "password": password,
            "privacy_consent": "y",  # the privacy notice agreed to
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.get_data(as_text=True)
    assert services.get_user_by_email("siti.demo@example.test") is None


@pytest.mark.parametrize("password", PUBLISHED_VARIANTS[:2])
def test_password_change_refuses_the_demo_password(client, login_as, password):
    user = login_as(Role.APPLICANT)
    response = post_form(
        client, "/account/password?lang=en", {"current_password": DEFAULT_PASSWORD, "new_password": password}
    )
    assert response.status_code == 200
    assert REFUSAL in response.get_data(as_text=True)
    assert services.authenticate(user.email, DEFAULT_PASSWORD) is not None


@pytest.mark.parametrize("password", PUBLISHED_VARIANTS[:2])
def test_password_reset_refuses_the_demo_password(app, client, outbox, password):
    user = make_user(locale="en")
    post_form(client, "/forgot-password?lang=en", {"email": user.email})
    link = outbox.last_link(user.email, "/reset-password/")
    path = link[len(app.config["BASE_URL"]) :]
    response = post_form(client, path + "?lang=en", {"password": password}, page=path)
    assert response.status_code == 200
    assert REFUSAL in response.get_data(as_text=True)
    assert services.authenticate(user.email, DEFAULT_PASSWORD) is not None


@pytest.mark.parametrize("password", PUBLISHED_VARIANTS[:2])
def test_staff_create_refuses_the_demo_password(app, password):
    with app.test_request_context("/?lang=en"), pytest.raises(services.AccountError) as refused:
        services.create_staff("new.staff@example.test", "New Staff", [Role.OFFICER], password)
    assert "published" in str(refused.value)
    result = CliRunner().invoke(
        app.cli,
        ["users", "create", "--email", "cli.staff@example.test", "--role", "officer", "--password", password],
    )
    assert result.exit_code != 0
    assert services.get_user_by_email("cli.staff@example.test") is None


def test_a_password_that_only_contains_the_demo_password_is_fine(client):
    response = post_form(
        client,
        "/register?lang=en",
        {
            "full_name": "Siti Aminah",
            "email": "siti.long@example.test",
            "nik": "6472014101900001",
            "phone": "0812 3456 7890",
            "password": "my own " + DEMO_PASSWORD + " and more",
            "privacy_consent": "y",  # the privacy notice agreed to
        },
    )
    assert response.status_code == 302


# --- SECRET_KEY ------------------------------------------------------------------------------

WEAK_KEYS = {
    "short": "x7Gh2kLp9Q",
    "31 bytes": secrets.token_urlsafe(48)[:31],
    "one character repeated": "a" * 64,
    "a word repeated": "changeme" * 8,
    "the test suite's key": config.Test.SECRET_KEY,
    "placeholder": "please-change-this-SECRET-value-before-going-live!!",
    "alphabet": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
    "block repeated": "0123456789abcdef" * 4,
    "words": "kunci rahasia kantor dinas samarinda tahun dua ribu",
    "16 random bytes in hex": secrets.token_hex(16),
    "the demo password twice": DEMO_PASSWORD * 2,
}


@pytest.mark.parametrize("name", list(WEAK_KEYS))
def test_weak_secret_key_stops_production_start_up(production_env, name):
    production_env.setenv("SECRET_KEY", WEAK_KEYS[name])
    with pytest.raises(RuntimeError) as stopped:
        create_app("production")
    message = str(stopped.value)
    assert "SECRET_KEY is too weak" in message
    assert "32 random bytes" in message
    assert "secrets.token_urlsafe" in message  # says how to make a good one


@pytest.mark.parametrize(
    "key",
    [secrets.token_urlsafe(32), secrets.token_urlsafe(48), secrets.token_hex(32), secrets.token_hex(48)],
)
def test_random_secret_keys_start(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    config.Production.check()  # no error
