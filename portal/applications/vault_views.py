"""The documents step's buttons for "Dokumen saya": "Use from My documents" on a slot's card
(one button per fitting kept document) and "Keep in My documents" beside an uploaded file.
Plain form posts: on the documents page they post the page's one form, so files chosen on
other cards come along and are uploaded, as with "Remove". Thin: parse, call, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import bp, services, vault_reuse
from portal.applications.forms import EmptyForm
from portal.applications.models import ApplicationStatus as S
from portal.applications.views import _back_to_documents, _remember_card_errors
from portal.request_limits import accepts_uploads
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.vault.services import VaultError


def _upload_the_others(application) -> dict[str, str]:
    """Files chosen on the documents page's other cards, uploaded (never dropped)."""
    if application.status is not S.DRAFT:
        return {}
    return services.upload_chosen_files(application, request.files, actor=current_user)


@bp.route(
    "/applications/<id:application_id>/documents/<requirement_key>/from-vault/<id:item_id>", methods=["POST"]
)
@upload_rate_limit
@accepts_uploads
def use_vault_item(application_id: int, requirement_key: str, item_id: int):
    application = services.get_own_application_or_404(application_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.document_spec(application, requirement_key)  # 404 for a slot the form does not have
    errors = _upload_the_others(application)
    try:
        vault_reuse.use_vault_item(application, requirement_key, item_id, actor=current_user)
    except UploadRejected as exc:
        errors[requirement_key] = exc.message()
        services.log_upload_error(application, requirement_key, exc.code)
    except services.ApplicationError as exc:
        errors[requirement_key] = str(exc)
    if errors:
        _remember_card_errors(application.id, errors)
        flash(_("A file could not be uploaded. The reason is shown with the document."), "danger")
    else:
        flash(_("The document from My documents has been added to this application."), "success")
    return redirect(_back_to_documents(application, requirement_key))


@bp.route("/applications/<id:application_id>/documents/<id:document_id>/keep", methods=["POST"])
@upload_rate_limit
@accepts_uploads
def keep_in_vault(application_id: int, document_id: int):
    application = services.get_own_application_or_404(application_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    errors = _upload_the_others(application)
    if errors:
        _remember_card_errors(application.id, errors)
    try:
        vault_reuse.keep_in_vault(application, document_id, actor=current_user)
    except (VaultError, services.ApplicationError) as exc:
        flash(str(exc), "danger")
    else:
        flash(
            _("Kept in My documents. Next time, choose “Use from My documents” instead of uploading it."),
            "success",
        )
    return redirect(_back_to_documents(application))
