"""Reference data for the service-level clock: Indonesia's 2026 national holidays and joint
leave days (portal/data/holidays_2026.json). Idempotent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.calendar.models import Holiday
from portal.extensions import db

HOLIDAYS_FILE = Path(__file__).resolve().parent.parent / "data" / "holidays_2026.json"


def seed_holidays() -> Iterator[str]:
    data = json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    known = set(db.session.scalars(select(Holiday.day)))
    added = 0
    for item in data["holidays"]:
        day = date.fromisoformat(item["day"])
        if day in known:
            continue
        db.session.add(Holiday(day=day, name=item["name"], kind=item["kind"]))
        known.add(day)
        added += 1
    db.session.commit()
    if added:
        yield f"{added} holidays"
