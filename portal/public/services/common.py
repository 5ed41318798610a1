"""What the public pages' rules share: the staff roles that manage content, the check on them,
the refusal (``PublicError``), cleaning typed text, and loading staff users by id."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select

from portal.auth.models import Role, User
from portal.errors import AccessDenied, PortalError
from portal.extensions import db

#: Roles that write news and FAQ, publish documents and answer complaints.
CONTENT_ROLES = (Role.ADMIN, Role.HELPDESK)


# C0/C1 controls (except tab and newline), zero-width and direction marks, separators, BOM.
_CONTROL_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)


class PublicError(PortalError, ValueError):
    """A rule refused the change; the message says what to do."""


def clean_text(value: str | None, limit: int) -> str:
    """Text typed by a person, kept as text: control characters removed, newlines normalised,
    cut to ``limit``."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_KEEP_LINES.sub("", value).strip()[:limit]


def can_manage_content(user: User | None) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", True) and user.has_role(*CONTENT_ROLES)
    )


def _require_staff(user: User | None) -> None:
    if not can_manage_content(user):
        raise AccessDenied()


def staff_users(ids: Sequence[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(set(ids))))}
