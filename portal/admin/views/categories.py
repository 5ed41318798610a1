"""Admin pages for permit categories."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp, services
from portal.admin.forms import ActionForm, CategoryForm
from portal.admin.views.common import ADMIN, me
from portal.catalogue.models import HolderKind
from portal.forms import check_action
from portal.paging import int_arg
from portal.security import roles_required


@bp.route("/categories")
@roles_required(ADMIN)
def categories():
    listing = services.list_categories(after=int_arg("after"))
    return render_template("admin/categories.html", listing=listing, action_form=ActionForm())


@bp.route("/categories/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def category_new():
    form = CategoryForm()
    if form.validate_on_submit():
        problems = services.category_problems(form.data_for_service(), None)
        _attach(form, problems)
        if not problems:
            category = services.create_category(form.data_for_service(), me())
            flash(
                _(
                    "The permit type was created. Build its form, publish it, then open the permit "
                    "type to applicants."
                ),
                "success",
            )
            return redirect(url_for("admin.form_builder", category_id=category.id))
    return render_template("admin/category_form.html", form=form, category=None)


@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def category_edit(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    form = CategoryForm(obj=category, editing=True)
    if request.method == "GET":
        form.sector.data = category.sector.value if hasattr(category.sector, "value") else category.sector
        form.holder_kind.data = HolderKind(category.holder_kind).value
    if form.validate_on_submit():
        data = form.data_for_service()
        problems = services.category_problems(data, category)
        _attach(form, problems)
        if not problems:
            services.update_category(category, data, me())
            flash(_("The permit type was saved."), "success")
            return redirect(url_for("admin.category_edit", category_id=category.id))
    counts = services.application_counts([category.id])
    return render_template(
        "admin/category_form.html",
        form=form,
        category=category,
        applications=counts.get(category.id, 0),
        action_form=ActionForm(),
    )


def _attach(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


@bp.route("/categories/<id:category_id>/active", methods=["POST"])
@roles_required(ADMIN)
def category_active(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    check_action()
    active = request.form.get("active") == "1"
    try:
        services.set_category_active(category, active, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(
            _("The permit type is open to applicants.")
            if active
            else _("The permit type is closed: it takes no new applications."),
            "success",
        )
    return redirect(
        request.form.get("back") == "list"
        and url_for("admin.categories")
        or url_for("admin.category_edit", category_id=category.id)
    )


@bp.route("/categories/<id:category_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def category_delete(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    check_action()
    try:
        services.delete_category(category, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("admin.category_edit", category_id=category_id))
    flash(_("The permit type was deleted."), "success")
    return redirect(url_for("admin.categories"))
