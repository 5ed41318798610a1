"""Imports every feature's models so metadata, migrations and create_all see all tables."""

from portal.auth.models import AuthToken, LoginSession, Role, User, UserRole  # noqa: F401
from portal.catalogue.models import FormVersion, PermitCategory  # noqa: F401
