"""Whether an agency is open now: its hours for today's weekday in the office's time zone, and
closed on the office's holidays (portal.calendar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

from portal.calendar.clock import holidays
from portal.db import utcnow
from portal.directory.models import Agency


@dataclass(frozen=True)
class OpenState:
    open: bool
    holiday: bool
    closes: time | None  # today's closing time while open
    opens: time | None  # today's opening time, before it opens


def office_now(now: datetime | None = None) -> datetime:
    return (now or utcnow()).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))


def open_state(agency: Agency, now: datetime | None = None) -> OpenState:
    local = office_now(now)
    if local.date() in holidays():
        return OpenState(False, True, None, None)
    today = next((h for h in agency.hours if h.weekday == local.weekday()), None)
    if today is None:
        return OpenState(False, False, None, None)
    clock = local.time().replace(tzinfo=None)
    if today.opens <= clock < today.closes:
        return OpenState(True, False, today.closes, None)
    return OpenState(False, False, None, today.opens if clock < today.opens else None)
