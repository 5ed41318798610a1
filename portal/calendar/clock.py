"""The service-level clock: due dates in working days, skipping weekends and the office's
holidays, paused while the applicant holds the file."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context
from sqlalchemy import select

from portal.calendar.models import Holiday
from portal.extensions import db


def office_today(now: datetime | None = None) -> date:
    """Today's date in the office's time zone (a submission at 23:30 WITA is that day)."""
    tz = ZoneInfo(current_app.config["TIMEZONE"]) if has_app_context() else ZoneInfo("Asia/Makassar")
    return (now.astimezone(tz) if now else datetime.now(tz)).date()


def holidays() -> frozenset[date]:
    """All holidays, read once per request or job."""
    cached = g.get("_holidays") if has_app_context() else None
    if cached is None:
        cached = frozenset(db.session.scalars(select(Holiday.day)))
        if has_app_context():
            g._holidays = cached
    return cached


def is_working_day(day: date, closed: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in closed


def add_working_days(start: date, days: int, closed: frozenset[date] | None = None) -> date:
    """The date ``days`` working days after ``start`` (the day of submission does not count)."""
    closed = holidays() if closed is None else closed
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, closed):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, closed: frozenset[date] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
    closed = holidays() if closed is None else closed
    if end < start:
        return -working_days_between(end, start, closed)
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, closed):
            count += 1
    return count
