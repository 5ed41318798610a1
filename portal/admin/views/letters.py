"""Admin page for the permit letters: the letterhead's coat of arms or logo, and for each permit
type its layout (letter or certificate) and the answers printed on it."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import ActionForm, CategoryLetterForm, LetterheadForm
from portal.admin.views.common import ADMIN, me
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.forms import check_action
from portal.i18n import localized
from portal.permits import letterhead
from portal.request_limits import accepts_uploads
from portal.security import roles_required
from portal.storage.errors import UploadRejected


def _category_form(category: PermitCategory, formdata=None) -> CategoryLetterForm:
    form = CategoryLetterForm(
        formdata=formdata,
        data={
            "layout": category.certificate_layout or "letter",
            "fields": letterhead.chosen_fields(category),
        },
        prefix=f"c{category.id}",
    )
    form.fields.choices = letterhead.field_choices(category)
    return form


def _page(logo_form: LetterheadForm, status: int = 200):
    categories = db.session.scalars(select(PermitCategory).order_by(PermitCategory.name_id)).all()
    rows = [(c, _category_form(c)) for c in categories]
    return render_template(
        "admin/letters.html",
        logo_form=logo_form,
        logo=letterhead.current_logo(),
        rows=rows,
        action_form=ActionForm(),
    ), status


@bp.route("/letters")
@roles_required(ADMIN)
def letters():
    return _page(LetterheadForm())


@bp.route("/letters/logo", methods=["POST"])
@roles_required(ADMIN)
@accepts_uploads
def letters_logo():
    form = LetterheadForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    if not form.logo.data:
        form.logo.errors = [_("Choose a PNG or JPEG picture.")]
        return _page(form, 400)
    try:
        letterhead.save_logo(form.logo.data, me())
    except UploadRejected as exc:
        form.logo.errors = [exc.message()]
        return _page(form, 400)
    flash(_("The coat of arms was saved. Permits issued from now on print it."), "success")
    return redirect(url_for("admin.letters"))


@bp.route("/letters/logo.jpg")
@roles_required(ADMIN)
def letters_logo_image():
    """The coat of arms as the letters print it (scaled, on white), for the page's preview."""
    data = letterhead.logo_as_printed()
    if data is None:
        raise NotFoundError()
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, no-cache"})


@bp.route("/letters/logo/delete", methods=["POST"])
@roles_required(ADMIN)
def letters_logo_delete():
    check_action()
    letterhead.remove_logo(me())
    flash(_("The coat of arms was removed. Permits print the neutral placeholder."), "success")
    return redirect(url_for("admin.letters"))


@bp.route("/letters/<id:category_id>", methods=["POST"])
@roles_required(ADMIN)
def letters_category(category_id: int):
    category = db.session.get(PermitCategory, category_id)
    if category is None:
        raise NotFoundError()
    form = CategoryLetterForm(prefix=f"c{category.id}")
    form.fields.choices = letterhead.field_choices(category)
    if not form.validate_on_submit():
        flash(_("Choose the letter or the certificate layout."), "danger")
        return redirect(url_for("admin.letters") + f"#category-{category.id}")
    try:
        letterhead.save_category_letter(category, form.layout.data or "", list(form.fields.data or []), me())
    except letterhead.LetterSettingError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The permit of %(name)s was saved.", name=localized(category, "name")), "success")
    return redirect(url_for("admin.letters") + f"#category-{category.id}")
