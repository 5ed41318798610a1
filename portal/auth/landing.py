"""Where a person lands after logging in and from the menu's "my page" link: staff on their
work (the officer on the queue, the approver on the applications recommended to them, the help
desk on its console, the admin on the admin home), everyone else on their dashboard.

Endpoints are named, not imported: the staff screens sit above auth in the package map."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import url_for

from portal.auth.models import Role, User


class Landing(NamedTuple):
    endpoint: str
    args: dict[str, Any]


#: The first role a user holds decides (a head of office who is also an officer decides first).
_BY_ROLE: tuple[tuple[Role, Landing], ...] = (
    (Role.APPROVER, Landing("backoffice.queue", {"status": "recommended"})),
    (Role.OFFICER, Landing("backoffice.queue", {})),
    (Role.HELPDESK, Landing("helpdesk.index", {})),
    (Role.ADMIN, Landing("admin.index", {})),
)
_APPLICANT = Landing("applications.dashboard", {})


def landing_for(user: User) -> Landing:
    """The page ``user`` works from (a staff role's work page, else the dashboard)."""
    for role, landing in _BY_ROLE:
        if user.has_role(role):
            return landing
    return _APPLICANT


def home_url(user: User) -> str:
    landing = landing_for(user)
    return url_for(landing.endpoint, **landing.args)


def works_from_dashboard(user: User) -> bool:
    """True when the dashboard is this user's own page (an applicant, or no staff role)."""
    return user.has_role(Role.APPLICANT) or landing_for(user) is _APPLICANT
