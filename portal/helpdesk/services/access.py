"""Who may use the help desk console, and the loaders that check it in one place."""

from __future__ import annotations

from sqlalchemy import Exists, exists, select

from portal.auth.models import Role, User, UserRole
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.helpdesk.models import (
    AssistView,
    SupportNote,
)


class HelpdeskError(PortalError, ValueError):
    """Refused by a rule; ``str(error)`` is for the help desk person, in their language."""


def require_helpdesk(staff: User) -> None:
    if staff is None or not staff.has_role(Role.HELPDESK):
        raise AccessDenied()


def is_applicant() -> Exists:
    return exists().where(UserRole.user_id == User.id, UserRole.role == Role.APPLICANT)


def get_applicant_or_404(user_id: int, staff: User) -> User:
    """An applicant's account for a help desk person (403 for anyone else; 404 when the id is
    not an applicant's)."""
    require_helpdesk(staff)
    user = db.session.scalar(select(User).where(User.id == user_id, is_applicant()))
    if user is None:
        raise NotFoundError()
    return user


def get_note_or_404(note_id: int, staff: User) -> SupportNote:
    require_helpdesk(staff)
    note = db.session.get(SupportNote, note_id)
    if note is None:
        raise NotFoundError()
    return note


def get_assist_view_or_404(view_id: int, staff: User) -> AssistView:
    """An assisted view this help desk person opened with a code; anyone else's is a 404
    (a view id alone never shows a draft: the code must have been entered by this person)."""
    require_helpdesk(staff)
    view = db.session.scalar(
        select(AssistView).where(AssistView.id == view_id, AssistView.staff_id == staff.id)
    )
    if view is None:
        raise NotFoundError()
    return view
