"""Admin page for the public register of issued permits: which permit types are listed (opt-in,
per category), and which answer of each form names the business that holds the permit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import RegisterSettingForm
from portal.admin.views.common import ADMIN, me
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.i18n import localized
from portal.permits import register
from portal.security import roles_required


def _form_for(category: PermitCategory, setting) -> RegisterSettingForm:
    form = RegisterSettingForm(
        formdata=None,
        data={
            "published": bool(setting and setting.published),
            "business_name_field": (setting.business_name_field if setting else None) or "",
        },
        prefix=f"c{category.id}",
    )
    form.business_name_field.choices = [
        ("", _("None: show the holder's initials"))
    ] + register.name_field_choices(category)
    return form


@bp.route("/register")
@roles_required(ADMIN)
def register_settings():
    categories = db.session.scalars(select(PermitCategory).order_by(PermitCategory.name_id)).all()
    settings = register.settings_by_category()
    rows = [(c, _form_for(c, settings.get(c.id))) for c in categories]
    return render_template("admin/register.html", rows=rows)


@bp.route("/register/<id:category_id>", methods=["POST"])
@roles_required(ADMIN)
def register_setting_save(category_id: int):
    category = db.session.get(PermitCategory, category_id)
    if category is None:
        raise NotFoundError()
    form = RegisterSettingForm(prefix=f"c{category.id}")
    if not form.validate_on_submit():
        flash(_("The form had expired. Try again."), "warning")
        return redirect(url_for("admin.register_settings"))
    try:
        register.save_setting(category.id, bool(form.published.data), form.business_name_field.data, me())
    except register.RegisterError as exc:
        flash(str(exc), "danger")
    else:
        name = localized(category, "name")
        if form.published.data:
            flash(_("Issued permits of %(name)s are listed in the public register.", name=name), "success")
        else:
            flash(
                _("Issued permits of %(name)s are not listed in the public register.", name=name), "success"
            )
    return redirect(url_for("admin.register_settings") + f"#category-{category.id}")
