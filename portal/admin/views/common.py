"""What the admin view modules share."""

from __future__ import annotations

from flask_login import current_user

from portal.auth.models import Role

ADMIN = Role.ADMIN


def me():
    """The logged-in admin (the real User row, for services that store who acted)."""
    return current_user._get_current_object()
