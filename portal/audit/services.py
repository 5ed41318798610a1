"""Writing and reading the staff action log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit.models import AdminAuditEvent
from portal.extensions import db
from portal.paging import fetch_page

if TYPE_CHECKING:
    from portal.auth.models import User

PAGE_SIZE = 50


def audit(
    actor: User | None, action: str, object_type: str, object_id: Any = "", summary: str = "", **details: Any
) -> AdminAuditEvent:
    """Record a staff action in the session; it commits with the change it describes."""
    event = AdminAuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:300],
        details=details,
    )
    db.session.add(event)
    return event


@dataclass
class AuditPage:
    items: list[AdminAuditEvent]
    next_before: int | None


def list_audit(before: int | None = None, limit: int = PAGE_SIZE) -> AuditPage:
    """Newest first, paged by id (keyset): pass the last row's id as ``before``."""
    stmt = select(AdminAuditEvent).options(joinedload(AdminAuditEvent.actor))
    if before is not None:
        stmt = stmt.where(AdminAuditEvent.id < before)
    return AuditPage(*fetch_page(stmt.order_by(AdminAuditEvent.id.desc()), limit))
