"""Without JavaScript: the whole applicant journey still completes (register, confirm, apply,
fill, upload, submit), and the video guides still offer the video with the browser's own
controls and the transcript, on a wizard stage and on the watch page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import MouseDriver, applicant_journey, logged_in_state, site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def test_applicant_journey_completes_without_javascript(new_context, live, live_mail, screenshot):
    page = new_context(locale="id-ID", java_script_enabled=False)
    assert page.evaluate("1") == 1  # Playwright's own calls still work; page scripts do not run

    def summary_is_there(page):
        # Without JavaScript nothing moves the focus; the summary is first in the main content
        # and each of its links still points at a field on the page.
        for href in page.locator("#error-summary a").evaluate_all("as => as.map(a => a.hash)"):
            expect(page.locator(href)).to_have_count(1)

    number = applicant_journey(
        MouseDriver(page), live_mail, site(live), screenshot, after_error=summary_is_there
    )
    assert number.startswith("SP-")


def test_video_guides_show_native_video_and_transcript_without_javascript(
    new_context, live, browser, screenshot
):
    s = site(live)
    page = new_context(
        locale="en-US", java_script_enabled=False, storage_state=logged_in_state(browser, live, "applicant")
    )
    page.goto(f"/applications/{s.draft_id}/documents?lang=en")
    panel = page.locator("details.tutorial-panel")
    # One line until tapped (issue 14): the native <details> opens without JavaScript.
    expect(panel).not_to_have_attribute("open", "")
    panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    video = panel.locator("video")
    expect(video).to_be_visible()
    expect(video).to_have_attribute("controls", "")
    transcript = panel.locator(".tutorial-transcript")
    expect(transcript).to_be_visible()
    assert len(transcript.inner_text().strip()) > 40
    screenshot(page, "wizard-panel")

    page.goto(f"/tutorials/{s.tutorial_id}")
    expect(page.locator("main video[controls]")).to_be_visible()
    expect(page.locator("main #transcript")).to_be_visible()
    assert len(page.locator("main section[aria-labelledby=transcript]").inner_text()) > 200
    # The small and the audio-only renditions are plain links.
    expect(page.locator('main a[data-rendition="small"]')).to_have_count(1)
    expect(page.locator('main .tutorial-renditions a[type^="audio/"]')).to_have_count(1)
    screenshot(page, "watch")
