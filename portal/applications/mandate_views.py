"""Powers of attorney (kuasa): the page where a representative adds the people she files for and
sees their applications by principal, and where a principal sees what was filed for her and
revokes a mandate; choosing for whom a new application is filed. Thin: parse, call, flash,
redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import bp, services, workflow
from portal.applications.forms import BusinessMandateForm, ConsultantForm, EmptyForm, MandateForm
from portal.applications.services import mandates
from portal.business import services as business_services
from portal.catalogue.models import HolderKind
from portal.catalogue.services import get_category_or_404
from portal.errors import NotFoundError
from portal.params import to_id


def _as_id(raw: str | None) -> int | None:
    try:
        return to_id(raw)
    except ValueError:
        return None


def _chosen_principal() -> int | None:
    """The ``principal`` filter of the list (a mandate id); an unreadable one is ignored."""
    return _as_id(request.args.get("principal"))


def _business_form() -> BusinessMandateForm:
    form = BusinessMandateForm(prefix="biz")
    form.business_id.choices = [(b.id, b.name) for b in mandates.businesses_i_file_for(current_user)]
    return form


@bp.route("/mandates", methods=["GET", "POST"])
def mandates_page():
    form = MandateForm()
    business_form = _business_form()
    if business_form.give.data and business_form.validate_on_submit():
        try:
            mandate = mandates.give_business_mandate(
                current_user, business_form.business_id.data, business_form.representative_email.data or ""
            )
        except services.MandateError as exc:
            business_form.representative_email.errors = [str(exc)]
        else:
            flash(
                _(
                    "%(name)s can now file applications for %(business)s.",
                    name=mandate.representative.full_name,
                    business=mandate.principal_name,
                ),
                "success",
            )
            return redirect(url_for("applications.mandates_page"))
    elif not business_form.give.data and form.validate_on_submit():
        try:
            mandate = mandates.add_mandate(current_user, form.principal_email.data or "")
        except services.MandateError as exc:
            form.principal_email.errors = [str(exc)]
        else:
            flash(
                _("You can now file applications for %(name)s.", name=mandate.principal_user.full_name),
                "success",
            )
            return redirect(url_for("applications.mandates_page"))
    consultant_form = ConsultantForm(is_consultant=current_user.is_consultant)
    held = mandates.held_mandates(current_user)
    chosen = _chosen_principal()
    if chosen is not None and chosen not in {m.id for m in held if m.is_active}:
        chosen = None
    return render_template(
        "applications/mandates.html",
        form=form,
        business_form=business_form,
        consultant_form=consultant_form,
        revoke_form=EmptyForm(),
        held=held,
        given=mandates.given_mandates(current_user),
        chosen=chosen,
        filed_by_me=mandates.applications_for_principals(current_user, services.PrincipalFilter(chosen)),
        filed_for_me=mandates.applications_filed_for(current_user),
        labels=workflow.STATUS_LABELS,
    ), (400 if form.is_submitted() and (form.errors or business_form.errors) else 200)


@bp.route("/mandates/<id:mandate_id>/revoke", methods=["POST"])
def revoke_mandate(mandate_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    mandates.revoke(mandate_id, current_user)
    flash(_("The power of attorney is revoked. It gives no access to your applications any more."), "success")
    return redirect(url_for("applications.mandates_page"))


@bp.route("/mandates/consultant", methods=["POST"])
def consultant():
    form = ConsultantForm()
    if not form.validate_on_submit():
        abort(400)
    mandates.set_consultant(current_user, bool(form.is_consultant.data))
    flash(_("Saved."), "success")
    return redirect(url_for("applications.mandates_page"))


@bp.route("/permits/<slug>/apply/for", methods=["GET", "POST"])
def start_for(slug: str):
    """For whom a representative starts an application: herself, a business she owns or
    directs, or one of her principals (those who may hold this category's permit)."""
    category = get_category_or_404(slug)
    kind = HolderKind(category.holder_kind)
    held = [
        m
        for m in mandates.held_mandates(current_user)
        if m.is_active and (kind.allows_business if m.principal_business_id else kind.allows_person)
    ]
    businesses = business_services.businesses_for_filing(current_user) if kind.allows_business else []
    form = EmptyForm()
    if form.validate_on_submit():
        choice = request.form.get("for", "")
        mandate, business_id = None, None
        if choice.startswith("business-"):
            business_id = _as_id(choice.removeprefix("business-"))
            if business_id is None:
                raise NotFoundError()
        elif choice != "self":
            mandate_id = _as_id(choice)
            if mandate_id is None:
                flash(_("Choose for whom you are applying."), "danger")
                return redirect(url_for("applications.start_for", slug=slug))
            mandate = mandates.active_held_mandate_or_404(mandate_id, current_user)
        try:
            application = services.start_application(
                current_user, category, mandate, holder_business_id=business_id
            )
        except services.ApplicationError as exc:
            flash(str(exc), "danger")
            return redirect(url_for("applications.start_for", slug=slug))
        return redirect(url_for("applications.requirements", application_id=application.id))
    return render_template(
        "applications/start_for.html",
        category=category,
        held=held,
        businesses=businesses,
        may_self=kind.allows_person,
        form=form,
    )


@bp.app_context_processor
def _mandate_helpers() -> dict[str, object]:
    return {"principal_of": services.principal_of}
