"""Issued permits: numbers, PDF certificates, public QR verification and revocation."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("permits", __name__)

from portal.applications import signals  # noqa: E402
from portal.maintenance import inventory  # noqa: E402
from portal.notifications import attachments  # noqa: E402
from portal.permits import register_views, renewal_views, views  # noqa: E402, F401
from portal.permits.models import stored_files  # noqa: E402
from portal.permits.receipt import receipt_for  # noqa: E402
from portal.permits.services import on_application_approved  # noqa: E402

# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "permits", stored_files))


@bp.record_once
def _connect_signals(state: BlueprintSetupState) -> None:
    # An approval issues the permit, in the approval's transaction.
    signals.application_approved.connect(on_application_approved)


# The submission email carries the receipt (the outbox names it "receipt:<application id>").
bp.record_once(lambda state: attachments.register("receipt", receipt_for))
