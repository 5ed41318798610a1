"""The office's events and announcements agenda: upcoming and past events, an event's page
with its place and picture, and the iCal feeds. The admin's editing is ``admin_views.bp``,
nested in the admin blueprint."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from portal.events import site, views  # noqa: E402, F401
from portal.events.models import stored_files  # noqa: E402
from portal.maintenance import inventory  # noqa: E402


@bp.record_once
def _on_the_website(state):
    # The main menu's link and the sitemap's entries (portal.site_registry); the pictures in
    # the file inventory (backups, storage verify).
    site.register(state.app)
    inventory.register_files(state.app, "events", stored_files)
