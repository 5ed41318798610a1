"""The holder's "Perpanjang" button: start (or resume) the renewal of her permit."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.permits import bp, renewal
from portal.permits.forms import RenewForm


@bp.app_template_global("renewal_offer")
def renewal_offer(application: Application) -> renewal.RenewalOffer | None:
    """For the holder's application page: the renewal of its permit, if it has one to renew."""
    if not current_user.is_authenticated or application.applicant_id != current_user.id:
        return None
    return renewal.renewal_offer(application)


@bp.app_template_global("renew_form")
def renew_form() -> RenewForm:
    return RenewForm()


@bp.route("/applications/<id:application_id>/renew", methods=["POST"])
def renew(application_id: int):
    """Someone else's permit is a 404 (the loader); a refusal is flashed on the permit's page."""
    form = RenewForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Press the button again."), "danger")
        return redirect(url_for("applications.detail", application_id=application_id))
    try:
        draft = renewal.start_renewal(application_id, current_user)
    except renewal.RenewalRefused as exc:
        flash(str(exc), "danger")
        return redirect(url_for("applications.detail", application_id=application_id))
    if draft.status is S.DRAFT:
        flash(
            _(
                "Your renewal application is ready, filled in from your permit. Check every page "
                "and the documents, then submit it."
            ),
            "success",
        )
        return redirect(url_for("applications.requirements", application_id=draft.id))
    flash(_("This permit's renewal has already been submitted."), "info")
    return redirect(url_for("applications.detail", application_id=draft.id))
