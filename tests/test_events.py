"""The events agenda: upcoming and past lists with paging, an event's page and picture, the iCal
feeds (parsed back: RFC 5545 UID, DTSTAMP, DATE values for all-day events, escaping of text),
and the admin's editing with its refusals (an event ending before it starts, bad pictures)."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.auth.models import Role
from portal.calendar.clock import office_today
from portal.events.models import Event
from portal.events.services import PAGE_SIZE, EventData, instants
from portal.extensions import db
from tests.conftest import csrf_token
from tests.test_site import BAD_PICTURES, jpeg, stored_files


def make_event(title="Hari pelayanan", days=3, *, all_day=False, length=1, **kw) -> Event:
    first = office_today() + timedelta(days=days)
    data = EventData(
        title_id=title,
        start_date=first,
        end_date=first + timedelta(days=length - 1),
        all_day=all_day,
        start_time=None if all_day else time(9),
        end_time=None if all_day else time(11, 30),
    )
    starts_at, ends_at = instants(data)
    event = Event(
        title_id=title,
        all_day=all_day,
        starts_at=starts_at,
        ends_at=ends_at,
        start_date=data.start_date,
        end_date=data.end_date,
        **kw,
    )
    db.session.add(event)
    db.session.flush()
    return event


def post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **data}, content_type="multipart/form-data")


def event_form(**extra) -> dict:
    day = (office_today() + timedelta(days=5)).isoformat()
    data = {
        "title_id": "Sosialisasi PBG",
        "place": "Aula MPP",
        "start_date": day,
        "start_time": "09:00",
        "end_date": day,
        "end_time": "11:00",
        "published": "y",
    }
    data.update(extra)
    return data


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Event)) or 0


# -- lists and pages --------------------------------------------------------------------------------
def test_upcoming_and_past_lists_split_on_the_end(client):
    make_event("Acara mendatang", days=2)
    make_event("Acara lalu", days=-2)
    make_event("Konsep tersembunyi", days=2, published=False)
    upcoming = client.get("/events").get_data(as_text=True)
    past = client.get("/events/past").get_data(as_text=True)
    assert "Acara mendatang" in upcoming and "Acara lalu" not in upcoming
    assert "Acara lalu" in past and "Acara mendatang" not in past
    assert "Konsep tersembunyi" not in upcoming + past


def test_upcoming_list_pages(client):
    for n in range(PAGE_SIZE + 2):
        make_event(f"Acara nomor {n:02d}", days=n + 1)
    first = client.get("/events").get_data(as_text=True)
    second = client.get("/events?page=2").get_data(as_text=True)
    assert "Acara nomor 00" in first and f"Acara nomor {PAGE_SIZE:02d}" not in first
    assert 'rel="next"' in first
    assert f"Acara nomor {PAGE_SIZE:02d}" in second and f"Acara nomor {PAGE_SIZE + 1:02d}" in second
    assert 'rel="next"' not in second and 'rel="prev"' in second


def test_event_page_shows_when_and_where_in_office_time(client):
    event = make_event("Sosialisasi perizinan", place="Aula MPP, lantai 2")
    html = client.get(f"/events/{event.id}?lang=en").get_data(as_text=True)
    assert "Sosialisasi perizinan" in html and "Aula MPP, lantai 2" in html
    assert "09:00–11:30" in html and "WITA" in html
    assert client.get(f"/events/{make_event('x', published=False).id}").status_code == 404


def test_public_event_pages_are_cacheable_and_set_no_cookie(client):
    event = make_event()
    for url in ("/events", "/events/past", f"/events/{event.id}", "/events.ics", f"/events/{event.id}.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
        assert response.headers["Cache-Control"].startswith("public"), url


# -- iCal ----------------------------------------------------------------------------------------------
def test_ical_feed_parses_back_with_stable_uid_dtstamp_and_escaped_text(client):
    timed = make_event("Rapat; warga, RT 01\nbaris dua", place="Aula, lantai 2; ruang 3")
    timed.description_id = "Bawa KTP, KK; dan\nfotokopi"
    allday = make_event("Layanan keliling", days=10, all_day=True, length=2)
    db.session.flush()
    response = client.get("/events.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data()
    assert b"\r\n" in body
    assert b"Rapat\\; warga\\, RT 01\\nbaris dua" in body  # RFC 5545 3.3.11 escaping
    cal = Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    first = events["Rapat; warga, RT 01\nbaris dua"]
    assert str(first["LOCATION"]) == "Aula, lantai 2; ruang 3"
    assert str(first["DESCRIPTION"]) == "Bawa KTP, KK; dan\nfotokopi"
    assert first.decoded("DTSTART") == timed.starts_at and first.decoded("DTEND") == timed.ends_at
    assert first.decoded("DTSTAMP").tzinfo is not None
    assert str(first["UID"]).startswith(timed.uid + "@")
    second = events["Layanan keliling"]
    assert second.decoded("DTSTART") == allday.start_date and type(second.decoded("DTSTART")) is date
    assert second.decoded("DTEND") == allday.end_date + timedelta(days=1)  # DTEND is exclusive
    # The UID stays when the event changes, and the per-event file says the same
    timed.title_id = "Rapat warga"
    db.session.flush()
    again = Calendar.from_ical(client.get("/events.ics").get_data())
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in again.walk("VEVENT")}
    assert uids["Rapat warga"] == str(first["UID"])
    one = Calendar.from_ical(client.get(f"/events/{timed.id}.ics").get_data())
    assert [str(e["UID"]) for e in one.walk("VEVENT")] == [str(first["UID"])]


def test_ical_feed_leaves_out_hidden_events(client):
    make_event("Rahasia", published=False)
    assert b"Rahasia" not in client.get("/events.ics").get_data()


# -- bad input -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        {"end_time": "08:00"},  # ends before it starts, same day
        {"end_time": "09:00"},  # the same instant
        {"end_date": (office_today() + timedelta(days=4)).isoformat()},  # the day before
        {"all_day": "y", "end_date": (office_today() + timedelta(days=4)).isoformat()},  # all-day, end before
        {"start_time": ""},  # a timed event without its start time
    ],
    ids=["end-before-start", "same-instant", "end-day-before", "all-day-end-before", "no-start-time"],
)
def test_an_event_that_ends_before_it_starts_is_refused(client, login_as, change):
    login_as(Role.ADMIN)
    response = post(client, "/admin/events/new", "/admin/events/new", event_form(**change))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "error-summary" in html and "Sosialisasi PBG" in html  # told why, what was typed kept
    assert count() == 0


def test_an_all_day_event_on_one_day_is_taken(client, login_as):
    login_as(Role.ADMIN)
    response = post(
        client, "/admin/events/new", "/admin/events/new", event_form(all_day="y", start_time="", end_time="")
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.all_day and event.start_date == event.end_date
    assert event.ends_at - event.starts_at == timedelta(days=1)


def test_the_database_refuses_an_event_ending_before_it_starts():
    event = make_event()
    event.ends_at = event.starts_at - timedelta(minutes=1)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


@pytest.mark.parametrize("name", list(BAD_PICTURES))
def test_bad_pictures_get_the_image_rules(app, client, login_as, name):
    content, filename, words = BAD_PICTURES[name]
    login_as(Role.ADMIN)
    before = stored_files(app)
    response = post(
        client,
        "/admin/events/new",
        "/admin/events/new",
        event_form(image=(io.BytesIO(content), filename), image_alt="Foto acara"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any(w in html for w in words), html[:2000]
    assert count() == 0 and stored_files(app) == before


def test_admin_adds_an_event_with_a_picture_edits_and_deletes_it(app, client, login_as):
    login_as(Role.ADMIN)
    response = post(
        client,
        "/admin/events/new",
        "/admin/events/new",
        event_form(image=(io.BytesIO(jpeg()), "acara.jpg"), image_alt="Warga di aula MPP"),
    )
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    picture = client.get(f"/events/{event.id}/picture")
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    picture.close()
    assert 'alt="Warga di aula MPP"' in client.get(f"/events/{event.id}").get_data(as_text=True)
    uid = event.uid
    response = post(
        client,
        f"/admin/events/{event.id}/edit",
        f"/admin/events/{event.id}/edit",
        event_form(title_id="Sosialisasi PBG (diundur)", end_time="12:00", image_alt="Warga di aula MPP"),
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title_id == "Sosialisasi PBG (diundur)" and event.uid == uid
    post(client, f"/admin/events/{event.id}/edit", f"/admin/events/{event.id}/delete", {})
    assert count() == 0


def test_a_picture_needs_its_description(client, login_as):
    login_as(Role.ADMIN)
    response = post(
        client, "/admin/events/new", "/admin/events/new", event_form(image=(io.BytesIO(jpeg()), "acara.jpg"))
    )
    assert response.status_code == 200 and count() == 0


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HELPDESK, Role.APPLICANT])
def test_only_admins_edit_events(client, login_as, role):
    login_as(role)
    assert client.get("/admin/events/").status_code == 403
    assert client.get("/admin/events/new").status_code == 403
