"""Video tutorials: the stage -> chapter mapping, the "Watch how" panel, the library, media
serving with Range requests, and viewing progress."""

from flask import Blueprint

bp = Blueprint("tutorials", __name__)

from portal.maintenance import inventory  # noqa: E402
from portal.tutorials import search_source, views  # noqa: E402, F401
from portal.tutorials.models import stored_files  # noqa: E402

# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "tutorials", stored_files))
