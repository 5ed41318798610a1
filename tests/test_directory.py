"""The service mall's directory: public pages, "open now" in the office's time zone and on
holidays, the citizen's search finding an agency by its services, and the admin's editing with
its refusals (links that are not https, closing before opening)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from portal.auth.models import Role
from portal.calendar.models import Holiday
from portal.directory.hours import open_state
from portal.directory.models import Agency, AgencyService
from portal.directory.seed import seed_directory
from portal.extensions import db
from tests.conftest import post_form
from tests.wizard_helpers import make_category


@pytest.fixture
def mall():
    list(seed_directory())
    return {a.slug: a for a in db.session.scalars(select(Agency))}


def _utc(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# -- the public pages -------------------------------------------------------------------------
def test_directory_lists_agencies_with_counters_and_is_cacheable(client, mall):
    response = client.get("/mal-pelayanan")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Samsat" in html and "Dukcapil" in html and "BPJS Kesehatan" in html
    assert "B1-B3" in html
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")


def test_agency_page_shows_services_counters_requirements_hours_and_links(client, mall):
    html = client.get("/mal-pelayanan/bpjs-kesehatan?lang=en").get_data(as_text=True)
    assert "Registering as an independent member" in html
    assert "C1" in html and "Family card" in html
    assert "08:00–15:00" in html
    assert 'href="https://www.bpjs-kesehatan.go.id"' in html


def test_hidden_agency_is_not_found(client, mall):
    mall["pdam"].active = False
    db.session.flush()
    assert client.get("/mal-pelayanan/pdam").status_code == 404
    assert "Perumda Air Minum" not in client.get("/mal-pelayanan").get_data(as_text=True)


# -- open now -------------------------------------------------------------------------------------
def test_open_now_is_judged_in_the_office_time_zone(app, mall):
    samsat = mall["samsat"]
    assert app.config["TIMEZONE"] == "Asia/Makassar"  # UTC+8
    # Monday 7 Dec 2026, 01:30 UTC = 09:30 WITA: open (in UTC it would be before opening)
    state = open_state(samsat, _utc(2026, 12, 7, 1, 30))
    assert state.open and state.closes == time(15)
    # Monday 07:30 UTC = 15:30 WITA: closed (in UTC it would be open)
    assert not open_state(samsat, _utc(2026, 12, 7, 7, 30)).open
    # Monday 23:30 UTC on Sunday 6 Dec = 07:30 WITA Monday: closed, opens at 08:00
    early = open_state(samsat, _utc(2026, 12, 6, 23, 30))
    assert not early.open and early.opens == time(8)
    # Saturday 12 Dec, 03:00 UTC = 11:00 WITA: Samsat opens on Saturday mornings, BPJS does not
    assert open_state(samsat, _utc(2026, 12, 12, 3)).open
    assert not open_state(mall["bpjs-kesehatan"], _utc(2026, 12, 12, 3)).open
    # Sunday: closed
    assert not open_state(samsat, _utc(2026, 12, 13, 3)).open


def test_closed_on_the_office_holidays(app, mall):
    db.session.add(Holiday(day=date(2026, 12, 25), name="Natal"))
    db.session.flush()
    state = open_state(mall["samsat"], _utc(2026, 12, 25, 2))  # Friday 10:00 WITA
    assert not state.open and state.holiday


# -- search ----------------------------------------------------------------------------------------
def test_search_perpanjang_stnk_finds_samsat(client, mall):
    html = client.get("/search?q=perpanjang+STNK").get_data(as_text=True)
    assert 'href="/mal-pelayanan/samsat"' in html
    assert "Dukcapil" not in html.split("search-permits", 1)[1].split("</ol>", 1)[0]


def test_search_finds_an_agency_by_its_service_words_and_forgets_a_removed_service(client, mall):
    assert 'href="/mal-pelayanan/imigrasi"' in client.get("/search?q=bikin+paspor").get_data(as_text=True)
    assert 'href="/mal-pelayanan/dukcapil"' in client.get("/search?q=pecah+kk").get_data(as_text=True)
    family_card = next(s for s in mall["dukcapil"].services if "pecah kk" in s.keywords)
    db.session.delete(family_card)
    db.session.flush()
    assert 'href="/mal-pelayanan/dukcapil"' not in client.get("/search?q=pecah+kk").get_data(as_text=True)


def test_search_still_finds_the_office_own_permits(client, mall):
    make_category(slug="izin-uji")
    html = client.get("/search?q=izin+uji").get_data(as_text=True)
    assert "/permits/izin-uji" in html


# -- the admin's editing ---------------------------------------------------------------------------
def _agency_form(**extra):
    data = {"name_id": "Kantor Pertanahan (BPN)", "name_en": "Land office", "counters": "G1", "active": "y"}
    for day in range(5):
        data[f"opens_{day}"], data[f"closes_{day}"] = "08:00", "14:00"
    data.update(extra)
    return data


def test_admin_adds_an_agency_with_hours_and_a_service(client, login_as):
    login_as(Role.ADMIN)
    response = post_form(client, "/admin/directory/new", _agency_form())
    assert response.status_code == 302
    agency = db.session.scalar(select(Agency).where(Agency.name_id == "Kantor Pertanahan (BPN)"))
    assert [h.weekday for h in agency.hours] == [0, 1, 2, 3, 4]
    response = post_form(
        client,
        f"/admin/directory/{agency.id}/services/new",
        {
            "name_id": "Sertifikat tanah",
            "counter": "G1",
            "requirements_id": "KTP\nSurat tanah",
            "link": "https://www.atrbpn.go.id",
            "keywords": "balik nama sertifikat",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/mal-pelayanan/{agency.slug}").get_data(as_text=True)
    assert "Sertifikat tanah" in html and "Surat tanah" in html and "08:00–14:00" in html
    assert f'href="/mal-pelayanan/{agency.slug}"' in client.get("/search?q=balik+nama+sertifikat").get_data(
        as_text=True
    )


@pytest.mark.parametrize("link", ["javascript:alert(document.cookie)", "data:text/html,x", "http://x.go.id"])
def test_admin_service_with_a_bad_link_is_refused_and_nothing_saved(client, login_as, mall, link):
    login_as(Role.ADMIN)
    samsat = mall["samsat"]
    before = db.session.scalar(select(db.func.count()).select_from(AgencyService))
    response = post_form(
        client, f"/admin/directory/{samsat.id}/services/new", {"name_id": "Blokir STNK", "link": link}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "https://" in html and "Blokir STNK" in html  # the message, and what was typed is kept
    assert db.session.scalar(select(db.func.count()).select_from(AgencyService)) == before


def test_admin_agency_website_javascript_is_refused(client, login_as):
    login_as(Role.ADMIN)
    response = post_form(client, "/admin/directory/new", _agency_form(website="javascript:alert(1)"))
    assert response.status_code == 200
    assert db.session.scalar(select(Agency).where(Agency.name_id == "Kantor Pertanahan (BPN)")) is None


@pytest.mark.parametrize("times", [("14:00", "08:00"), ("08:00", "08:00"), ("08:00", ""), ("", "14:00")])
def test_admin_hours_closing_before_opening_or_half_filled_are_refused(client, login_as, times):
    login_as(Role.ADMIN)
    response = post_form(client, "/admin/directory/new", _agency_form(opens_2=times[0], closes_2=times[1]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wednesday" in html or "Rabu" in html
    assert db.session.scalar(select(Agency).where(Agency.name_id == "Kantor Pertanahan (BPN)")) is None


def test_admin_edits_and_removes_a_service_and_an_agency(client, login_as, mall):
    login_as(Role.ADMIN)
    samsat = mall["samsat"]
    service = samsat.services[0]
    response = post_form(
        client,
        f"/admin/directory/{samsat.id}/services/{service.id}/edit",
        {"name_id": "Bayar pajak kendaraan", "counter": "B9"},
    )
    assert response.status_code == 302
    assert "B9" in client.get("/mal-pelayanan/samsat").get_data(as_text=True)
    post_form(
        client,
        f"/admin/directory/{samsat.id}/services/{service.id}/delete",
        {},
        page=f"/admin/directory/{samsat.id}/services/{service.id}/edit",
    )
    assert db.session.get(AgencyService, service.id) is None
    post_form(client, f"/admin/directory/{samsat.id}/delete", {}, page=f"/admin/directory/{samsat.id}/edit")
    assert client.get("/mal-pelayanan/samsat").status_code == 404


def test_a_service_of_another_agency_is_not_found(client, login_as, mall):
    login_as(Role.ADMIN)
    other = mall["dukcapil"].services[0]
    assert client.get(f"/admin/directory/{mall['samsat'].id}/services/{other.id}/edit").status_code == 404


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HELPDESK, Role.APPLICANT])
def test_only_admins_edit_the_directory(client, login_as, mall, role):
    login_as(role)
    assert client.get("/admin/directory/").status_code == 403
    response = client.post(f"/admin/directory/{mall['samsat'].id}/delete")
    assert response.status_code in (400, 403)
    assert db.session.get(Agency, mall["samsat"].id) is not None


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get("/admin/directory/").status_code == 302


@pytest.mark.parametrize(
    "path", ["/mal-pelayanan/%00", "/mal-pelayanan/a%00b", "/profile/%00", "/profile/visi%00"]
)
def test_a_nul_or_stray_value_in_a_slug_is_not_found(client, path):
    """PostgreSQL refuses NUL in text: a slug with one answered 500 there (the route fuzzer)."""
    response = client.get(path)
    assert response.status_code == 404
