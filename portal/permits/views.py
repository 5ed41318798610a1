"""Permit pages: the public verification page, the holder's download, and the approver's
permit page with revocation. Thin: load through the checking loaders, call services."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.services import get_own_application_or_404
from portal.auth.models import Role
from portal.errors import NotFoundError
from portal.extensions import limiter
from portal.i18n import current_language
from portal.permits import bp, renewal, services
from portal.permits import verify as verify_checks
from portal.permits.forms import CheckForm, CodeForm, RevokeForm
from portal.permits.models import PermitState
from portal.permits.receipt import receipt_for
from portal.request_limits import accepts_uploads
from portal.security import public, roles_required
from portal.storage.serving import content_disposition, safe_download_response


def _verify_limit() -> str:
    return "30 per minute"


def _state_labels(state: PermitState) -> list[tuple[str, str]]:
    """The status word in the page's language first, then in the other one."""
    page = current_language()
    labels = []
    for lang in [page, *(code for code in ("id", "en") if code != page)]:
        with force_locale(lang):
            labels.append((lang, str(services.STATE_LABELS[state])))
    return labels


_NOINDEX = {"X-Robots-Tag": "noindex, nofollow"}


def _unregistered():
    """An unknown or tampered code: not the generic 404, but what it means and whom to ask."""
    return render_template("permits/unregistered.html"), 404, _NOINDEX


@bp.route("/verify/<path:token>")
@public
@limiter.limit(_verify_limit)
def verify(token: str):
    """Anyone holding the QR code checks the permit and its signature. Unknown and malformed
    tokens get the same "not registered" page (404)."""
    permit = services.find_by_token(token)
    if permit is None:
        return _unregistered()
    result = services.verification_of(permit)
    signature, unchanged = verify_checks.stored_signature(permit)
    response = render_template(
        "permits/verify.html",
        result=result,
        state_labels=_state_labels(result.state),
        signature=signature,
        unchanged=unchanged,
        permit=permit,
        superseded_by=renewal.superseded_by(permit),
    )
    return response, 200, _NOINDEX


@bp.route("/verify/code", methods=["POST"])
@public
@limiter.limit(_verify_limit)
def verify_code():
    """The short code printed under the QR code, typed in on the check page."""
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("permits/check.html", form=CheckForm(), code_form=form), 400
    permit = services.find_by_short_code(form.code.data or "")
    if permit is None:
        return _unregistered()
    return redirect(url_for("permits.verify", token=permit.verification_token), code=303)


def _check_limit() -> str:
    return "10 per minute"


@bp.route("/check-permit", methods=["GET", "POST"])
@public
@accepts_uploads
@limiter.limit(_check_limit, methods=["POST"])
def check():
    """Periksa berkas izin: anyone uploads a PDF and learns whether it is a permit we issued.
    The file is read in memory and never stored."""
    form = CheckForm()
    if request.method == "GET":
        return render_template("permits/check.html", form=form, code_form=CodeForm()), 200
    if not form.validate_on_submit():
        return render_template("permits/check.html", form=form, code_form=CodeForm()), 400
    upload = form.file.data
    limit = int(current_app.config["PERMIT_CHECK_MAX_BYTES"])
    data = upload.stream.read(limit + 1)
    result = verify_checks.check_file(data)
    del data
    state_labels = _state_labels(result.verification.state) if result.verification else None
    return (
        render_template("permits/check_result.html", result=result, state_labels=state_labels, limit=limit),
        200,
        _NOINDEX,
    )


@bp.route("/applications/<id:application_id>/permit.pdf")
def download(application_id: int):
    """The holder downloads their certificate; anyone else gets 404."""
    permit = services.get_own_permit_or_404(application_id, current_user)
    return safe_download_response(permit.pdf_key, services.download_name(permit), services.PDF_CONTENT_TYPE)


@bp.route("/applications/<id:application_id>/receipt.pdf")
def receipt(application_id: int):
    """The applicant's receipt of a submitted application (tanda terima); 404 for anyone
    else's application and for a draft."""
    application = get_own_application_or_404(application_id, current_user, as_principal=True)
    made = receipt_for(application.id)
    if made is None:
        raise NotFoundError()
    name, content_type, data = made
    response = Response(data, mimetype=content_type)
    response.headers["Content-Disposition"] = content_disposition(name, content_type=content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/permits/<id:permit_id>")
@roles_required(Role.APPROVER)
def staff_detail(permit_id: int):
    permit = services.get_permit_for_approver_or_404(permit_id, current_user)
    return _staff_page(permit, RevokeForm())


@bp.route("/applications/<id:application_id>/permit-en.pdf")
def download_english(application_id: int):
    """The English translation of the holder's letter (not signed; it says so)."""
    permit = services.get_own_permit_or_404(application_id, current_user)
    if not permit.pdf_en_key:
        raise NotFoundError()
    return safe_download_response(
        permit.pdf_en_key, services.download_name(permit, english=True), services.PDF_CONTENT_TYPE
    )


@bp.route("/permits/<id:permit_id>/certificate.pdf")
@roles_required(Role.APPROVER)
def staff_download(permit_id: int):
    permit = services.get_permit_for_approver_or_404(permit_id, current_user)
    return safe_download_response(permit.pdf_key, services.download_name(permit), services.PDF_CONTENT_TYPE)


@bp.route("/permits/<id:permit_id>/revoke", methods=["POST"])
@roles_required(Role.APPROVER)
def revoke(permit_id: int):
    permit = services.get_permit_for_approver_or_404(permit_id, current_user)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_permit(permit, current_user, form.reason.data)
        except services.PermitError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The permit has been revoked. The verification page now shows it."), "info")
            return redirect(url_for("permits.staff_detail", permit_id=permit.id))
    return _staff_page(permit, form), 400


def _staff_page(permit, form: RevokeForm) -> str:
    result = services.verification_of(permit)
    return render_template(
        "permits/staff_detail.html",
        permit=permit,
        result=result,
        form=form,
        state_label=services.STATE_LABELS[result.state],
        verify_url=services.verify_url(permit.verification_token),
    )
