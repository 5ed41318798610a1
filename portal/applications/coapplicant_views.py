"""Co-applicants: the applicant invites the second party; the invited person confirms or
declines through the link. Thin: parse, call, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import bp, services
from portal.applications.forms import CoApplicantAnswerForm, CoApplicantInviteForm
from portal.applications.models import Application
from portal.applications.services import coapplicants
from portal.auth.models import User
from portal.extensions import db


@bp.route("/applications/<id:application_id>/co-applicant", methods=["POST"])
def invite_co_applicant(application_id: int):
    application = services.get_own_application_or_404(application_id, current_user)
    form = CoApplicantInviteForm()
    if not form.validate_on_submit():
        flash(_("Enter the co-applicant's email address."), "danger")
    else:
        try:
            coapplicants.invite(application, current_user, form.email.data or "")
        except services.ApplicationError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("The invitation is sent. The application waits until they confirm."), "success")
    return redirect(url_for("applications.detail", application_id=application.id))


@bp.route("/co-applicant/<token>", methods=["GET", "POST"])
def co_applicant(token: str):
    try:
        row = coapplicants.open_link(token, current_user)
    except coapplicants.CoApplicantError as exc:
        return render_template("applications/co_applicant.html", problem=str(exc)), 403
    application = db.session.get_one(Application, row.application_id)
    category = services.category_of(application)
    form = CoApplicantAnswerForm()
    if form.validate_on_submit():
        try:
            coapplicants.answer(
                token, current_user, confirm=bool(form.confirm.data), reason=form.reason.data or ""
            )
        except coapplicants.CoApplicantError as exc:
            form.reason.errors = [str(exc)]
        else:
            flash(
                _("Thank you: you confirmed the application.")
                if form.confirm.data
                else _("You declined the application. The applicant sees your reason."),
                "success",
            )
            return redirect(url_for("applications.dashboard"))
    elif form.is_submitted():
        abort(400)
    return render_template(
        "applications/co_applicant.html",
        problem=None,
        form=form,
        application=application,
        category=category,
        applicant=db.session.get_one(User, application.applicant_id),
    ), (400 if form.errors else 200)


@bp.app_context_processor
def _co_applicant_helpers() -> dict[str, object]:
    return {"co_applicant_of": coapplicants.latest}
