"""Staff keep the events agenda: an event's dates are checked (it never ends before it starts),
its picture goes through the safe picture path (portal.storage.pictures). Services flush; the
request commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, func, select
from werkzeug.datastructures import FileStorage

from portal.audit.services import audit
from portal.auth.models import User
from portal.db import utcnow
from portal.errors import NotFoundError, PortalError
from portal.events.models import Event
from portal.extensions import db
from portal.storage import get_storage
from portal.storage.pictures import change_picture, keeps_picture
from portal.transaction import atomic_service, delete_file_after_commit

PAGE_SIZE = 10
FEED_LIMIT = 500
IMAGE_MAX_BYTES = 1_500_000
IMAGE_MAX_PIXELS = 24_000_000


class EventError(PortalError):
    """An event was refused; the message says why."""


@dataclass
class EventData:
    title_id: str
    start_date: date | None
    end_date: date | None
    all_day: bool = False
    start_time: time | None = None
    end_time: time | None = None
    title_en: str = ""
    description_id: str = ""
    description_en: str = ""
    place: str = ""
    published: bool = True
    image_alt: str = ""


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def instants(data: EventData) -> tuple[datetime, datetime]:
    """The event's start and end in UTC, or EventError when it ends before it starts (a timed
    event ending at the very instant it starts counts as ending before it: it lasts nothing)."""
    if data.start_date is None or data.end_date is None:
        raise EventError(_l("Enter the first and the last day of the event."))
    if data.end_date < data.start_date:
        raise EventError(_l("The event ends before it starts: check the last day."))
    zone = office_zone()
    if data.all_day:
        start = datetime.combine(data.start_date, time(0), zone)
        end = datetime.combine(data.end_date + timedelta(days=1), time(0), zone)
    else:
        if data.start_time is None or data.end_time is None:
            raise EventError(_l("Enter the start and end times, or mark the event as lasting all day."))
        start = datetime.combine(data.start_date, data.start_time, zone)
        end = datetime.combine(data.end_date, data.end_time, zone)
        if end <= start:
            raise EventError(_l("The event ends before it starts, or when it starts: check the end time."))
    return start.astimezone(ZoneInfo("UTC")), end.astimezone(ZoneInfo("UTC"))


def _visible() -> ColumnElement[bool]:
    return Event.published.is_(True)


def upcoming(page: int) -> tuple[list[Event], bool]:
    """Events not yet over, soonest first; and whether there is a next page."""
    rows = list(
        db.session.scalars(
            select(Event)
            .where(_visible(), Event.ends_at > utcnow())
            .order_by(Event.starts_at, Event.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def past(page: int) -> tuple[list[Event], bool]:
    """Events that are over, the latest first."""
    rows = list(
        db.session.scalars(
            select(Event)
            .where(_visible(), Event.ends_at <= utcnow())
            .order_by(Event.starts_at.desc(), Event.id.desc())
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def feed_events() -> list[Event]:
    """What the iCal feed lists: every published event that ended less than a year ago."""
    since = utcnow() - timedelta(days=365)
    return list(
        db.session.scalars(
            select(Event)
            .where(_visible(), Event.ends_at > since)
            .order_by(Event.starts_at, Event.id)
            .limit(FEED_LIMIT)
        )
    )


def get_public_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not event.published:
        raise NotFoundError()
    return event


def get_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFoundError()
    return event


def all_events() -> list[Event]:
    return list(
        db.session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()).limit(500))
    )


def newest_change() -> datetime | None:
    return db.session.scalar(select(func.max(Event.updated_at)).where(_visible()))


@atomic_service
def save_event(
    event: Event | None,
    data: EventData,
    actor: User,
    *,
    image: FileStorage | None = None,
    remove_image: bool = False,
) -> Event:
    """Create (``event`` None) or change an event. Refuses (EventError, nothing saved) an event
    ending before it starts; a picture is checked like every public picture (UploadRejected)
    and needs a few words saying what it shows."""
    title = " ".join((data.title_id or "").split())
    if not title:
        raise EventError(_l("Write the event's title in Indonesian."))
    starts_at, ends_at = instants(data)
    alt = " ".join((data.image_alt or "").split())[:300]
    if keeps_picture(image, event.image_key if event else None, remove_image) and not alt:
        raise EventError(
            _l("Describe the picture in a few words (what it shows): people who cannot see it read this.")
        )
    created = event is None
    if event is None:
        event = Event()
        db.session.add(event)
    event.title_id, event.title_en = title, " ".join(data.title_en.split())
    event.description_id, event.description_en = data.description_id, data.description_en
    event.place, event.published, event.all_day = data.place, data.published, data.all_day
    event.starts_at, event.ends_at = starts_at, ends_at
    event.start_date = data.start_date
    event.end_date = data.end_date
    change = change_picture(
        event.image_key,
        image,
        remove=remove_image,
        max_bytes=IMAGE_MAX_BYTES,
        max_pixels=IMAGE_MAX_PIXELS,
        key_prefix="events/",
    )
    if change is not None:
        event.image_key, event.image_type = change.key, change.content_type
    event.image_alt = alt if event.image_key else ""
    db.session.flush()
    audit(actor, "event.created" if created else "event.changed", "event", event.id, title)
    return event


@atomic_service
def delete_event(event: Event, actor: User) -> None:
    if event.image_key:
        delete_file_after_commit(get_storage(), event.image_key)
    audit(actor, "event.deleted", "event", event.id, event.title_id)
    db.session.delete(event)
    db.session.flush()
