"""The data-access log: staff views of a person's identity documents and personal details are
recorded, and the person sees who looked and when (like the help desk's assist views)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.db import short_write
from portal.extensions import db
from portal.privacy.models import DataAccessEvent

KINDS = ("document", "application", "profile", "assist")


def record_access(staff: User, subject_id: int, kind: str, label: str = "") -> None:
    """Record that ``staff`` opened ``subject_id``'s data of ``kind``. Flushes; the caller
    commits. Staff looking at their own data are not recorded."""
    if staff.id == subject_id:
        return
    db.session.add(DataAccessEvent(staff_id=staff.id, subject_id=subject_id, kind=kind, label=label[:200]))
    db.session.flush()


def record_access_now(staff: User, subject_id: int, kind: str, label: str = "") -> None:
    """``record_access`` from a page that only reads (a GET): its own short write."""
    short_write(db.session, lambda: record_access(staff, subject_id, kind, label))


@dataclass
class AccessRow:
    when: datetime
    staff_name: str
    staff_roles: list[str]
    kind: str
    label: str


def access_log(user: User, limit: int = 200) -> list[AccessRow]:
    """Who of the staff looked at ``user``'s data, newest first."""
    rows = db.session.scalars(
        select(DataAccessEvent)
        .where(DataAccessEvent.subject_id == user.id)
        .options(selectinload(DataAccessEvent.staff))
        .order_by(DataAccessEvent.created_at.desc(), DataAccessEvent.id.desc())
        .limit(limit)
    )
    out = []
    for row in rows:
        staff = row.staff
        out.append(
            AccessRow(
                when=row.created_at,
                staff_name=staff.full_name if staff is not None else "",
                staff_roles=sorted(r.value for r in staff.role_set) if staff is not None else [],
                kind=row.kind,
                label=row.label,
            )
        )
    return out
