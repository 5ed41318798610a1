"""Issue 20's service mall directory, events agenda and profile pages in Chromium, in
Indonesian: an admin adds an agency with a service, its counter and opening hours, then edits
it; adds an event with a picture; adds a profile page and moves it up the menu. A visitor on a
360 px phone and on a desktop then finds the agency in /mal-pelayanan and through the search,
sees the event under the upcoming events, downloads its iCal (parsed back with icalendar, as
tests/test_events.py does) and sees the new page in the profile menu in its new place.
Screenshots in test-artifacts/screenshots/.

Other browser tests fill the live server with permit types, events and pages: nothing here
depends on being on a list's first page (the lists are paged through)."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.extensions import db
from portal.site.models import ProfilePage
from tests.browser.conftest import log_in
from tests.browser.test_website_journey import picture, submit

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def letters(n: int = 8) -> str:
    """A word of letters only: the search splits words on digits."""
    return "".join(random.choices(string.ascii_lowercase, k=n))  # noqa: S311 - a test's name


def find_on_pages(page, first_url: str, locator: str, limit: int = 20):
    """Go through a paged list (rel=next) until ``locator`` is on the page."""
    page.goto(first_url)
    for _ in range(limit):
        if page.locator(locator).count():
            return page.locator(locator).first
        next_link = page.locator('a[rel="next"]')
        if not next_link.count():
            break
        with page.expect_navigation():
            next_link.first.click()
    raise AssertionError(f"{locator} is on none of the pages of {first_url}")


def profile_menu(page) -> list[str]:
    return [t.strip() for t in page.locator("nav.mb-4 .profile-nav a").all_inner_texts()]


def test_admin_fills_the_mall_agenda_and_profile_and_a_visitor_finds_them(
    live, live_user, new_context, screenshot, tmp_path: Path
):
    word = letters()
    agency_name = f"Kantor Uji {word.capitalize()}"
    with live.app.app_context():
        if db.session.query(ProfilePage).count() == 0:  # a page for the new one to pass
            db.session.add(ProfilePage(slug="about", position=1, title_id="Tentang kami", title_en="About"))
            db.session.commit()
        db.session.remove()
    admin = live_user(Role.ADMIN)
    page = new_context()
    log_in(page, admin)

    # -- an agency with its hours, a service with its counter; then an edit -----------------
    page.goto("/admin/directory/new")
    page.fill("#name_id", agency_name)
    page.fill("#summary_id", f"Layanan uji {word} untuk warga.")
    page.fill("#counters", "K7")
    page.fill("#website", "javascript:alert(1)")
    for day in range(5):
        page.fill(f"#opens_{day}", "08:00")
        page.fill(f"#closes_{day}", "15:00")
    submit(page, "main form")
    expect(page.locator("main")).to_contain_text("https://")  # the javascript: link is refused
    page.fill("#website", "https://kantor-uji.example/layanan")
    submit(page, "main form")
    expect(page.locator(".alert-success")).to_be_visible()
    services_url = page.url
    page.get_by_role("link", name="Tambah layanan").click()
    page.fill("#name_id", f"Legalisir {word}")
    page.fill("#counter", "K7-2")
    page.fill("#requirements_id", "KTP asli\nFotokopi dokumen")
    page.fill("#keywords", f"cap basah {word}")
    submit(page, "main form")
    expect(page.locator("main")).to_contain_text(f"Legalisir {word}")
    page.get_by_role("link", name="Ubah instansi").click()
    expect(page.locator("#opens_0")).to_have_value("08:00")
    page.fill("#counters", "K7-K8")
    page.fill("#closes_4", "12:00")  # Friday: a short day
    submit(page, "main form")
    expect(page.locator(".alert-success")).to_be_visible()
    assert page.url == services_url
    screenshot(page, "admin-agency-services", full_page=True)

    # -- an event with a picture, tomorrow -----------------------------------------------------
    tomorrow = date.today() + timedelta(days=1)
    event_title = f"Sosialisasi perizinan {word}"
    page.goto("/admin/events/new")
    page.fill("#title_id", event_title)
    page.fill("#place", "Aula Mal Pelayanan Publik")
    page.fill("#start_date", tomorrow.isoformat())
    page.fill("#start_time", "09:00")
    page.fill("#end_date", tomorrow.isoformat())
    page.fill("#end_time", "12:00")
    page.set_input_files("#image", picture(1200, 700, (160, 60, 20)))
    page.fill("#image_alt", "Warga mengikuti sosialisasi di aula")
    submit(page, "main form")
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "admin-event", full_page=True)

    # -- a profile page, added last, then moved up one place ----------------------------------
    slug, page_title = f"halaman-{word}", f"Jam layanan {word}"
    page.goto("/admin/website/pages/new")
    page.fill("#slug", "jam/layanan")  # a slash is refused
    page.fill("#title_id", page_title)
    submit(page, "main form")
    expect(page.locator("#slug-error")).to_contain_text("huruf a sampai z")
    page.fill("#slug", slug)
    page.fill("#title_en", f"Service hours {word}")
    page.fill("#body_id", "Loket buka **Senin sampai Jumat**.")
    submit(page, "main form")
    expect(page.locator(".alert-success")).to_contain_text(page_title)
    titles = [t.strip() for t in page.locator(".profile-pages-admin li strong").all_inner_texts()]
    assert titles[-1].endswith(page_title)
    before = titles[-2].split(". ", 1)[1]
    with page.expect_navigation():
        page.get_by_role("button", name=f'Pindahkan "{page_title}" ke atas').click()
    expect(page.locator(".alert-success")).to_contain_text("dipindahkan")
    titles = [
        t.strip().split(". ", 1)[1] for t in page.locator(".profile-pages-admin li strong").all_inner_texts()
    ]
    assert titles.index(page_title) == titles.index(before) - 1
    screenshot(page, "admin-profile-pages", full_page=True)

    # -- a visitor, on a phone and a desktop, in Indonesian ----------------------------------------
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        visitor = new_context(viewport=viewport)
        card = find_on_pages(visitor, "/mal-pelayanan", f'main a:text-is("{agency_name}")')
        expect(card).to_be_visible()
        assert visitor.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(visitor, f"mall-{name}", full_page=True)

        visitor.goto("/")
        visitor.fill("#home-q", f"cap basah {word}")
        with visitor.expect_navigation():
            visitor.locator("#home-q").press("Enter")
        result = visitor.locator(f'main a[href^="/mal-pelayanan/"]:has-text("{agency_name}")')
        expect(result.first).to_be_visible()
        screenshot(visitor, f"search-{name}", full_page=True)
        with visitor.expect_navigation():
            result.first.click()
        main = visitor.locator("main")
        expect(main).to_contain_text(f"Legalisir {word}")
        expect(main).to_contain_text("K7-2")
        expect(main).to_contain_text("K7-K8")
        expect(main).to_contain_text("12:00")  # Friday's changed closing time
        assert visitor.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(visitor, f"agency-{name}", full_page=True)

        link = find_on_pages(visitor, "/events", f'main a:text-is("{event_title}")')
        with visitor.expect_navigation():
            link.click()
        expect(visitor.locator('main img[alt="Warga mengikuti sosialisasi di aula"]')).to_be_visible()
        expect(visitor.locator("main")).to_contain_text("Aula Mal Pelayanan Publik")
        screenshot(visitor, f"event-{name}", full_page=True)
        with visitor.expect_download() as download_info:
            visitor.get_by_role("link", name="Tambahkan ke kalender saya (iCal)").click()
        saved = tmp_path / f"event-{name}.ics"
        download_info.value.save_as(saved)
        calendar = Calendar.from_ical(saved.read_bytes())
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == event_title
        assert str(vevent["LOCATION"]) == "Aula Mal Pelayanan Publik"
        start = vevent.decoded("DTSTART")
        assert start.date() == tomorrow and start.utcoffset() is not None

        visitor.goto("/profile")
        menu = profile_menu(visitor)
        assert menu.index(page_title) == menu.index(before) - 1, menu
        with visitor.expect_navigation():
            visitor.locator("nav.mb-4 .profile-nav").get_by_role("link", name=page_title).click()
        expect(visitor.locator("main strong")).to_contain_text("Senin sampai Jumat")
        assert visitor.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(visitor, f"profile-page-{name}", full_page=True)
