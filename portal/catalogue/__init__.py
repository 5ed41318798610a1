"""Permit categories, their versioned forms and document requirements; the public catalogue."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from portal.catalogue import finder_admin, finder_views, listing, search, views  # noqa: E402, F401
from portal.catalogue.models import stored_files  # noqa: E402
from portal.maintenance import inventory  # noqa: E402

bp.add_app_template_global(listing.cached_cards, "cached_catalogue_cards")
# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "form_samples", stored_files))
