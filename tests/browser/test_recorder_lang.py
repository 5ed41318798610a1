"""Issue 14: the recorder launches Chromium in the recording's language (``--lang=id`` or
``--lang=en``), so the browser itself (its Accept-Language, navigator.language, built-in
texts such as the file picker's) speaks the guide's language, not only the page."""

from __future__ import annotations

import threading

import pytest

from portal.recorder.driver import chromium_args, chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


@pytest.mark.parametrize(("lang", "flag"), [("id", "--lang=id"), ("en", "--lang=en")])
def test_the_recorders_browser_speaks_the_recordings_language(lang, flag, live):
    from playwright.sync_api import sync_playwright

    args = chromium_args(lang)
    assert flag in args and "--no-sandbox" in args
    seen: dict[str, str] = {}

    def _run() -> None:  # its own thread: the session's Playwright runs in this one
        with sync_playwright() as manager:
            browser = manager.chromium.launch(executable_path=chromium_path(), headless=True, args=args)
            try:
                page = browser.new_context().new_page()  # no locale of its own: the browser's
                seen["language"] = page.evaluate("navigator.language")
                page.goto(f"{live.url}/login")
                seen["heading"] = page.locator("main h1").inner_text()
            finally:
                browser.close()

    thread = threading.Thread(target=_run)
    thread.start()
    thread.join(timeout=120)
    assert seen["language"].split("-")[0] == lang
    assert seen["heading"] == ("Masuk" if lang == "id" else "Log in")
