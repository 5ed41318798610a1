"""Visits, privately (issue 20, item 8) in Chromium: a visitor's browser (an ordinary Chrome
User-Agent: the headless one the suite uses is a bot and never counts) reads the FAQ twice and
the home page once; the beacon image those pages carry is what counts them. An admin then opens
"Kunjungan" (Visits) from the help desk's menu beside "where people get stuck", on a 360 px phone
and on a desktop, in Indonesian, and reads the chart and the tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import second_step

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}
CHROME = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def _views_of(live, page_key: str) -> int:
    from portal.extensions import db
    from portal.visits.models import PageViewDay

    with live.app.app_context():
        n = db.session.scalar(
            db.select(db.func.coalesce(db.func.sum(PageViewDay.views), 0)).filter_by(page=page_key)
        )
        db.session.remove()
    return int(n)


def _read(page, path: str) -> None:
    with page.expect_response(lambda r: "/v.gif" in r.url) as beacon:
        page.goto(path, wait_until="load")
    assert beacon.value.status == 200
    assert "set-cookie" not in beacon.value.headers


def test_a_visitors_views_reach_the_admins_visits_page(new_context, live, live_user, screenshot):
    faq_before, home_before = _views_of(live, "/faq"), _views_of(live, "/")
    visitor = new_context(locale="id-ID", viewport=PHONE, user_agent=CHROME)
    _read(visitor, "/faq")
    _read(visitor, "/faq")
    _read(visitor, "/")
    assert visitor.context.cookies() == []  # nothing was set on the visitor
    assert _views_of(live, "/faq") == faq_before + 2
    assert _views_of(live, "/") == home_before + 1

    admin = live_user("admin")
    for viewport, name in ((PHONE, "phone"), ({"width": 1280, "height": 800}, "desktop")):
        page = new_context(locale="id-ID", viewport=viewport)
        page.goto("/login", wait_until="domcontentloaded")
        page.fill("#email", admin.email)
        page.fill("#password", admin.password)
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator('main form button[type="submit"]').click()
        second_step(page, admin.email)
        page.goto("/helpdesk/stuck", wait_until="domcontentloaded")
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.get_by_role("link", name="Kunjungan", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Kunjungan")
        expect(page.get_by_role("img", name="Kunjungan per hari")).to_be_visible()
        expect(page.get_by_role("img", name="Halaman yang paling banyak dilihat")).to_be_visible()
        faq_row = page.locator(
            "table.visits-top-pages tr", has=page.get_by_role("link", name="/faq", exact=True)
        )
        expect(faq_row).to_have_count(1)
        assert int(faq_row.locator("td").nth(1).inner_text()) >= 2
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"visits-{name}", full_page=True)
        # The way back to the report beside it.
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.get_by_role(
                "link", name="Di sebelahnya: di mana pemohon tersendat dalam permohonannya"
            ).click()
        assert page.url.endswith("/helpdesk/stuck")
