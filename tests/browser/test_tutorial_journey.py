"""Issue 4's journey in a real browser: the "Watch how" panel on each stage of the applicant's
path (register, login, catalogue, requirements, a form page, documents, review, application
detail) shows that stage's chapter, with the captions track of the page's language on by
default and the chapter's transcript; the video seeks with HTTP 206 answers; a logged-in
viewer's progress reaches the database; the library search finds a chapter by a word of its
transcript.

Chapter titles and transcripts come from the demo manifest (data, not the translation
catalogue), so they are asserted in both languages. Chromium here is Debian's, which plays H.264
(``canPlayType('video/mp4; codecs="avc1.42E01E"')`` is "probably"); the demo has MP4 only.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in as log_in_with_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

MANIFEST = json.loads(
    (Path(__file__).resolve().parents[2] / "portal" / "data" / "tutorials" / "manifest.json").read_text(
        encoding="utf-8"
    )
)
GENERAL = next(t for t in MANIFEST["tutorials"] if t["category_slug"] is None)
CHAPTERS = {c["stage"]: c for c in GENERAL["chapters"] if c["stage"]}


@pytest.fixture(scope="session")
def seeded_tutorials(live):
    """The demo categories, holidays and tutorials (with their stage mapping) in the live app's
    database; the seeds are idempotent, so other modules may have run them already."""
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db
    from portal.tutorials.models import Tutorial
    from portal.tutorials.seed import seed_tutorials

    with live.app.app_context():
        list(seed_categories())
        list(seed_holidays())
        list(seed_tutorials())
        tutorial_id = db.session.scalar(db.select(Tutorial.id).filter_by(slug=GENERAL["slug"]))
        db.session.remove()
    return tutorial_id


@pytest.fixture
def applications(live, live_user, seeded_tutorials):
    """A user with a submitted application and a draft (a small category of its own), made
    through the services in the live app's database: (user, draft id, submitted id)."""
    from portal.applications import services
    from portal.auth.models import User
    from portal.extensions import db
    from tests.wizard_helpers import make_category, make_submitted

    def _make(locale: str):
        user = live_user(locale=locale)
        with live.app.app_context():
            applicant = db.session.get(User, user.id)
            category = make_category(slug=f"tutorial-{uuid.uuid4().hex[:8]}")
            submitted = make_submitted(applicant, category)
            draft = services.start_application(applicant, category)
            db.session.commit()  # services flush; the caller commits
            ids = draft.id, submitted.id
            db.session.remove()
        return (user, *ids)

    return _make


def log_in(page, user) -> None:
    log_in_with_form(page, user)
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def expect_stage_panel(page, stage: str, lang: str) -> None:
    """The page shows the stage's panel: open, titled with the stage's chapter, the video
    starting there, captions in the page's language on by default, and the chapter's
    transcript as text."""
    chapter = CHAPTERS[stage]
    expect(page.locator("html")).to_have_attribute("lang", lang)
    panel = page.locator(f'details[data-tutorial-panel][data-stage="{stage}"]')
    expect(panel).to_have_count(1)
    expect(panel).to_have_attribute("open", "")
    expect(panel.locator("summary")).to_contain_text(chapter["title"][lang])
    video = panel.locator("video")
    expect(video).to_have_attribute("preload", "metadata")
    assert video.locator("source").get_attribute("src").endswith(f"#t={chapter['start']:.3f}")
    default = video.locator('track[kind="captions"][default]')
    expect(default).to_have_count(1)
    expect(default).to_have_attribute("srclang", lang)
    expect(video.locator('track[kind="captions"]')).to_have_count(2)
    expect(video.locator('track[kind="chapters"]')).to_have_count(1)
    current = panel.locator('.tutorial-chapters a[aria-current="true"]')
    expect(current).to_have_attribute("data-chapter", chapter["id"])
    transcript = panel.locator(f'[data-chapter-transcript="{chapter["id"]}"]')
    expect(transcript).to_be_visible()
    expect(transcript).to_contain_text(chapter["transcript"][lang])
    # Only the stage's chapter is shown: another chapter's transcript is hidden.
    other = next(c for c in CHAPTERS.values() if c["id"] != chapter["id"])
    expect(panel.locator(f'[data-chapter-transcript="{other["id"]}"]')).to_be_hidden()
    # The browser itself reads the captions track in the page's language.
    page.wait_for_function(
        """lang => { const v = document.querySelector('details[data-tutorial-panel] video');
                     const t = Array.from(v.textTracks)
                                    .find(t => t.kind === 'captions' && t.mode === 'showing');
                     return t && t.language === lang; }""",
        arg=lang,
    )


ANONYMOUS_STAGES = [
    ("/register", "register"),
    ("/login", "login"),
    ("/permits", "choose_category"),
]


@pytest.fixture(scope="session")
def plain_permit(live, seeded_tutorials):
    """A permit without a recorded guide of its own (every seeded one has its own now): its
    stages show the general guide."""
    from portal.extensions import db
    from tests.wizard_helpers import make_category

    with live.app.app_context():
        slug = make_category(slug=f"tanpa-panduan-{uuid.uuid4().hex[:8]}").slug
        db.session.commit()
        db.session.remove()
    return f"/permits/{slug}"


def anonymous_stages(plain_permit: str) -> list[tuple[str, str]]:
    return [*ANONYMOUS_STAGES, (plain_permit, "requirements")]


def test_every_stage_shows_its_chapter_with_captions_in_the_page_language(
    new_context, applications, plain_permit, screenshot
):
    """The whole path in Indonesian, the portal's default language."""
    user, draft_id, submitted_id = applications("id")
    page = new_context(locale="id-ID", reduced_motion="reduce")
    for path, stage in anonymous_stages(plain_permit):
        page.goto(path, wait_until="domcontentloaded")
        expect_stage_panel(page, stage, "id")
    screenshot(page, "catalogue-detail")

    log_in(page, user)
    draft = f"/applications/{draft_id}"
    for path, stage in [
        (f"{draft}/requirements", "requirements"),
        (f"{draft}/form/business", "fill_form"),
        (f"{draft}/documents", "upload_documents"),
        (f"{draft}/review", "review_submit"),
        (f"/applications/{submitted_id}", "track_status"),
    ]:
        page.goto(path, wait_until="domcontentloaded")
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        expect_stage_panel(page, stage, "id")
    screenshot(page, "application-detail")


def test_an_english_page_shows_english_captions_and_transcript(new_context, plain_permit):
    """A browser asking for English gets the English chapter, captions on by default and
    transcript (the wizard stages share the template, so the public stages stand for all)."""
    page = new_context(locale="en-US", reduced_motion="reduce")
    for path, stage in anonymous_stages(plain_permit):
        page.goto(path, wait_until="domcontentloaded")
        expect_stage_panel(page, stage, "en")


def test_video_seeks_with_range_requests_and_progress_is_recorded(
    new_context, live, applications, seeded_tutorials, screenshot
):
    from portal.extensions import db
    from portal.tutorials.models import TutorialView

    user, draft_id, _submitted = applications("en")
    page = new_context(locale="en-US", reduced_motion="reduce")
    video_responses = []
    page.on(
        "response",
        lambda r: (
            video_responses.append(r) if f"/tutorials/media/{seeded_tutorials}/video" in r.url else None
        ),
    )
    log_in(page, user)
    page.goto(f"/applications/{draft_id}/documents", wait_until="domcontentloaded")
    chapter = CHAPTERS["upload_documents"]
    video = page.locator('details[data-stage="upload_documents"] video')
    assert page.evaluate(
        'document.createElement("video").canPlayType(\'video/mp4; codecs="avc1.42E01E"\')'
    ) in ("probably", "maybe")

    # The metadata is read through a range request, and the video is at the stage's chapter.
    # Predicates are functions, not expression strings: an expression is eval'ed in the page,
    # which the portal's CSP (no 'unsafe-eval') refuses.
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.wait_for_function(
        "t => document.querySelector('video').currentTime >= t", arg=chapter["start"] - 0.5
    )
    partial = [r for r in video_responses if r.status == 206]
    assert partial, [(r.status, r.url) for r in video_responses]
    assert all(r.status in (206, 304) for r in video_responses), [
        (r.status, r.request.headers.get("range")) for r in video_responses
    ]
    first = partial[0]
    assert re.fullmatch(r"bytes \d+-\d+/\d+", first.headers["content-range"])
    assert first.headers["content-type"] == "video/mp4"

    # Seek near the end and play, muted (headless Chromium refuses unmuted autoplay).
    seen = len(video_responses)
    target = GENERAL["duration_seconds"] - 20
    page.evaluate(
        """t => { const v = document.querySelector('video'); v.muted = true;
                            v.currentTime = t; return v.play(); }""",
        target,
    )
    page.wait_for_function(
        """t => { const v = document.querySelector('video');
                                     return !v.paused && v.currentTime > t; }""",
        arg=target + 0.5,
    )
    # The seek far into the file is answered from a middle range, not by reading from byte 0.
    middle = [
        r.headers["content-range"]
        for r in video_responses[seen:]
        if r.status == 206 and not r.headers["content-range"].startswith("bytes 0-")
    ]
    assert middle, [(r.status, r.request.headers.get("range")) for r in video_responses]
    start, end, total = map(int, re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", middle[0]).groups())
    assert 0 < start <= end == total - 1
    screenshot(page, "playing")

    # Pausing reports the position: a POST with the CSRF token, answered 200.
    # (The report sent when playback started carries a position just after the seek.)
    def pause_report(response) -> bool:
        return (
            response.url.endswith(f"/tutorials/{seeded_tutorials}/progress")
            and response.request.method == "POST"
            and (response.request.post_data_json or {}).get("position", 0) > target + 0.5
        )

    with page.expect_response(pause_report) as reported:
        video.evaluate("v => v.pause()")
    assert reported.value.status == 200, reported.value.text()
    position = page.evaluate("document.querySelector('video').currentTime")
    with live.app.app_context():
        view = db.session.scalar(
            db.select(TutorialView).filter_by(user_id=user.id, tutorial_id=seeded_tutorials)
        )
        assert view is not None
        assert target < view.furthest_seconds <= position + 0.5
        db.session.remove()

    # A chapter played through to its end gets its "watched" mark (the shortest one, at 2x:
    # faster playback would look like skipping ahead between two timeupdate events).
    last = min(GENERAL["chapters"], key=lambda c: c["end"] - c["start"])
    page.evaluate(
        """t => { const v = document.querySelector('video'); v.playbackRate = 2;
                            v.currentTime = t; return v.play(); }""",
        last["start"],
    )
    badge = page.locator(
        f'details[data-stage="upload_documents"] a[data-chapter="{last["id"]}"] ~ .tutorial-watched'
    )
    expect(badge).to_be_visible(timeout=15_000)
    with live.app.app_context():
        view = db.session.scalar(
            db.select(TutorialView).filter_by(user_id=user.id, tutorial_id=seeded_tutorials)
        )
        assert last["id"] in view.chapters_completed
        db.session.remove()


def test_library_search_finds_a_chapter_by_a_word_of_its_transcript(
    new_context, seeded_tutorials, screenshot
):
    chapter = CHAPTERS["register"]
    page = new_context(locale="id-ID", reduced_motion="reduce")

    # In English: a word of the chapter's English transcript.
    assert "verification" in chapter["transcript"]["en"].lower()
    page.goto("/tutorials?lang=en", wait_until="domcontentloaded")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.fill('main form [name="q"]', "verification")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form [name="q"]').press("Enter")
    match = page.locator("main li.tutorial-chapter.is-match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text(chapter["title"]["en"])

    # In Indonesian, the page's default: a word of the Indonesian transcript.
    assert "verifikasi" in chapter["transcript"]["id"].lower()
    page.goto("/tutorials?lang=id", wait_until="domcontentloaded")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.fill('main form [name="q"]', "verifikasi")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator('main form [name="q"]').press("Enter")
    expect(page).to_have_url(re.compile(r"/tutorials\?q=verifikasi"))
    match = page.locator("main li.tutorial-chapter.is-match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text(chapter["title"]["id"])
    screenshot(page, "search")

    # The chapter is a deep link: the watch page starts the video there, with its transcript.
    with page.expect_navigation(wait_until="domcontentloaded"):
        match.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/tutorials/{seeded_tutorials}\?chapter={chapter['id']}$"))
    source = page.locator("main video source")
    assert source.get_attribute("src").endswith(f"#t={chapter['start']:.3f}")
    expect(page.locator(f'main [data-chapter-transcript="{chapter["id"]}"]')).to_contain_text(
        chapter["transcript"]["id"]
    )
