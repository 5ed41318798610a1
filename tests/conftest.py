"""Fixtures: one app per test session, a transaction rolled back after each test, a client,
factories, the real login form, and the mail folder as the outbox.

The suite runs on SQLite (in memory) by default and on PostgreSQL when TEST_DATABASE_URL is
set, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test.
"""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g, has_app_context
from flask_sqlalchemy.session import Session as FSASession

from portal import cache, create_app
from portal.auth.models import Role, User
from portal.extensions import db, limiter
from tests.factories import DEFAULT_PASSWORD, make_user, totp_code  # noqa: F401 - tests import them from here

pytest_plugins = ["tests.smtp", "tests.redis_server"]  # the smtp_server and redis_server fixtures

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class BoundSession(FSASession):
    """Flask-SQLAlchemy's session ignores ``bind``; the tests need it bound to the connection
    whose outer transaction they roll back."""

    def get_bind(self, *args, **kwargs):
        return self.bind if self.bind is not None else super().get_bind(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("portal")
    # The cache generation file in this run's own folder, not the checkout's instance folder:
    # CI's SQLite and PostgreSQL passes run side by side, and each one's invalidations emptied
    # the other's caches (tests that read a value twice saw it computed twice).
    app = create_app(
        "test",
        MAIL_DIR=tmp / "mail",
        UPLOAD_ROOT=tmp / "uploads",
        INSTANCE_DIR=tmp,
        CACHE_GENERATION_FILE=str(tmp / "cache-generation"),
    )

    @app.before_request
    def _fresh_globals():
        # Test bodies hold an app context, which Flask reuses for the requests they make;
        # clear what extensions cache on `g` so every request starts as a real one would.
        for key in list(vars(g)):
            delattr(g, key)

    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request) -> Iterator[None]:
    """Each test runs in an app context inside a transaction that is rolled back at the end;
    the code under test may commit freely (its commits release savepoints). Tests asking for
    ``real_commits`` (browser, concurrency) never touch the shared test database."""
    if "real_commits" in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": BoundSession}
        )
        limiter.reset()
        cache.invalidate()  # a figure cached by an earlier test is not this one's
        try:
            yield
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def real_commits() -> None:
    """Ask for this to run a test outside the rolled-back transaction (it must use its own
    scratch database, see tests/dbutil.py)."""
    return


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> Iterator[Outbox]:
    box = Outbox(Path(app.config["MAIL_DIR"]))
    box.clear()
    yield box
    box.clear()


class Outbox:
    """The mail folder read back as parsed messages, oldest first."""

    def __init__(self, folder: Path):
        self.folder = folder

    def clear(self) -> None:
        if self.folder.exists():
            for path in self.folder.glob("*.eml"):
                path.unlink()

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        if not self.folder.exists():
            return []
        paths = sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last_link(self, address: str, path_part: str) -> str:
        for message in reversed(self.to(address)):
            match = re.search(r"https?://\S*" + re.escape(path_part) + r"\S+", self.body(message))
            if match:
                return match.group(0)
        raise AssertionError(f"no {path_part} link mailed to {address}")


@pytest.fixture
def user_factory():
    return make_user


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, *, page: str | None = None, **kwargs):
    """GET the page (``page`` or ``url``), take its CSRF token, POST ``data`` to ``url``."""
    html = client.get(page or url).get_data(as_text=True)
    payload = {"csrf_token": csrf_token(html), **data}
    return client.post(url, data=payload, **kwargs)


def login(client, email: str, password: str = DEFAULT_PASSWORD, **kwargs):
    """Log in through the real login form. A staff account passes the second step too, with the
    current code of its authenticator (tests.factories.totp_code), as a person would; the
    answer is the last step's. ``password_only`` stops after the password."""
    password_only = kwargs.pop("password_only", False)
    follow = kwargs.pop("follow_redirects", False)
    response = post_form(client, "/login", {"email": email, "password": password}, **kwargs)
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    if location.endswith("/login/code") and not password_only:
        if has_app_context():
            code = totp_code(email)
        else:  # a test of its own database, outside the app context
            with client.application.app_context():
                code = totp_code(email)
                db.session.remove()
        response = post_form(client, "/login/code", {"code": code})
    if follow and response.status_code == 302:
        response = client.get(response.headers["Location"], follow_redirects=True)
    return response


@pytest.fixture
def login_as(client):
    """Create a user with ``role`` and log in through the real login form; returns the user."""

    def _login_as(role: Role | str = Role.APPLICANT, **kwargs) -> User:
        user = make_user(role, **kwargs)
        response = login(client, user.email, kwargs.get("password", DEFAULT_PASSWORD))
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login_as


def is_postgres() -> bool:
    return db.engine.dialect.name == "postgresql"
