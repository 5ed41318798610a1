"""axe-core on every applicant-facing page (and the officer's queue and review page), in
Indonesian and in English: zero violations of the WCAG 2.2 A and AA rules. A failure prints each
rule, the selector of every failing element and the rule's help URL.

The pages come from tests/browser/a11y.py PAGES: a new page is one line there.
"""

from __future__ import annotations

import pytest

from tests.browser.a11y import PAGES, RolePages, format_violations, page_id, run_axe, site

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]


@pytest.fixture(scope="module")
def role_pages(browser, live):
    opened: dict[str, RolePages] = {}

    def _get(lang: str) -> RolePages:
        if lang not in opened:
            opened[lang] = RolePages(browser, live, lang)
        return opened[lang]

    yield _get
    for pages in opened.values():
        pages.close()


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_page_has_no_wcag_violations(role_pages, live, spec, lang):
    s = site(live)
    pages = role_pages(lang)
    page = pages.get(spec.role)
    page.goto(spec.url(s))
    if spec.then:
        spec.then(page)
    assert page.locator("html").get_attribute("lang") == lang
    violations = run_axe(page)
    assert not violations, format_violations(violations, f"{spec.name} ({page.url}, {lang})")
    assert not pages.problems()
