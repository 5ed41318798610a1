"""Keyboard only: a new applicant registers, confirms the email, applies, fills the pages,
uploads and submits with Tab, Enter, Space and arrow keys alone; the focus is always visible;
after a failed submit the focus is on the error summary, whose links move it to the fields."""

from __future__ import annotations

import pytest

from tests.browser.a11y import KeyboardDriver, applicant_journey, site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


def test_new_applicant_applies_with_the_keyboard_alone(new_context, live, live_mail, screenshot):
    page = new_context(locale="id-ID")
    driver = KeyboardDriver(page)

    def errors_lead_to_the_fields(page):
        # Focus is on the summary (announced by screen readers), and is visible.
        assert page.evaluate("document.activeElement.id") == "error-summary"
        driver.assert_focus_visible()
        links = page.locator("#error-summary a")
        assert links.count() >= 1
        for i in range(links.count()):
            target = links.nth(i).get_attribute("href").lstrip("#")
            # Forward from the summary to the first link; back up from a field to the others.
            if i == 0:
                driver.focus(f'#error-summary a[href="#{target}"]')
            else:
                driver.focus_back(f'#error-summary a[href="#{target}"]')
            driver.assert_focus_visible()
            page.keyboard.press("Enter")
            focused = page.evaluate("document.activeElement.id")
            assert focused == target, f"the link to #{target} moved the focus to #{focused}"
            driver.assert_focus_visible()

    number = applicant_journey(
        driver, live_mail, site(live), screenshot, after_error=errors_lead_to_the_fields
    )
    assert number.startswith("SP-")
    assert driver.focus_checks >= 10
