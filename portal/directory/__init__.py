"""The Mal Pelayanan Publik's directory: the agencies at the service mall, their services,
counters, opening hours ("open now" in the office's time zone, closed on holidays),
requirements and links. The public pages are this blueprint's; the admin's editing is
``admin_views.bp``, nested in the admin blueprint. The agencies are a source of the citizen's
search (``search_source``)."""

from flask import Blueprint

bp = Blueprint("directory", __name__)

from portal.directory import (  # noqa: E402, F401
    search_source,
    site,  # noqa: E402
    views,
)


@bp.record_once
def _on_the_website(state):
    # The main menu's link and the sitemap's entries (portal.site_registry).
    site.register(state.app)
