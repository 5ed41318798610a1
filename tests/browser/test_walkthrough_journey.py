"""Issue 14, items 6 and 7, on a 360x740 phone in Chromium: "Tunjukkan di halaman ini" walks
through the form page's own fields by keyboard (each step said in an aria-live region, Esc
closes, axe finds nothing with it open); the stage panel is one line that opens on tap and
stays as the person left it; the task stays above the fold on every stage; without JavaScript
the button is absent and the rest works as before."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import format_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
START = "Tunjukkan di halaman ini"
POPOVER = ".driver-popover"


@dataclass
class Journey:
    """One applicant of their own (their panel choice is theirs) with an application at every
    stage of the SKDU demo category (which has a recorded guide) and of a small category."""

    email: str
    password: str
    draft_id: int
    first_page: str
    complete_id: int
    submitted_id: int
    correction_id: int
    approved_id: int
    demo_slug: str


def in_thread(fn):
    """Run ``fn`` in a thread of its own: this thread runs Playwright's event loop, and issuing
    a permit signs it with a library that starts an event loop of its own (asyncio.run)."""
    out: dict = {}

    def _run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            out["error"] = exc

    thread = threading.Thread(target=_run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def seed_demo_guides(live) -> str:
    """The demo categories, holidays and guides (idempotent seeds): the SKDU slug."""
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.tutorials.seed import seed_tutorials

    with live.app.app_context():
        for seeder in (seed_holidays, seed_categories, seed_tutorials):
            for _ in seeder():
                pass
        db.session.commit()
        db.session.remove()
    return "surat-keterangan-domisili-usaha"


@pytest.fixture
def journey(live, live_user) -> Journey:
    return in_thread(lambda: _journey(live, live_user))


def _journey(live, live_user) -> Journey:
    from portal.applications import services, workflow
    from portal.applications.models import ApplicationStatus as S
    from portal.auth.models import Role, User
    from portal.catalogue.models import PermitCategory
    from portal.extensions import db
    from tests.factories import add_document, make_draft
    from tests.wizard_helpers import make_category, make_submitted

    demo_slug = seed_demo_guides(live)
    user = live_user(locale="id")
    officer = live_user(Role.OFFICER)
    approver = live_user(Role.APPROVER)
    with live.app.app_context():
        applicant = db.session.get(User, user.id)
        staff = db.session.get(User, officer.id)
        boss = db.session.get(User, approver.id)
        demo = db.session.scalar(db.select(PermitCategory).filter_by(slug=demo_slug))
        small = make_category(slug=f"walk-{uuid.uuid4().hex[:8]}")
        submitted = make_submitted(applicant, small)
        correction = make_submitted(applicant, small)
        workflow.transition(correction, S.IN_REVIEW, staff)
        services.request_correction(
            correction,
            staff,
            "Nama usaha harus sesuai akta.",
            fields=[{"key": "business_name", "reason": "x"}],
            documents=[],
        )
        approved = make_submitted(applicant, small)
        for status, who in ((S.IN_REVIEW, staff), (S.RECOMMENDED, staff), (S.APPROVED, boss)):
            workflow.transition(approved, status, who)
        db.session.commit()
        complete = make_draft(applicant, small)
        add_document(complete)
        draft = services.start_application(applicant, demo)
        db.session.commit()
        made = Journey(
            email=user.email,
            password=user.password,
            draft_id=draft.id,
            first_page=services.spec_of(draft).pages[0].key,
            complete_id=complete.id,
            submitted_id=submitted.id,
            correction_id=correction.id,
            approved_id=approved.id,
            demo_slug=demo_slug,
        )
        db.session.remove()
    return made


def log_in(page, j: Journey) -> None:
    page.goto("/login?lang=id")
    page.fill("#email", j.email)
    page.fill("#password", j.password)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    assert "/login" not in page.url


def steps_on(page) -> dict:
    return json.loads(page.locator("button[data-walkthrough]").get_attribute("data-walkthrough"))


def live_text(page) -> str:
    return page.locator("[data-walkthrough-live]").inner_text()


def test_the_walkthrough_goes_through_the_form_page_by_keyboard(new_context, journey, screenshot):
    page = new_context(**PHONE)
    log_in(page, journey)
    page.goto(f"/applications/{journey.draft_id}/form/{journey.first_page}")
    data = steps_on(page)
    steps = data["steps"]
    assert len(steps) >= 3 and data["title"] == "Isi formulir"
    # Every step names an element of this page (the recorded guide's where it still fits).
    for step in steps:
        expect(page.locator(step["selector"])).to_have_count(1)
    assert steps[0]["text"].startswith("Halaman 1 dari ")
    assert data.get("audio") and any("start" in s for s in steps)  # the recorded voice
    screenshot(page, "phone-form-one-line")

    start = page.get_by_role("button", name=START)
    expect(start).to_be_visible()
    start.focus()
    with page.expect_request(lambda r: "/audio" in r.url):
        page.keyboard.press("Enter")
    popover = page.locator(POPOVER)
    expect(popover).to_be_visible()
    expect(popover.locator(".driver-popover-description")).to_have_text(steps[0]["text"])
    assert page.locator(steps[0]["selector"]).evaluate("el => el.classList.contains('driver-active-element')")
    expect(page.locator("[data-walkthrough-live]")).to_have_text(f"1 dari {len(steps)}. {steps[0]['text']}")
    box = popover.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360  # on the phone's screen
    screenshot(page, "phone-walkthrough-step-1")

    # Enter on the focused "Berikutnya", then the arrows.
    expect(popover.locator(".driver-popover-next-btn")).to_be_focused()
    page.keyboard.press("Enter")
    expect(popover.locator(".driver-popover-description")).to_have_text(steps[1]["text"])
    expect(page.locator("[data-walkthrough-live]")).to_have_text(f"2 dari {len(steps)}. {steps[1]['text']}")
    page.keyboard.press("ArrowRight")
    expect(popover.locator(".driver-popover-description")).to_have_text(steps[2]["text"])
    page.keyboard.press("ArrowLeft")
    expect(popover.locator(".driver-popover-description")).to_have_text(steps[1]["text"])
    # Tab stays with the step: the popover's buttons and the highlighted field (to fill it in),
    # never the page behind.
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.activeElement.closest('.driver-popover, .driver-active-element') !== null"
        ), page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    screenshot(page, "phone-walkthrough-step-2")

    violations = run_axe(page)
    assert not violations, format_violations(violations, "the form page with the walkthrough open")

    page.keyboard.press("Escape")
    expect(popover).to_have_count(0)
    expect(start).to_be_focused()  # back where the person started
    # The close button (x) ends it too.
    start.click()
    expect(popover).to_be_visible()
    page.get_by_role("button", name="Tutup petunjuk di halaman ini").click()
    expect(popover).to_have_count(0)


def test_the_walkthrough_on_a_desktop_screen(new_context, journey, screenshot):
    page = new_context(**DESKTOP)
    log_in(page, journey)
    page.goto(f"/applications/{journey.draft_id}/form/{journey.first_page}")
    panel = page.locator("details[data-tutorial-panel]")
    expect(panel).to_have_attribute("open", "")  # a wide screen, nothing chosen yet: open
    page.get_by_role("button", name=START).click()
    expect(page.locator(POPOVER)).to_be_visible()
    screenshot(page, "desktop-walkthrough")
    page.keyboard.press("Escape")
    expect(page.locator(POPOVER)).to_have_count(0)


def test_the_one_line_panel_opens_on_tap_and_stays_as_chosen(new_context, journey, screenshot):
    page = new_context(**PHONE)
    log_in(page, journey)
    url = f"/applications/{journey.draft_id}/form/{journey.first_page}"
    page.goto(url)
    panel = page.locator("details[data-tutorial-panel]")
    summary = panel.locator("summary")
    expect(panel).not_to_have_attribute("open", "")
    box = summary.bounding_box()
    assert box and box["height"] <= 60  # one line
    expect(summary).to_contain_text("Lihat caranya · ")
    assert summary.locator("img.tutorial-thumb").evaluate("img => img.complete && img.naturalWidth > 0")
    start = page.get_by_role("button", name=START)
    start_box = start.bounding_box()
    assert start_box and abs(start_box["y"] - box["y"]) < 12  # on the same line
    with page.expect_response(lambda r: "/tutorials/panel-preference" in r.url and r.ok):
        summary.tap()
    expect(panel).to_have_attribute("open", "")
    expect(panel.locator("video")).to_be_visible()
    screenshot(page, "phone-panel-open")
    # Remembered on the server: the next page comes open, before any script runs.
    html = page.request.get(f"/applications/{journey.draft_id}/documents").text()
    assert "data-tutorial-panel" in html and 'data-panel-choice="open"' in html
    page.goto(f"/applications/{journey.draft_id}/documents")
    expect(page.locator("details[data-tutorial-panel]")).to_have_attribute("open", "")
    with page.expect_response(lambda r: "/tutorials/panel-preference" in r.url and r.ok):
        page.locator("details[data-tutorial-panel] > summary").tap()
    expect(page.locator("details[data-tutorial-panel]")).not_to_have_attribute("open", "")
    page.goto(url)
    expect(panel).not_to_have_attribute("open", "")
    # A visitor's choice stays in their own browser.
    visitor = new_context(**PHONE)
    visitor.goto("/permits")
    visitor.locator("details[data-tutorial-panel] > summary").tap()
    visitor.reload()
    expect(visitor.locator("details[data-tutorial-panel]")).to_have_attribute("open", "")


def stage_pages(j: Journey) -> list[tuple[str, str, bool]]:
    """(stage, address, logged in)."""
    return [
        ("register", "/register", False),
        ("login", "/login", False),
        ("choose_category", "/permits", False),
        ("requirements", f"/permits/{j.demo_slug}", True),
        ("requirements", f"/applications/{j.draft_id}/requirements", True),
        ("fill_form", f"/applications/{j.draft_id}/form/{j.first_page}", True),
        ("upload_documents", f"/applications/{j.draft_id}/documents", True),
        ("review_submit", f"/applications/{j.complete_id}/review", True),
        ("track_status", f"/applications/{j.submitted_id}", True),
        ("respond_correction", f"/applications/{j.correction_id}/correction", True),
        ("download_permit", f"/applications/{j.approved_id}", True),
    ]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_task_stays_above_the_fold_on_every_stage(new_context, journey, javascript, screenshot):
    anonymous = new_context(**PHONE, java_script_enabled=javascript)
    page = new_context(**PHONE, java_script_enabled=javascript)
    log_in(page, journey) if javascript else _log_in_without_js(page, journey)
    for stage, url, logged_in in stage_pages(journey):
        tab = page if logged_in else anonymous
        tab.goto(url)
        expect(tab.locator("[data-tutorial-stage]")).to_have_count(1)
        heading = tab.locator("main h1").first
        top = heading.bounding_box()
        assert top and top["y"] + top["height"] <= 740, f"{stage} ({url}): the heading is below the fold"
        # The stage's own content starts on the first screen too.
        task = tab.locator("main form, main .card, main ol, main table").filter(
            has_not=tab.locator("[data-tutorial-stage]")
        )
        first = [b for b in (t.bounding_box() for t in task.all()[:6]) if b]
        assert first and min(b["y"] for b in first) < 740, f"{stage} ({url}): nothing of the task on screen"
        if javascript:
            expect(tab.get_by_role("button", name=START)).to_be_visible()
        else:
            expect(tab.locator("button[data-walkthrough]")).to_be_hidden()
            expect(tab.locator(POPOVER)).to_have_count(0)
            assert START not in tab.locator("body").inner_text()
    screenshot(page, f"phone-above-the-fold-{'js' if javascript else 'nojs'}")


def _log_in_without_js(page, j: Journey) -> None:
    page.goto("/login?lang=id")
    page.fill("#email", j.email)
    page.fill("#password", j.password)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()


def test_without_javascript_the_panel_choice_is_saved_by_its_button(new_context, journey, screenshot):
    page = new_context(**PHONE, java_script_enabled=False)
    _log_in_without_js(page, journey)
    url = f"/applications/{journey.draft_id}/form/{journey.first_page}"
    page.goto(url)
    panel = page.locator("details[data-tutorial-panel]")
    expect(panel).not_to_have_attribute("open", "")
    panel.locator("summary").click()  # the native <details>
    keep = panel.get_by_role("button", name="Biarkan Video Panduan terbuka di setiap langkah")
    expect(keep).to_be_visible()
    with page.expect_navigation():
        keep.click()
    assert page.url.endswith(url)
    expect(panel).to_have_attribute("open", "")
    expect(
        panel.get_by_role("button", name="Biarkan Video Panduan tertutup di setiap langkah")
    ).to_be_visible()
    screenshot(page, "phone-nojs-panel-kept-open")


ODD = 'Nama "usaha" <b>tebal</b> & \U0001f3e0 \u0627\u0633\u0645'
LONG = ("Alamat lengkap tempat usaha sesuai surat keterangan kelurahan " * 4)[:200]


def test_labels_with_quotes_markup_emoji_rtl_and_200_characters_are_shown_as_written(
    new_context, live, live_user, screenshot
):
    from portal.applications import services
    from portal.auth.models import User
    from portal.catalogue.models import PermitCategory, Sector
    from portal.catalogue.services import publish_new_version
    from portal.extensions import db

    user = live_user(locale="id")
    with live.app.app_context():
        category = PermitCategory(
            slug=f"walk-odd-{uuid.uuid4().hex[:6]}",
            code="ODD",
            name_id="Izin Aneh",
            name_en="Odd permit",
            summary_id="x",
            summary_en="x",
            sector=Sector.TRADE,
            time_limit_days=3,
        )
        page_of = {"page": "p1", "page_title_id": "Data", "page_title_en": "Data", "required": True}
        publish_new_version(
            category,
            [
                {"key": "odd", "type": "text", "label_id": ODD, "label_en": ODD, "order": 1, **page_of},
                {"key": "long", "type": "text", "label_id": LONG, "label_en": LONG, "order": 2, **page_of},
            ],
            [],
        )
        db.session.commit()
        draft = services.start_application(db.session.get(User, user.id), category)
        db.session.commit()
        draft_id = draft.id
        db.session.remove()
    page = new_context(**PHONE)
    page.goto("/login?lang=id")
    page.fill("#email", user.email)
    page.fill("#password", user.password)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    page.goto(f"/applications/{draft_id}/form/p1")
    steps = steps_on(page)["steps"]
    page.get_by_role("button", name=START).click()
    description = page.locator(f"{POPOVER} .driver-popover-description")
    expect(description).to_have_text(steps[0]["text"])
    assert f"\u201c\u2068{ODD}\u2069\u201d" in steps[0]["text"]  # as written, right-to-left part isolated
    expect(description.locator("b")).to_have_count(0)  # the label's markup is text, not HTML
    screenshot(page, "phone-walkthrough-odd-label")
    page.keyboard.press("Enter")
    expect(description).to_have_text(steps[1]["text"])
    quoted = steps[1]["text"].split("\u201c")[1].split("\u201d")[0]
    assert quoted.endswith("\u2026") and len(quoted) <= 80 and LONG.startswith(quoted[:-1])
    box = page.locator(POPOVER).bounding_box()
    assert box and box["x"] + box["width"] <= 360
    screenshot(page, "phone-walkthrough-long-label")
