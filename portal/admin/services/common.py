"""What every admin service shares: the error a person can fix, the role check, the page size."""

from __future__ import annotations

from portal.auth.models import Role, User
from portal.errors import AccessDenied, PortalError

PAGE_SIZE = 50


class AdminError(PortalError, ValueError):
    """A rule refused the change; ``str()`` is a sentence for the admin, in their language."""


def require_admin(user: User | None) -> None:
    """403 unless ``user`` is a logged-in admin (the loaders call it: a second check)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role(Role.ADMIN):
        raise AccessDenied()
