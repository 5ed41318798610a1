"""The API's pages in Chromium, in Indonesian: the admin issues a partner token on a 360 px
phone without JavaScript needed (the token shown once, then only its start), revokes it; the
API reference draws the schema with the vendored Swagger UI (no CSP violation) on a desktop."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}


def _submit(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_admin_issues_and_revokes_a_token_on_a_phone(new_context, live_user, live_server, screenshot):
    admin = live_user("admin")
    page = new_context(viewport=PHONE, java_script_enabled=False)
    log_in(page, admin, "/admin/api")
    expect(page.locator("h1")).to_have_text("API dan webhook")
    page.fill("#name", "Dinas PUPR")
    page.check("#all_categories")
    page.fill("#rate_limit_per_minute", "30")
    _submit(page, page.get_by_role("button", name="Terbitkan token"))
    token = page.locator("#issued-token").input_value()
    assert token.startswith("sp_")
    screenshot(page, "issued", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        f"{live_server}/api/v1/partner/applications", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live server
        assert response.status == 200
    page.goto("/admin/api")
    assert token not in page.content()  # shown once
    expect(page.locator("td code").first).to_have_text(token[:10] + "…")
    _submit(page, page.get_by_role("button", name=re.compile("Cabut")))
    expect(page.locator(".alert")).to_contain_text("Token dicabut")
    screenshot(page, "revoked", full_page=True)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert refused.value.code == 401


def test_the_api_reference_draws_the_schema(new_context, screenshot):
    page = new_context()
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Referensi API")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    expect(
        page.locator(".opblock-summary-path").filter(has_text="/api/v1/partner/applications").first
    ).to_be_visible()
    screenshot(page, "docs", full_page=False)
    phone = new_context(viewport=PHONE)
    phone.goto("/api/v1/docs")
    expect(phone.locator(".opblock").first).to_be_visible(timeout=20_000)
    screenshot(phone, "docs-phone", full_page=False)
