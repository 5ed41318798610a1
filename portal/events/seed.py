"""Demo events around the day the demo is seeded (two coming, one past). Idempotent: an event
whose Indonesian title exists is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta

from sqlalchemy import select

from portal.calendar.clock import office_today
from portal.events.models import Event
from portal.events.services import EventData, instants
from portal.extensions import db

EVENTS = [
    # days from today, length in days, all day, start, end, title_id, title_en, place, description
    (
        7,
        1,
        False,
        time(9),
        time(12),
        "Sosialisasi perizinan berusaha bagi UMKM",
        "Business permits for small firms: information session",
        "Aula Mal Pelayanan Publik, lantai 2",
        "Petugas menjelaskan langkah mengajukan NIB, PBG, dan izin usaha secara daring. "
        "Gratis, terbuka untuk umum.",
    ),
    (
        14,
        2,
        True,
        None,
        None,
        "Layanan keliling di Kecamatan Utara",
        "Mobile service in the northern district",
        "Kantor Kecamatan Utara",
        "Bawa KTP dan berkas persyaratan; petugas membantu mengisi permohonan.",
    ),
    (
        -10,
        1,
        False,
        time(13),
        time(15),
        "Pelatihan SatuPintu untuk petugas kelurahan",
        "SatuPintu training for village staff",
        "Ruang rapat DPMPTSP",
        "Pelatihan penggunaan portal untuk membantu warga.",
    ),
]


def seed_events() -> Iterator[str]:
    today = office_today()
    for offset, length, all_day, start, end, title_id, title_en, place, description in EVENTS:
        if db.session.scalar(select(Event.id).where(Event.title_id == title_id)) is not None:
            continue
        first = today + timedelta(days=offset)
        data = EventData(
            title_id=title_id,
            title_en=title_en,
            start_date=first,
            end_date=first + timedelta(days=length - 1),
            all_day=all_day,
            start_time=start,
            end_time=end,
            place=place,
            description_id=description,
        )
        starts_at, ends_at = instants(data)
        db.session.add(
            Event(
                title_id=title_id,
                title_en=title_en,
                place=place,
                description_id=description,
                all_day=all_day,
                starts_at=starts_at,
                ends_at=ends_at,
                start_date=data.start_date,
                end_date=data.end_date,
            )
        )
        yield f"event {title_id}"
    db.session.flush()
