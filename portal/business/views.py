"""The business pages of the account area ("Usaha saya"): my businesses, a new one, a business's
page with its members, editing it. Plain forms (no script needed); every business is loaded
through the member's own membership (404 for anyone else). Thin: parse, call, flash, redirect."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.business import bp, services
from portal.business.forms import BusinessForm, ButtonForm, MemberForm, RoleForm
from portal.business.models import MemberRole


def _show_errors(form: BusinessForm, error: services.InvalidBusiness) -> None:
    for name, message in error.errors.items():
        getattr(form, name).errors = [message]


@bp.route("/account/businesses")
def index():
    return render_template("business/index.html", memberships=services.list_memberships(current_user))


@bp.route("/account/businesses/new", methods=["GET", "POST"])
def create():
    form = BusinessForm()
    if form.validate_on_submit():
        try:
            business = services.create_business(current_user, form.profile())
        except services.InvalidBusiness as exc:
            _show_errors(form, exc)
        else:
            flash(
                _("The business %(name)s is registered, with you as its owner.", name=business.name),
                "success",
            )
            return redirect(url_for("business.detail", business_id=business.id))
    elif form.csrf_token.errors:
        abort(400)
    status = 400 if form.is_submitted() else 200
    return render_template("business/form.html", form=form, business=None), status


@bp.route("/account/businesses/<id:business_id>")
def detail(business_id: int):
    business, member = services.get_business_or_404(business_id, current_user)
    return render_template(
        "business/detail.html",
        business=business,
        me=member,
        members=services.members_of(business),
        member_form=MemberForm(),
        role_form=RoleForm(),
        button_form=ButtonForm(),
        is_owner=member.role is MemberRole.OWNER,
    )


@bp.route("/account/businesses/<id:business_id>/edit", methods=["GET", "POST"])
def edit(business_id: int):
    business, member = services.get_business_or_404(business_id, current_user)
    if member.role is not MemberRole.OWNER:
        abort(403)
    form = BusinessForm(obj=business)
    if form.is_submitted() is False:
        form.legal_form.data = business.legal_form.value
        form.npwp.data = business.npwp_display
    if form.validate_on_submit():
        try:
            services.update_business(business, member, form.profile())
        except services.InvalidBusiness as exc:
            _show_errors(form, exc)
        else:
            flash(_("The business's details are saved."), "success")
            return redirect(url_for("business.detail", business_id=business.id))
    elif form.csrf_token.errors:
        abort(400)
    status = 400 if form.is_submitted() else 200
    return render_template("business/form.html", form=form, business=business), status


@bp.route("/account/businesses/<id:business_id>/members", methods=["POST"])
def add_member(business_id: int):
    business, member = services.get_business_or_404(business_id, current_user)
    form = MemberForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Enter the email address of the member's account."), "danger")
        return redirect(url_for("business.detail", business_id=business.id) + "#add-member")
    added = services.add_member(business, member, form.email.data or "", form.role.data or "")
    flash(_("%(email)s is now a member (%(role)s).", email=form.email.data, role=added.role_label), "success")
    return redirect(url_for("business.detail", business_id=business.id) + "#members")


@bp.route("/account/businesses/<id:business_id>/members/<id:member_id>/role", methods=["POST"])
def change_role(business_id: int, member_id: int):
    business, member = services.get_business_or_404(business_id, current_user)
    target = services.get_member_or_404(business, member_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    services.change_role(business, member, target, form.role.data or "")
    flash(_("The role is changed."), "success")
    return redirect(url_for("business.detail", business_id=business.id) + "#members")


@bp.route("/account/businesses/<id:business_id>/members/<id:member_id>/remove", methods=["POST"])
def remove_member(business_id: int, member_id: int):
    business, member = services.get_business_or_404(business_id, current_user)
    target = services.get_member_or_404(business, member_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    services.remove_member(business, member, target)
    if target.id == member.id:
        flash(_("You have left %(name)s.", name=business.name), "info")
        return redirect(url_for("business.index"))
    flash(_("The member is removed. They no longer see the business's applications."), "info")
    return redirect(url_for("business.detail", business_id=business.id) + "#members")
