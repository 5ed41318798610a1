"""Shared helpers for the usability tests (axe, keyboard, no-JavaScript, phone, page weight).

- ``run_axe(page)`` injects axe-core (the copy shipped by the ``axe-playwright-python`` package)
  and returns the violations of the WCAG 2.2 A/AA rules; ``format_violations`` prints the rule,
  the selector of each failing element and the help URL.
- ``site(live)`` seeds the live server's database once per session: the demo categories and
  tutorials, a small test category, an applicant with a draft, a complete draft and a submitted
  application, an officer, and an issued permit; ``logged_in_state(browser, live, role)`` logs
  the role in once and returns a Playwright storage state to reuse.
- ``PAGES`` lists the pages every check visits. A new page is one line:
  ``Page("complaints", "/complaints")``, or with a role and a step that brings out an error
  state: ``Page("form-error", lambda s: s.form_url, role="applicant", then=submit_form)``.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# WCAG 2.0/2.1/2.2 level A and AA, as axe-core tags them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "correct horse battery staple"


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


_AXE: list[str] = []


def run_axe(page, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (WCAG 2.2 A/AA rules only). The script
    is evaluated through the DevTools protocol, so the page's CSP does not block it."""
    if not _AXE:
        _AXE.append(_axe_source())
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_AXE[0])
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"], preload: false})""",
        tags or WCAG_TAGS,
    )
    return result["violations"]


def format_violations(violations: list[dict], where: str) -> str:
    lines = [f"{len(violations)} accessibility rule(s) fail on {where}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# --- the seeded site -------------------------------------------------------------------------


@dataclass
class Site:
    """Ids and addresses of the seeded data (all in the live server's database)."""

    applicant_email: str
    officer_email: str
    category_slug: str  # the small test category (two form pages, two documents)
    demo_slug: str  # a real demo category (many fields)
    draft_id: int  # a draft of the demo category, nothing filled in
    first_page: str  # the demo category's first form page key
    complete_id: int  # a draft of the test category with answers and the KTP: ready to submit
    submitted_id: int
    permit_token: str
    tutorial_id: int
    extra: dict[str, Any] = field(default_factory=dict)

    def form_url(self, page_key: str | None = None) -> str:
        return f"/applications/{self.draft_id}/form/{page_key or self.first_page}"


_SITES: dict[str, Site] = {}
_STATES: dict[tuple[str, str], dict] = {}
_LOCK = threading.Lock()


def _user(email: str, role, locale: str = "id", nik: str | None = None):
    import pyotp

    from portal.auth import second_factor
    from portal.auth.models import User, UserRole
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db

    user = User(
        email=email,
        full_name="Siti Rahmawati" if nik else "Budi Santoso",
        nik=nik,
        phone="+6281299990001" if nik else None,
        password_hash=hash_password(PASSWORD),
        email_verified_at=utcnow(),
        locale=locale,
    )
    user.roles = [UserRole(role=role)]
    db.session.add(user)
    db.session.flush()
    if second_factor.needs_second_factor(user):
        second_factor.enrol_with_secret(user, pyotp.random_base32())
    return user


def site(live) -> Site:
    """Seed the live database once per session (the result is cached by server URL)."""
    with _LOCK:
        if live.url in _SITES:
            return _SITES[live.url]
        with live.app.app_context():
            made = _seed()
        _SITES[live.url] = made
        return made


def _seed() -> Site:
    from sqlalchemy import select

    from portal.applications import services, workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.applications.models import Document
    from portal.auth.models import Role
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.models import PermitCategory
    from portal.catalogue.seed import seed_categories
    from portal.catalogue.seed_finder import seed_finder
    from portal.extensions import db
    from portal.permits import services as permits
    from portal.storage import get_storage
    from portal.tutorials.models import Tutorial
    from portal.tutorials.seed import DATA_DIR as TUTORIALS_DATA_DIR
    from portal.tutorials.seed import seed_tutorials
    from tests.fixtures_files import make_pdf
    from tests.wizard_helpers import make_category, make_submitted

    # The demo's reference data, not its accounts: their NIKs would collide with the
    # live_user fixture's.
    for seeder in (seed_holidays, seed_categories, seed_tutorials, seed_finder):
        for _ in seeder():
            pass
    applicant = _user("a11y-applicant@example.com", Role.APPLICANT, nik="6472014507907777")
    officer = _user("a11y-officer@example.com", Role.OFFICER)
    approver = _user("a11y-approver@example.com", Role.APPROVER)
    category = make_category(slug="a11y-izin-uji")
    db.session.commit()

    demo = db.session.scalar(
        select(PermitCategory).where(PermitCategory.slug == "surat-keterangan-domisili-usaha")
    )
    draft = services.start_application(applicant, demo)
    db.session.commit()
    first_page = services.spec_of(draft).pages[0].key

    submitted = make_submitted(applicant, category)

    issued = make_submitted(applicant, category)
    workflow.transition(issued, S.IN_REVIEW, officer)
    workflow.transition(issued, S.RECOMMENDED, officer)
    workflow.transition(issued, S.APPROVED, approver)
    db.session.commit()
    permit = permits.permit_for_application(issued.id)

    # After the two above: start_application resumes an open draft of the same category.
    complete = services.start_application(applicant, category)
    complete.answers = {
        "business_name": "Warung Sederhana",
        "employees": 3,
        "has_branch": "no",
        "start_date": "2020-05-01",
    }
    complete.completed_pages = ["business", "location"]
    stored = get_storage().save(io.BytesIO(make_pdf()), key_prefix="documents/")
    db.session.add(
        Document(
            application_id=complete.id,
            requirement_key="ktp",
            storage_key=stored.key,
            original_name="ktp.pdf",
            size=stored.size,
            sha256=stored.sha256,
            content_type="application/pdf",
        )
    )
    db.session.commit()

    # The public website's demo (profile pages, officials, pictures, links), made by an admin.
    from portal.site.seed import seed_site

    admin = _user("a11y-admin@example.com", Role.ADMIN)
    db.session.commit()
    for _ in seed_site():
        pass
    # The service mall's directory and the events agenda (demo agencies and events).
    from portal.directory.seed import seed_directory
    from portal.events.seed import seed_events

    for seeder in (seed_directory, seed_events):
        for _ in seeder():
            pass
    db.session.commit()

    # The seeded general guide by its slug: the first published one by id is whichever guide an
    # earlier browser test of the session published first (the admin journey's, two chapters),
    # so the pages shown depended on which files ran before this seeding.
    manifest = json.loads((TUTORIALS_DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    general = next(t["slug"] for t in manifest["tutorials"] if t.get("category_slug") is None)
    tutorial = db.session.scalar(
        select(Tutorial).where(Tutorial.slug == general, Tutorial.published.is_(True))
    )
    made = Site(
        applicant_email=applicant.email,
        officer_email=officer.email,
        category_slug=category.slug,
        demo_slug=demo.slug,
        draft_id=draft.id,
        first_page=first_page,
        complete_id=complete.id,
        submitted_id=submitted.id,
        permit_token=permit.verification_token,
        tutorial_id=tutorial.id,
        extra={"admin_email": admin.email},
    )
    db.session.remove()
    return made


def logged_in_state(browser, live, role: str) -> dict:
    """A storage state (cookies) of the seeded ``role`` ("applicant" or "officer") logged in
    through the real login form; made once per session."""
    from tests.browser.conftest import submit_login

    key = (live.url, role)
    with _LOCK:
        if key in _STATES:
            return _STATES[key]
    s = site(live)
    email = {"applicant": s.applicant_email, "officer": s.officer_email, "admin": s.extra.get("admin_email")}[
        role
    ]
    context = browser.new_context(base_url=live.url)
    try:
        page = context.new_page()
        page.goto("/login")
        submit_login(page, email, PASSWORD)
        assert "/login" not in page.url, f"{role} could not log in"
        state = context.storage_state()
    finally:
        context.close()
    with _LOCK:
        _STATES[key] = state
    return state


# --- the pages every check visits ------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page to check. ``path`` is a string or a function of the Site; ``role`` is None
    (anonymous), "applicant" or "officer"; ``then`` runs after loading (e.g. to submit a form
    and bring out its error state); ``skip`` gives a reason to skip while a page is missing."""

    name: str
    path: str | Callable[[Site], str]
    role: str | None = None
    then: Callable[[Any], None] | None = None
    wizard: bool = False  # a stage of the applicant's wizard (the phone test shoots it whole)

    def url(self, s: Site) -> str:
        return self.path(s) if callable(self.path) else self.path


def submit_main_form(page) -> None:
    """Press the first submit button of the main content's last form (the page's own form)."""
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').last.click()


def submit_review_without_declaration(page) -> None:
    with page.expect_navigation():
        page.locator('main form:has(input[name="declaration"]) button[type="submit"]').click()


def submit_form_page_empty(page) -> None:
    """Clear the wizard page's text inputs and press "Save and continue"."""
    for box in page.locator('main form input[type="text"], main form textarea').all():
        box.fill("")
    with page.expect_navigation():
        page.locator('main form button[value="continue"]').click()


def submit_wrong_login(page) -> None:
    page.fill("#email", "nobody@example.com")
    page.fill("#password", "not the password")
    submit_main_form(page)


def submit_bad_colour(page) -> None:
    """Choose "Own colour" with a yellow that fails the contrast check and save."""
    page.locator('input[name="choice"][value="custom"]').check()
    page.fill("#colour", "#ffcc00")
    with page.expect_navigation():
        page.locator('form[action$="/website/theme"] button[type="submit"]').click()


def submit_bad_slug(page) -> None:
    """Add a profile page whose address has a slash and no title: both fields show errors."""
    page.fill("#slug", "tentang/kami")
    with page.expect_navigation():
        page.locator("main form button[type='submit']").click()


def upload_bad_file(page) -> None:
    """Choose a bad file: the page's script uploads it at once and shows the refusal on its card."""
    from playwright.sync_api import expect

    page.locator('main input[type="file"]').first.set_input_files(
        {"name": "surat.pdf", "mimeType": "application/pdf", "buffer": b"this is not a PDF"}
    )
    expect(page.locator("main .document-slot .alert-danger").first).to_be_visible()


PAGES: list[Page] = [
    Page("home", "/"),
    Page("catalogue", "/permits"),
    Page("category", lambda s: f"/permits/{s.demo_slug}"),
    Page("register", "/register"),
    Page("register-errors", "/register", then=submit_main_form),
    Page("login", "/login"),
    Page("login-error", "/login", then=submit_wrong_login),
    Page("forgot-password", "/forgot-password"),
    Page("forgot-password-error", "/forgot-password", then=submit_main_form),
    Page("tutorial-library", "/tutorials"),
    Page("tutorial", lambda s: f"/tutorials/{s.tutorial_id}"),
    Page("status-check", "/status"),
    Page("verify-permit", lambda s: f"/verify/{s.permit_token}"),
    Page("issued-permits", "/issued-permits"),
    Page("accessibility-statement", "/accessibility"),
    Page("office-profile", "/profile"),
    Page("profile-structure", "/profile/structure"),
    Page("profile-service-pledge", "/profile/service-pledge"),
    Page("officials", "/profile/officials"),
    Page("contact", "/contact"),
    Page("news-with-picture", "/news"),
    Page("service-mall", "/mal-pelayanan"),
    Page("service-mall-agency", "/mal-pelayanan/samsat"),
    Page("search-service-mall", "/search?q=perpanjang+STNK"),
    Page("events", "/events"),
    Page("events-past", "/events/past"),
    Page("admin-directory", "/admin/directory/", role="admin"),
    Page("admin-directory-agency", "/admin/directory/new", role="admin"),
    Page("admin-events", "/admin/events/", role="admin"),
    Page("admin-event-new", "/admin/events/new", role="admin"),
    Page("admin-website", "/admin/website", role="admin"),
    Page("admin-website-bad-colour", "/admin/website", role="admin", then=submit_bad_colour),
    Page("admin-website-page", "/admin/website/pages/structure", role="admin"),
    Page("admin-website-page-new", "/admin/website/pages/new", role="admin"),
    Page("admin-website-page-bad-slug", "/admin/website/pages/new", role="admin", then=submit_bad_slug),
    Page("admin-officials", "/admin/website/officials", role="admin"),
    Page("admin-official-new", "/admin/website/officials/new", role="admin"),
    Page("admin-icons", "/admin/website/icons", role="admin"),
    Page("admin-visits", "/helpdesk/visits", role="admin"),
    Page("monthly-report", "/office/reports/monthly", role="admin"),
    Page("complaint-form", "/complaints"),
    Page("search-results", "/search?q=bangun+rumah"),
    Page("search-no-result", "/search?q=kapal+nelayan"),
    Page("finder", "/finder"),
    Page("finder-step", "/finder/usaha"),
    Page("signpost", "/other-offices/pirt"),
    Page("dashboard", "/dashboard", role="applicant"),
    Page("my-documents", "/account/documents", role="applicant"),
    Page("my-documents-error", "/account/documents", role="applicant", then=submit_main_form),
    Page("requirements", lambda s: f"/applications/{s.draft_id}/requirements", role="applicant", wizard=True),
    Page("form-page", lambda s: s.form_url(), role="applicant", wizard=True),
    Page(
        "form-page-errors", lambda s: s.form_url(), role="applicant", then=submit_form_page_empty, wizard=True
    ),
    Page("documents", lambda s: f"/applications/{s.draft_id}/documents", role="applicant", wizard=True),
    Page(
        "documents-error",
        lambda s: f"/applications/{s.draft_id}/documents",
        role="applicant",
        then=upload_bad_file,
        wizard=True,
    ),
    Page("review-missing", lambda s: f"/applications/{s.draft_id}/review", role="applicant", wizard=True),
    Page("review", lambda s: f"/applications/{s.complete_id}/review", role="applicant", wizard=True),
    Page(
        "review-no-declaration",
        lambda s: f"/applications/{s.complete_id}/review",
        role="applicant",
        then=submit_review_without_declaration,
        wizard=True,
    ),
    Page("application-detail", lambda s: f"/applications/{s.submitted_id}", role="applicant"),
    Page("office-queue", "/office/queue", role="officer"),
    Page("office-review", lambda s: f"/office/applications/{s.submitted_id}", role="officer"),
]


def page_id(p: Page) -> str:
    return p.name


class RolePages:
    """One open browser page per role, reused by many tests of a module (cheaper than a
    context per test). ``get(role)`` returns it; ``problems()`` drains the JS/CSP problems
    seen since the last call."""

    def __init__(self, browser, live, lang: str, **context_kwargs):
        from tests.browser.conftest import PageProblems

        self.browser, self.live, self.lang = browser, live, lang
        self.kwargs = context_kwargs
        self.contexts: dict[str | None, Any] = {}
        self.pages: dict[str | None, Any] = {}
        self.watcher = PageProblems()

    def get(self, role: str | None):
        if role not in self.pages:
            state = logged_in_state(self.browser, self.live, role) if role else None
            context = self.browser.new_context(
                base_url=self.live.url,
                storage_state=state,
                locale="id-ID" if self.lang == "id" else "en-US",
                **self.kwargs,
            )
            context.set_default_timeout(10_000)
            page = context.new_page()
            self.watcher.watch(page)
            # Pin the language in this session (a logged-in user's own choice would win
            # over the browser's Accept-Language).
            page.goto(f"/?lang={self.lang}")
            self.contexts[role], self.pages[role] = context, page
        return self.pages[role]

    def problems(self) -> list[str]:
        found, self.watcher.problems = self.watcher.problems, []
        return found

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()


# --- one applicant journey, driven by the keyboard or by the mouse without JavaScript ----------

_niks = iter(range(8000, 10000))
JOURNEY_PASSWORD = "nasi goreng pedas di malam hari"

FOCUSED_STYLE = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return {tag: el.tagName, id: el.id, outline: s.outlineStyle, width: s.outlineWidth,
            shadow: s.boxShadow};
}"""


#: How many Tab presses from the focused element to the first element matching the selector,
#: by the document's tab order (no positive tabindex on this site; one stop per radio group).
#: A lower bound: a video's own controls add stops that are not counted. 0 when unknown.
TABS_TO = """(sel) => {
    const all = document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, iframe, video[controls], [tabindex]');
    const seq = [], groups = new Set();
    for (const el of all) {
        if (el.tabIndex < 0 || el.disabled || el.type === 'hidden') continue;
        if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
        if (el.type === 'radio' && el.name) {
            const key = (el.form ? el.form.action : '') + '|' + el.name;
            if (groups.has(key)) continue;
            groups.add(key);
            const group = Array.from(document.getElementsByName(el.name))
                .filter(r => r.form === el.form);
            seq.push(group.find(r => r.checked) || el);
            continue;
        }
        seq.push(el);
    }
    const target = seq.findIndex(el => el.matches(sel));
    if (target < 0) return 0;
    const active = document.activeElement;
    if (!active || active === document.body) {
        // Tab starts after the fragment's target when the address has one, else at the top.
        const start = location.hash && document.getElementById(location.hash.slice(1));
        if (!start) return target + 1;
        const first = seq.findIndex(
            el => start.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
        return first >= 0 && first <= target ? target - first + 1 : 0;
    }
    const current = seq.indexOf(active);
    return current >= 0 && current < target ? target - current : 0;
}"""


class KeyboardDriver:
    """Moves only with Tab and Shift+Tab, types, presses Enter, Space or arrows. Files
    are given to the focused file input (the operating system's file dialog is out of reach)."""

    javascript = True

    def __init__(self, page, limit: int = 150):
        self.page, self.limit = page, limit
        self.focus_checks = 0
        self.presses = 0

    def _focused_matches(self, selector: str) -> bool:
        return self.page.evaluate(
            "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
        )

    def focus(self, selector: str) -> None:
        # Press Tab the number of times the page's tab order says, minus one, without looking
        # (one round trip per key instead of two), then step and look.
        for _ in range(max(0, self.page.evaluate(TABS_TO, selector) - 1)):
            self.page.keyboard.press("Tab")
            self.presses += 1
        for _ in range(self.limit):
            if self._focused_matches(selector):
                return
            self.page.keyboard.press("Tab")
            self.presses += 1
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def focus_back(self, selector: str) -> None:
        """Shift+Tab until the selector has the focus."""
        for _ in range(self.limit):
            if self._focused_matches(selector):
                return
            self.page.keyboard.press("Shift+Tab")
            self.presses += 1
        raise AssertionError(f"Shift+Tab never reached {selector} on {self.page.url}")

    def assert_focus_visible(self) -> None:
        style = self.page.evaluate(FOCUSED_STYLE)
        visible = (style["outline"] != "none" and style["width"] != "0px") or style["shadow"] != "none"
        assert visible, f"the focused element has no visible focus indicator: {style}"
        self.focus_checks += 1

    def fill(self, selector: str, text: str) -> None:
        self.focus(selector)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(text)

    def choose(self, name: str, value: str) -> None:
        """A radio group is one Tab stop; arrow keys move the choice."""
        self.focus(f'input[type="radio"][name="{name}"]')
        for _ in range(10):
            if self._focused_matches(f'[value="{value}"]:checked'):
                return
            if self._focused_matches(f'[value="{value}"]'):
                self.page.keyboard.press("Space")
            else:
                self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"could not choose {name}={value}")

    def check(self, selector: str) -> None:
        self.focus(selector)
        if not self._focused_matches(":checked"):
            self.page.keyboard.press("Space")

    def activate(self, selector: str) -> None:
        """Enter on a link or button, and wait for the page it opens."""
        self.focus(selector)
        self.assert_focus_visible()
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def date(self, selector: str, iso: str) -> None:
        """Type a date into Chromium's date field segment by segment (day and month equal in
        the journey, so the locale's order does not matter)."""
        year, month, day = iso.split("-")
        assert month == day, "use a date whose day and month are the same"
        self.focus(selector)
        self.page.keyboard.type(f"{day}{month}{year}")

    def upload(self, selector: str, files) -> None:
        self.focus(selector)
        self.page.locator(":focus").set_input_files(files)


class MouseDriver:
    """Plain clicks and typing, for the journey without JavaScript."""

    javascript = False

    def __init__(self, page):
        self.page = page

    def fill(self, selector: str, text: str) -> None:
        self.page.fill(selector, text)

    def choose(self, name: str, value: str) -> None:
        self.page.check(f'input[type="radio"][name="{name}"][value="{value}"]')

    def check(self, selector: str) -> None:
        self.page.check(selector)

    def activate(self, selector: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()

    def date(self, selector: str, iso: str) -> None:
        self.page.fill(selector, iso)

    def upload(self, selector: str, files) -> None:
        self.page.set_input_files(selector, files)

    def assert_focus_visible(self) -> None:
        pass


def applicant_journey(driver, live_mail, s: Site, screenshot=None, *, after_error=None) -> str:
    """Register, confirm the email, log in, find the test category, start, fill both pages
    (the first once empty, to see the errors), upload the ID card, submit. Returns the
    tracking number shown at the end. ``after_error(page)`` runs on the page with errors."""
    import re
    import uuid

    from playwright.sync_api import expect

    from tests.fixtures_files import make_pdf

    page = driver.page
    shot = screenshot or (lambda *a, **k: None)
    unique = uuid.uuid4().hex[:8]
    email = f"journey-{unique}@example.com"

    page.goto("/")
    driver.activate('header a[href="/register"]')
    driver.fill("#full_name", f"Rahmat Hidayat {unique}")
    driver.fill("#email", email)
    driver.fill("#nik", f"647201450790{next(_niks)}")
    driver.fill("#phone", "0812 3456 7890")
    driver.fill("#password", JOURNEY_PASSWORD)
    driver.check("#privacy_consent")
    shot(page, "register")
    driver.activate('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/register/check-email$"))

    # The emailed link, opened as from the mail program.
    page.goto(live_mail.last_link(email, "/confirm-email/"))
    driver.activate('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/login$"))
    driver.fill("#email", email)
    driver.fill("#password", JOURNEY_PASSWORD)
    driver.activate('main form button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    driver.activate('header a[href="/permits"]')
    driver.activate(f'main a[href="/permits/{s.category_slug}"]')
    shot(page, "category")
    driver.activate(f'main form[action="/permits/{s.category_slug}/apply"] button')
    expect(page).to_have_url(re.compile(r"/requirements(#[\w-]*)?$"))
    driver.activate('main a.btn-primary[href*="/form/"]')

    # First page: send it empty, read the errors, then answer.
    expect(page).to_have_url(re.compile(r"/form/business(#[\w-]*)?$"))
    driver.activate('main button[value="continue"]')
    expect(page.locator("#error-summary")).to_be_visible()
    shot(page, "form-errors")
    if after_error:
        after_error(page)
    driver.fill("#f-business_name", "Warung Sederhana")
    driver.fill("#f-employees", "3")
    driver.choose("has_branch", "no")
    driver.activate('main button[value="continue"]')

    expect(page).to_have_url(re.compile(r"/form/location(#[\w-]*)?$"))
    driver.date("#f-start_date", "2020-05-05")
    expect(page.locator("#f-start_date")).to_have_value("2020-05-05")
    driver.fill("#f-capital", "1500000")
    shot(page, "form-location")
    driver.activate('main button[value="continue"]')

    expect(page).to_have_url(re.compile(r"/documents(#documents)?(#[\w-]*)?$"))
    driver.upload("#file-ktp", {"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": make_pdf()})
    # the page's script uploads the chosen file at once; without it, "Upload" sends the form
    if page.locator('main button[name="upload"][value="ktp"]').is_visible():
        driver.activate('main button[name="upload"][value="ktp"]')
    expect(page.locator('main a[href*="/documents/"][href$="/download"]')).to_have_count(1)
    shot(page, "documents")
    driver.activate('main button[name="action"][value="continue"]')

    expect(page).to_have_url(re.compile(r"/review(#[\w-]*)?$"))
    driver.check("#declaration")
    shot(page, "review")
    driver.activate('main form:has(#declaration) button[type="submit"]')
    expect(page).to_have_url(re.compile(r"/confirmation(#[\w-]*)?$"))
    shot(page, "confirmation")
    number = re.search(r"SP-\d{4}-\d+", page.locator("main").inner_text())
    assert number, page.locator("main").inner_text()
    return number.group(0)
