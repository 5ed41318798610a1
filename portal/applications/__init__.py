"""The applicant's wizard, drafts, uploads and tracking; workflow.py owns the lifecycle."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("applications", __name__)

from portal.applications import (  # noqa: E402
    coapplicant_views,  # noqa: F401
    holder_views,  # noqa: F401
    mandate_views,  # noqa: F401
    notify,
    signals,
    vault_views,  # noqa: F401
    views,  # noqa: E402, F401
)
from portal.applications.models import stored_files  # noqa: E402
from portal.maintenance import inventory  # noqa: E402

# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "documents", stored_files))


@bp.record_once
def _connect_signals(state: BlueprintSetupState) -> None:
    # A status change queues the applicant's (and officer's) emails and notices.
    signals.status_changed.connect(notify.on_status_changed)
