"""The document vault, "Dokumen saya": a person's KTP, KK, NPWP, pas foto and the like, kept
once in the account area and reused in later applications (the applications package stores a
checked copy for each application). Only the owner reads her vault."""

from flask import Blueprint

bp = Blueprint("vault", __name__)

from portal.maintenance import inventory  # noqa: E402
from portal.vault import views  # noqa: E402, F401
from portal.vault.models import stored_files  # noqa: E402

# The maintenance inventory (backups, storage verify) learns which files this feature keeps.
bp.record_once(lambda state: inventory.register_files(state.app, "vault", stored_files))
