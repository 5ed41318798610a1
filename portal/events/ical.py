"""The agenda as iCalendar (RFC 5545), made with the icalendar library: the whole feed
(/events.ics) and one event (/events/<id>.ics). The UID is the event's own (made once), DTSTAMP
its last change; an all-day event has DATE values (DTEND the day after its last day, as the RFC
says), a timed one UTC times. The library escapes commas, semicolons, backslashes and newlines
in text and folds long lines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from icalendar import Calendar
from icalendar import Event as IEvent

from portal.events.models import Event
from portal.i18n import current_language


def _host() -> str:
    base = current_app.config.get("BASE_URL") or request.host_url
    return urlsplit(base).hostname or "satupintu"


def _absolute(path: str) -> str:
    base = (current_app.config.get("BASE_URL") or request.host_url).rstrip("/")
    return base + path


def _text(event: Event, field: str) -> str:
    lang = current_language()
    return getattr(event, f"{field}_{lang}", "") or getattr(event, f"{field}_id", "") or ""


def to_ical(events: Iterable[Event], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//SatuPintu//Agenda//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", current_app.config["TIMEZONE"])
    host = _host()
    for event in events:
        item = IEvent()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", event.updated_at)
        item.add("last-modified", event.updated_at)
        item.add("created", event.created_at)
        if event.all_day and event.start_date and event.end_date:
            item.add("dtstart", event.start_date)
            item.add("dtend", event.end_date + timedelta(days=1))
        else:
            item.add("dtstart", event.starts_at)
            item.add("dtend", event.ends_at)
        item.add("summary", _text(event, "title"))
        description = _text(event, "description")
        if description:
            item.add("description", description)
        if event.place:
            item.add("location", event.place)
        item.add("url", _absolute(url_for("events.detail", event_id=event.id)))
        cal.add_component(item)
    return cal.to_ical()
