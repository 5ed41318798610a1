"""Browser tests: real Chromium (the system's, through Playwright) against a live server.

The live server is its own app with its own database, mail folder and uploads, committing for
real from a server thread, so these tests never use the main suite's rolled-back transaction:
every browser test depends on the ``real_commits`` fixture, which makes tests/conftest.py's
``_transaction`` step aside.

Without Chromium (or when Playwright cannot start it) the tests skip with the reason; with
REQUIRE_BROWSER=1 (CI) they fail instead.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import re
import shutil
import sys
import threading
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.auth.models import Role
from portal.extensions import db, limiter
from tests.conftest import Outbox
from tests.dbutil import scratch_database_url
from tests.factories import DEFAULT_PASSWORD, make_user, totp_code

HERE = Path(__file__).resolve().parent

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PG_DATABASE = "browser"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test and must run outside the rolled-back
    transaction of the main suite; a test that forgets ``real_commits`` is a collection error."""
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if "real_commits" not in getattr(item, "fixturenames", ()):
            raise pytest.UsageError(
                f"{item.nodeid}: browser tests must use the real_commits fixture "
                '(pytestmark = pytest.mark.usefixtures("real_commits"))'
            )


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium_path() -> str | None:
    """The system Chromium: $CHROMIUM when set, else /usr/bin/chromium, else chromium on PATH."""
    override = os.environ.get("CHROMIUM")
    if override:
        return override if os.path.exists(override) else None
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    executable = _chromium_path()
    if executable is None:
        _unavailable(
            "Chromium is not installed (no $CHROMIUM, /usr/bin/chromium or chromium on "
            "PATH; on Debian: apt-get install chromium)"
        )
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -e '.[dev]')")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
    except PlaywrightError as exc:
        manager.stop()
        _unavailable(f"Playwright cannot launch {executable}: {str(exc).splitlines()[0]}")
    yield chromium
    chromium.close()
    manager.stop()


class PageProblems:
    """JavaScript errors and CSP violations seen by one page (console and uncaught errors)."""

    def __init__(self):
        self.problems: list[str] = []

    def watch(self, page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda exc: self.problems.append(f"JS error on {page.url}: {exc}"))

    def _on_console(self, page, message) -> None:
        if message.type != "error":
            return
        text = message.text
        source = message.location.get("url", "")
        # Chromium logs a page answered with 4xx (an expired link, a form with errors) as a
        # failed resource; that is the server's answer, not a broken page. So is the favicon
        # Chromium asks for on its own. A stylesheet or script that fails to load is a problem.
        if text.startswith("Failed to load resource: the server responded with a status of 4") and (
            source == page.url or source.endswith("/favicon.ico")
        ):
            return
        kind = "CSP violation" if "Content Security Policy" in text else "console error"
        self.problems.append(f"{kind} on {page.url}: {text} ({source})")


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """Make a fresh browser context (own cookies) and return its first page. Keyword arguments
    go to ``browser.new_context``; the locale defaults to Indonesian. Every page is watched for
    JavaScript errors and CSP violations, which fail the test at the end."""
    contexts = []
    watchers: list[PageProblems] = []

    def _new(locale: str = "id-ID", **kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 800})  # a phone test passes its own
        context = browser.new_context(locale=locale, base_url=live_server, **kwargs)
        context.set_default_timeout(10_000)
        watcher = PageProblems()
        context.on("page", watcher.watch)
        contexts.append(context)
        watchers.append(watcher)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()
    problems = [p for w in watchers for p in w.problems]
    if problems:
        pytest.fail("the browser reported problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def watched_page(browser, live_server):
    """A page and its PageProblems, for tests of the watcher itself: problems are returned,
    not turned into a failure."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server)
    page = context.new_page()
    watcher = PageProblems()
    watcher.watch(page)
    yield page, watcher
    context.close()


@pytest.fixture
def page(new_context, request):
    """A page in a fresh context. Its locale comes from the test's ``locale`` parameter when it
    has one ("id-ID" / "en-US"), else Indonesian."""
    callspec = getattr(request.node, "callspec", None)
    locale = callspec.params.get("locale", "id-ID") if callspec else "id-ID"
    return new_context(locale=locale)


_shot_counter = itertools.count(1)


@pytest.fixture
def screenshot(request) -> Callable:
    """``screenshot(page, name, full_page=False)`` saves a PNG under test-artifacts/screenshots/
    (the 1280x800 viewport by default: a full-page shot costs three times as long)."""
    folder = request.config.rootpath / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    steps = itertools.count(1)

    def _shot(page, name: str, *, full_page: bool = False) -> Path:
        path = folder / f"{test_name}-{next(steps):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return _shot


# --- the live server -----------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str


# The session's live server, for second_step(). pytest loads this file as ``conftest`` while
# test modules import ``tests.browser.conftest``: two module objects, so the list is kept where
# both find the same one.
_LIVE: list[LiveServer] = sys.modules.setdefault(
    "_satupintu_browser_live", types.ModuleType("_satupintu_browser_live")
).__dict__.setdefault("servers", [])


def second_step(page, email: str) -> None:
    """After the password: a staff account (which the code prompt asks) types the current code
    of its authenticator, as a person reads it off the phone (tests.factories.totp_code, read
    from the live database). Anyone else's login is left as it is."""
    if not page.url.split("?")[0].endswith("/login/code"):
        return
    with _LIVE[0].app.app_context():
        code = totp_code(email)
        db.session.remove()
    page.fill("#code", code)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form button[type="submit"]').first.click()


def submit_login(page, email: str, password: str) -> None:
    """On the login form the page shows: type the email and password, submit, and for a staff
    account type the authenticator's code (second_step). Where the page lands is the portal's
    choice (the dashboard, a staff area, or a ``next=`` page)."""
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form button[type="submit"]').first.click()
    second_step(page, email)


def log_in(page, user, then: str | None = None) -> None:
    """Log ``user`` (a LiveUser: anything with ``email`` and ``password``) in through the real
    login form, with the code step when the account is staff, then open ``then`` if given."""
    page.goto("/login", wait_until="domcontentloaded")
    submit_login(page, user.email, user.password)
    if then is not None:
        page.goto(then, wait_until="domcontentloaded")


@pytest.fixture(scope="session")
def live(tmp_path_factory) -> Iterator[LiveServer]:
    """The portal served by a real HTTP server in a daemon thread, with its own app, database
    (a SQLite file, or a separate PostgreSQL database on TEST_DATABASE_URL's server, dropped at
    the end), mail folder and uploads. Emailed links point at it (BASE_URL)."""
    from werkzeug.serving import make_server

    tmp = tmp_path_factory.mktemp("browser")
    with scratch_database_url(PG_DATABASE, tmp) as database_url:
        app = create_app(
            "test",
            SQLALCHEMY_DATABASE_URI=database_url,
            MAIL_DIR=tmp / "mail",
            UPLOAD_ROOT=tmp / "uploads",
            INSTANCE_DIR=tmp,
            RATELIMIT_STORAGE_URI="memory://",
            WTF_CSRF_ENABLED=True,
            # Let Chromium keep Bootstrap between pages instead of revalidating four files on
            # every page: it keeps the browser tests fast and changes nothing they check.
            SEND_FILE_MAX_AGE_DEFAULT=3600,
        )
        with app.app_context():
            db.create_all()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        _LIVE[:] = [LiveServer(app=app, url=url)]
        try:
            yield _LIVE[0]
        finally:
            server.shutdown()
            thread.join(timeout=10)
            server.server_close()
            with app.app_context():
                db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live: LiveServer) -> str:
    """The live server's base URL, e.g. http://127.0.0.1:40123."""
    return live.url


@pytest.fixture
def real_commits(browser, live: LiveServer) -> LiveServer:
    """Marks a test that talks to the live server, whose requests commit for real (so the main
    suite's per-test rollback is skipped). Asks for the browser first, so a machine without
    Chromium skips before starting a server. Rate limits start empty for each test."""
    limiter.reset()
    return live


@pytest.fixture
def live_app(live: LiveServer) -> Flask:
    return live.app


# --- mail and users ------------------------------------------------------------------------


class LiveMail:
    """The live app's mail folder, read back by tests.conftest.Outbox, oldest first."""

    body = staticmethod(Outbox.body)

    def __init__(self, folder: Path):
        self.box = Outbox(folder)

    def messages(self, address: str | None = None) -> list[email.message.EmailMessage]:
        return self.box.to(address) if address else self.box.messages

    def last_link(self, address: str, path_part: str) -> str:
        """The newest link mailed to ``address`` whose URL contains ``path_part``."""
        return self.box.last_link(address, path_part)


@pytest.fixture
def live_mail(live: LiveServer) -> LiveMail:
    return LiveMail(Path(live.app.config["MAIL_DIR"]))


@dataclass
class LiveUser:
    id: int
    email: str
    password: str
    full_name: str


@pytest.fixture
def live_user(live: LiveServer) -> Callable[..., LiveUser]:
    """``live_user(*roles, locale="id", password=..., verified=True)`` creates a user straight
    in the live app's database and returns its email, password and name."""

    def _make(
        *roles: Role | str,
        locale: str = "id",
        password: str = DEFAULT_PASSWORD,
        verified: bool = True,
        full_name: str | None = None,
        enrolled: bool = True,
    ) -> LiveUser:
        roles = tuple(Role(r) for r in roles) or (Role.APPLICANT,)
        unique = uuid.uuid4().hex[:8]
        with live.app.app_context():
            user = make_user(
                roles=list(roles),
                email=f"browser-{unique}@example.com",
                full_name=full_name or f"Pengguna Uji {unique}",
                password=password,
                verified=verified,
                locale=locale,
                enrolled=enrolled,
            )
            made = LiveUser(id=user.id, email=user.email, password=password, full_name=user.full_name)
            db.session.remove()
        return made

    return _make
