"""The office's events agenda: an event is all-day (first and last day, inclusive) or timed
(start and end instants, stored in UTC), with a place and an optional picture."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import TimestampMixin
from portal.extensions import db
from portal.storage.transfer import FileRef


def _new_uid() -> str:
    return uuid.uuid4().hex


class Event(TimestampMixin, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_ends_at", "ends_at"),
        # Never an event that ends before it starts (or at the same instant, when timed).
        CheckConstraint("ends_at > starts_at", name="ck_events_order"),
        CheckConstraint(
            "all_day = false OR (start_date IS NOT NULL AND end_date >= start_date)", name="ck_events_days"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The iCalendar UID: made once, so a calendar that subscribed updates the same event.
    uid: Mapped[str] = mapped_column(String(40), unique=True, default=_new_uid)
    title_id: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    all_day: Mapped[bool] = mapped_column(default=False)
    # Both kinds keep their instants (an all-day event: from the first day's midnight to the
    # day after the last, in the office's time zone) so lists sort and split on one column.
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # the last day, inclusive
    published: Mapped[bool] = mapped_column(default=True)
    image_key: Mapped[str | None] = mapped_column(String(300))
    image_type: Mapped[str | None] = mapped_column(String(40))
    image_alt: Mapped[str] = mapped_column(String(300), default="")


def stored_files() -> Iterator[FileRef]:
    """The events' pictures."""
    for event_id, key in db.session.execute(select(Event.id, Event.image_key).order_by(Event.id)):
        if key:
            yield FileRef(key, None, f"event picture {event_id}")
