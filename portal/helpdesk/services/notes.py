"""Support notes: one contact with an applicant each, and the open cases."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db
from portal.helpdesk.models import (
    Channel,
    SupportNote,
)
from portal.helpdesk.services.access import HelpdeskError, require_helpdesk
from portal.helpdesk.services.search import PAGE_SIZE
from portal.paging import fetch_page
from portal.validation import clean_display_text

CHANNEL_LABELS = {
    Channel.PHONE: _l("Phone"),
    Channel.WHATSAPP: _l("WhatsApp"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.EMAIL: _l("Email"),
}


TOPIC_MAX = 120
TEXT_MAX = 4000


def add_note(
    applicant: User, staff: User, channel: str, topic: str, text: str, resolved: bool = False
) -> SupportNote:
    """Record one contact with the applicant."""
    require_helpdesk(staff)
    try:
        channel_value = Channel(channel)
    except ValueError:
        raise HelpdeskError(_l("Choose how the applicant contacted us.")) from None
    topic = clean_display_text(topic or "").strip()
    text = (text or "").replace("\x00", "").strip()
    if not topic:
        raise HelpdeskError(_l("Write the topic in a few words."))
    if not text:
        raise HelpdeskError(_l("Write what was said."))
    if len(topic) > TOPIC_MAX or len(text) > TEXT_MAX:
        raise HelpdeskError(_l("The note is too long."))
    now = utcnow()
    note = SupportNote(
        applicant_id=applicant.id,
        author_id=staff.id,
        channel=channel_value,
        topic=topic,
        text=text,
        resolved=bool(resolved),
        resolved_at=now if resolved else None,
        resolved_by_id=staff.id if resolved else None,
        created_at=now,
    )
    db.session.add(note)
    db.session.flush()
    return note


def resolve_note(note: SupportNote, staff: User) -> None:
    require_helpdesk(staff)
    if note.resolved:
        return
    note.resolved = True
    note.resolved_at = utcnow()
    note.resolved_by_id = staff.id
    db.session.flush()


def notes_for(applicant: User) -> list[SupportNote]:
    return list(
        db.session.scalars(
            select(SupportNote)
            .where(SupportNote.applicant_id == applicant.id)
            .options(selectinload(SupportNote.author))
            .order_by(SupportNote.created_at.desc(), SupportNote.id.desc())
        )
    )


@dataclass
class NotePage:
    notes: list[SupportNote]
    next_before: int | None


def open_cases(before: int | None = None, limit: int = PAGE_SIZE) -> NotePage:
    """Unresolved notes of every applicant, newest first, paged by id (keyset)."""
    stmt = (
        select(SupportNote)
        .where(SupportNote.resolved.is_(False))
        .options(selectinload(SupportNote.applicant), selectinload(SupportNote.author))
    )
    if before is not None:
        stmt = stmt.where(SupportNote.id < before)
    return NotePage(*fetch_page(stmt.order_by(SupportNote.id.desc()), limit))
