"""The service-level clock: due dates in working days, skipping weekends and the office's
holidays, paused while the applicant holds the file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context
from sqlalchemy import Date, cast, func, select
from sqlalchemy.sql import ColumnElement

from portal.calendar.models import Holiday
from portal.extensions import db


def office_today(now: datetime | None = None) -> date:
    """Today's date in the office's time zone (a submission at 23:30 WITA is that day)."""
    tz = ZoneInfo(current_app.config["TIMEZONE"]) if has_app_context() else ZoneInfo("Asia/Makassar")
    return (now.astimezone(tz) if now else datetime.now(tz)).date()


def office_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"]) if has_app_context() else ZoneInfo("Asia/Makassar")


def office_day_start(day: date) -> datetime:
    """The UTC instant the office day ``day`` begins (for ranges of stored UTC timestamps)."""
    return datetime.combine(day, time(0), office_zone()).astimezone(UTC)


def office_day_sql(column: Any) -> ColumnElement[Any]:
    """The office day of a stored UTC timestamp column, in SQL (PostgreSQL converts with the zone;
    SQLite adds the zone's current offset, the office's zones having no summer time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(office_zone().key, column), Date)
    offset = office_zone().utcoffset(datetime.now()) or timedelta(0)
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


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
