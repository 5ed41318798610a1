"""Phones: at 360 x 640 no page scrolls sideways, every visible button is at least 44 px tall,
and the video guide panel fits the screen. A full-page screenshot of each page is saved under
test-artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import pytest

from tests.browser.a11y import PAGES, RolePages, page_id, site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

WIDTH, HEIGHT = 360, 640
MIN_TARGET = 44

MEASURE = """([WIDTH, MIN_TARGET]) => {
    const visible = el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = el => (el.id ? '#' + el.id : el.tagName.toLowerCase()) +
        ' "' + (el.innerText || el.value || '').trim().slice(0, 40) + '"';
    const small = [];
    for (const el of document.querySelectorAll('button, .btn, input[type=submit]')) {
        if (!visible(el)) continue;
        const h = el.getBoundingClientRect().height;
        if (h < MIN_TARGET - 0.5) small.push(name(el) + ' ' + h.toFixed(1) + 'px');
    }
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.right > WIDTH + 0.5 && getComputedStyle(el).position !== 'fixed') wide.push(name(el));
    }
    const panel = document.querySelector('.tutorial-panel');
    const panelRect = panel ? panel.getBoundingClientRect() : null;
    return {scrollWidth: document.documentElement.scrollWidth, small, wide: wide.slice(0, 10),
            panel: panelRect && {left: panelRect.left, right: panelRect.right}};
}"""


@pytest.fixture(scope="module")
def phone_pages(browser, live):
    pages = RolePages(
        browser,
        live,
        "id",
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    yield pages
    pages.close()


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_page_fits_a_phone(phone_pages, live, spec, screenshot):
    page = phone_pages.get(spec.role)
    page.goto(spec.url(site(live)))
    if spec.then:
        spec.then(page)
    found = page.evaluate(MEASURE, [WIDTH, MIN_TARGET])
    screenshot(page, spec.name, full_page=spec.wizard)
    assert found["scrollWidth"] <= WIDTH, (
        f"{spec.name} scrolls sideways ({found['scrollWidth']} px); too wide: {found['wide']}"
    )
    assert not found["small"], f"{spec.name}: controls under {MIN_TARGET} px: {found['small']}"
    if found["panel"]:
        assert found["panel"]["left"] >= 0, found["panel"]
        assert found["panel"]["right"] <= WIDTH, found["panel"]
    assert not phone_pages.problems()
