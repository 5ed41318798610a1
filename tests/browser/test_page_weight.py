"""Low bandwidth: the first load of a wizard page (HTML, CSS, JS and fonts; not the video guide's
video, audio or images) is at most 200 KB as transferred, and each later page at most 50 KB, with
the browser's cache on. Measured from the browser's own resource timings (transferSize of the
navigation and of every resource), so compression and caching are what the browser really got
from the live server (werkzeug: the app compresses, not only nginx)."""

from __future__ import annotations

import pytest

from tests.browser.a11y import logged_in_state, site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

FIRST_LOAD_LIMIT = 200 * 1024
LATER_PAGE_LIMIT = 50 * 1024

WEIGHT = """() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const items = [{name: location.pathname, type: 'navigation', size: nav.transferSize,
                    body: nav.decodedBodySize}];
    for (const r of performance.getEntriesByType('resource')) {
        items.push({name: r.name, type: r.initiatorType, size: r.transferSize,
                    body: r.decodedBodySize});
    }
    return items;
}"""
#: The video guide's media are not part of the budget (they load only when played; the poster
#: is an image).
NOT_COUNTED_TYPES = {"video", "audio", "img", "track", "image"}


def weigh(page) -> tuple[int, list[dict]]:
    page.wait_for_load_state("load")
    items = [
        i
        for i in page.evaluate(WEIGHT)
        if i["type"] not in NOT_COUNTED_TYPES and "/tutorials/media/" not in i["name"]
    ]
    return sum(i["size"] for i in items), items


def report(items: list[dict]) -> str:
    return "\n".join(
        f"  {i['size']:>7} B ({i['body']:>7} B decoded) {i['type']:<10} {i['name']}" for i in items
    )


def test_wizard_pages_stay_within_the_budget(new_context, browser, live):
    s = site(live)
    page = new_context(storage_state=logged_in_state(browser, live, "applicant"))

    page.goto(f"/applications/{s.draft_id}/requirements")
    total, items = weigh(page)
    assert total <= FIRST_LOAD_LIMIT, f"first load {total} B:\n{report(items)}"
    css = [i for i in items if "bootstrap.min.css" in i["name"]]
    assert css, report(items)
    assert css[0]["size"] < css[0]["body"] / 4, f"Bootstrap not compressed:\n{report(items)}"
    print(f"\nfirst load of a wizard page: {total} B\n{report(items)}")
    seen = {i["name"] for i in items}

    for path in (s.form_url(), f"/applications/{s.draft_id}/documents", f"/applications/{s.draft_id}/review"):
        page.goto(path)
        total, items = weigh(page)
        assert total <= LATER_PAGE_LIMIT, f"{path}: {total} B:\n{report(items)}"
        # Nothing static is fetched again: fingerprinted files are cached for a year.
        refetched = [i for i in items if i["name"] in seen and "/static/" in i["name"] and i["size"] > 0]
        seen |= {i["name"] for i in items}
        assert not refetched, f"{path} fetched static files again:\n{report(refetched)}"
        print(f"later page {path}: {total} B")
