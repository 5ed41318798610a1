"""The guards every browser test relies on: the real browser enforces the Content Security
Policy (no inline script runs, no inline style applies), and a CSP violation or a JavaScript
error is noticed, so the other browser tests would fail on one."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def _wait_for(page, condition, tries: int = 60) -> None:
    """Let Playwright deliver the page's events (it does so only inside its own calls)."""
    for _ in range(tries):
        if condition():
            return
        page.wait_for_timeout(50)


def test_inline_script_and_style_are_blocked_and_reported(watched_page):
    page, watcher = watched_page
    page.goto("/")
    assert watcher.problems == []

    # What an injected <script> or style="" attribute in a template would do.
    page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineScriptRan = true;";
        document.body.appendChild(script);
        document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
    }""")
    _wait_for(page, lambda: len(watcher.problems) >= 2)

    assert page.evaluate("window.inlineScriptRan === undefined")
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    assert len([p for p in watcher.problems if p.startswith("CSP violation")]) == 2, watcher.problems


def test_javascript_error_is_reported(watched_page):
    page, watcher = watched_page
    page.goto("/")
    page.evaluate("() => { setTimeout(() => { throw new Error('boom from a page script'); }); }")
    _wait_for(page, lambda: watcher.problems)
    assert any("JS error" in p and "boom from a page script" in p for p in watcher.problems), watcher.problems
