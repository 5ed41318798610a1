"""The "Dokumen saya" pages of the account area: the kept documents with a preview, "Ganti" and
"Hapus", and a form to add one. Plain forms (no script needed); every item is loaded for its
owner only (404 for anyone else's). Thin: parse, call the service, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.request_limits import accepts_uploads
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.storage.serving import safe_download_response
from portal.vault import bp, services
from portal.vault.forms import ButtonForm, NewItemForm

_ITEM_ERRORS = "vault_errors"


def _page(form: NewItemForm, add_error: str | None = None, status: int = 200):
    items = services.list_own_items(current_user)
    errors = session.pop(_ITEM_ERRORS, None) or {}
    return render_template(
        "vault/index.html",
        items=items,
        form=form,
        button_form=ButtonForm(),
        add_error=add_error,
        item_errors={int(k): v for k, v in errors.items()},
        max_items=services.MAX_ITEMS,
        max_mb=services.MAX_BYTES // (1024 * 1024),
    ), status


@bp.route("/account/documents", methods=["GET", "POST"])
@accepts_uploads
@upload_rate_limit
def index():
    form = NewItemForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(form, status=400)
    try:
        kind = services.parse_kind(form.kind.data)
        item = services.add_item(current_user, kind, request.files.get("file"), form.label.data or "")
    except UploadRejected as exc:
        return _page(form, add_error=exc.message(), status=400)
    except services.VaultError as exc:
        return _page(form, add_error=str(exc), status=400)
    flash(_("The document is kept in My documents. You can use it in your next application."), "success")
    return redirect(url_for("vault.index") + f"#vault-{item.id}")


@bp.route("/account/documents/<id:item_id>/replace", methods=["POST"])
@accepts_uploads
@upload_rate_limit
def replace(item_id: int):
    item = services.get_own_item_or_404(item_id, current_user)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.replace_item(item, request.files.get("file"))
    except UploadRejected as exc:
        session[_ITEM_ERRORS] = {str(item_id): exc.message()}
        flash(_("The file could not be kept. The reason is shown with the document."), "danger")
    else:
        flash(_("The document has been replaced."), "success")
    return redirect(url_for("vault.index") + f"#vault-{item_id}")


@bp.route("/account/documents/<id:item_id>/delete", methods=["POST"])
def delete(item_id: int):
    item = services.get_own_item_or_404(item_id, current_user)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.delete_item(item)
    flash(
        _("The document has been deleted from My documents. Applications that used it keep their own copy."),
        "info",
    )
    return redirect(url_for("vault.index"))


@bp.route("/account/documents/<id:item_id>/download")
def download(item_id: int):
    item = services.get_own_item_or_404(item_id, current_user)
    return safe_download_response(item.storage_key, item.original_name, item.content_type)


@bp.route("/account/documents/<id:item_id>/preview")
def preview(item_id: int):
    item = services.get_own_item_or_404(item_id, current_user)
    if not item.thumbnail_key:
        abort(404)
    return safe_download_response(item.thumbnail_key, "preview.jpg", "image/jpeg", as_attachment=False)
