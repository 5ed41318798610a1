"""Home, health check, language switch; later news, FAQ, complaints, surveys, statistics."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.maintenance import inventory  # noqa: E402
from portal.public import views  # noqa: E402, F401
from portal.public.models import stored_files  # noqa: E402

# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "public_documents", stored_files))
