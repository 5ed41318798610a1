"""Who will hold the permit, for a category a business may hold: the applicant herself (when
the category allows a person) or one of the businesses she is an owner or director of. The
choice posts the business's id; ``start_application`` checks it against her memberships (any
other id is a 404). Thin: parse, call, flash, redirect."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import bp, services
from portal.applications.forms import EmptyForm
from portal.business import services as business_services
from portal.catalogue.models import HolderKind
from portal.catalogue.services import get_category_or_404
from portal.params import to_id


@bp.route("/permits/<slug>/apply/holder", methods=["GET", "POST"])
def start_holder(slug: str):
    category = get_category_or_404(slug)
    kind = HolderKind(category.holder_kind)
    if not kind.allows_business:
        return redirect(url_for("catalogue.detail", slug=slug))
    businesses = business_services.businesses_for_filing(current_user)
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        choice = request.form.get("holder", "")
        business_id = None
        if choice != "self" or not kind.allows_person:
            try:
                business_id = to_id(choice)
            except ValueError:
                business_id = None
            if business_id is None:
                error = _("Choose who will hold the permit.")
        if error is None:
            try:
                application = services.start_application(
                    current_user, category, holder_business_id=business_id
                )
            except services.ApplicationError as exc:
                error = str(exc)
            else:
                return redirect(url_for("applications.requirements", application_id=application.id))
    return render_template(
        "applications/start_holder.html",
        category=category,
        kind=kind,
        businesses=businesses,
        form=form,
        error=error,
    ), (400 if error else 200)
