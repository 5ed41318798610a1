"""Admin pages for the public website (portal.site): the office's logo, home page photo and
colours, the contact map and social links, the profile pages, the officials and the permit
cards' icons. The coat of arms is set on the Permit letters page (one image for both)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import ActionForm
from portal.admin.views.common import ADMIN, me
from portal.admin.website_forms import (
    IconForm,
    IdentityForm,
    MapForm,
    NewProfilePageForm,
    OfficialForm,
    PositionForm,
    ProfilePageForm,
    SocialLinkForm,
    ThemeForm,
)
from portal.catalogue.models import PermitCategory
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.forms import check_action
from portal.permits import letterhead
from portal.request_limits import accepts_uploads
from portal.security import roles_required
from portal.site import services as site
from portal.site import theme
from portal.site.context import category_icon
from portal.storage.errors import UploadRejected
from portal.storage.limits import upload_rate_limit


def _overview(
    identity_form: IdentityForm | None = None,
    theme_form: ThemeForm | None = None,
    map_form: MapForm | None = None,
    social_form: SocialLinkForm | None = None,
    status: int = 200,
):
    row = site.identity()
    return render_template(
        "admin/website.html",
        identity=row,
        coat_of_arms=letterhead.current_logo(),
        identity_form=identity_form or IdentityForm(data=_identity_data()),
        theme_form=theme_form
        or ThemeForm(data={"choice": row.theme or theme.DEFAULT, "colour": row.theme_colour}),
        map_form=map_form or MapForm(data={"alt_id": row.map_alt_id, "alt_en": row.map_alt_en}),
        social_form=social_form or SocialLinkForm(),
        social=site.social_links(),
        pages=site.profile_pages(),
        presets=theme.PRESETS,
        action_form=ActionForm(),
    ), status


def _identity_data() -> dict[str, str]:
    row = site.identity()
    return {k: getattr(row, k) or "" for k in ("hero_alt_id", "hero_alt_en", "tagline_id", "tagline_en")}


def _refused(form, field_name: str, exc: Exception) -> None:
    db.session.rollback()
    message = exc.message() if isinstance(exc, UploadRejected) else str(exc)
    field = getattr(form, field_name)
    field.errors = [*field.errors, message]


@bp.route("/website")
@roles_required(ADMIN)
def website():
    return _overview()


@bp.route("/website/identity", methods=["POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_identity():
    form = IdentityForm()
    if form.validate_on_submit():
        try:
            site.save_identity(
                me(),
                tagline_id=form.tagline_id.data or "",
                tagline_en=form.tagline_en.data or "",
                hero_alt_id=form.hero_alt_id.data or "",
                hero_alt_en=form.hero_alt_en.data or "",
                logo=form.logo.data or None,
                hero=form.hero.data or None,
                remove_logo=bool(form.remove_logo.data),
                remove_hero=bool(form.remove_hero.data),
            )
        except UploadRejected as exc:
            # Which picture: the one that was sent (the logo first, as the form orders them).
            _refused(form, "logo" if form.logo.data and form.logo.data.filename else "hero", exc)
        except PortalError as exc:
            _refused(form, "hero_alt_id", exc)
        else:
            flash(_("The website's logo, photo and words were saved."), "success")
            return redirect(url_for("admin.website"))
    return _overview(identity_form=form, status=400)


@bp.route("/website/theme", methods=["POST"])
@roles_required(ADMIN)
def website_theme():
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            site.save_theme(me(), form.choice.data or "", form.colour.data or "")
        except PortalError as exc:
            _refused(form, "colour" if form.choice.data == theme.CUSTOM else "choice", exc)
        else:
            flash(_("The colours were saved."), "success")
            return redirect(url_for("admin.website"))
    return _overview(theme_form=form, status=400)


@bp.route("/website/map", methods=["POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_map():
    form = MapForm()
    if form.validate_on_submit():
        try:
            site.save_map(
                me(),
                alt_id=form.alt_id.data or "",
                alt_en=form.alt_en.data or "",
                upload=form.map.data or None,
                remove=bool(form.remove.data),
            )
        except UploadRejected as exc:
            _refused(form, "map", exc)
        except PortalError as exc:
            _refused(form, "alt_id", exc)
        else:
            flash(_("The map was saved."), "success")
            return redirect(url_for("admin.website"))
    return _overview(map_form=form, status=400)


@bp.route("/website/social", methods=["POST"])
@roles_required(ADMIN)
def website_social_add():
    form = SocialLinkForm()
    if form.validate_on_submit():
        try:
            site.add_social_link(me(), form.label.data or "", form.url.data or "")
        except PortalError as exc:
            _refused(form, "url" if not isinstance(exc, site.SiteError) else "label", exc)
        else:
            flash(_("The link was added."), "success")
            return redirect(url_for("admin.website") + "#social-title")
    return _overview(social_form=form, status=400)


@bp.route("/website/social/<id:link_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def website_social_delete(link_id: int):
    check_action()
    site.delete_social_link(me(), link_id)
    flash(_("The link was removed."), "success")
    return redirect(url_for("admin.website") + "#social-title")


def _page_or_404(slug: str):
    if not site.PROFILE_SLUG.fullmatch(slug):  # a NUL or any stray value never reaches the query
        raise NotFoundError()
    return site.get_profile_page_or_404(slug)


@bp.route("/website/pages/new", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_page_new():
    form = NewProfilePageForm()
    if form.validate_on_submit():
        try:
            page = site.create_profile_page(
                me(),
                slug=form.slug.data or "",
                title_id=form.title_id.data or "",
                title_en=form.title_en.data or "",
                body_id=form.body_id.data or "",
                body_en=form.body_en.data or "",
                alt_id=form.alt_id.data or "",
                alt_en=form.alt_en.data or "",
                image=form.image.data or None,
            )
        except UploadRejected as exc:
            _refused(form, "image", exc)
        except site.AltTextMissing as exc:
            _refused(form, "alt_id", exc)
        except PortalError as exc:
            _refused(form, "slug" if isinstance(exc, site.SlugRefused) else "title_id", exc)
        else:
            flash(_("The page %(title)s was added to the office profile.", title=page.title_id), "success")
            return redirect(url_for("admin.website") + "#pages-title")
    return render_template("admin/website_page.html", page=None, form=form), 400 if form.errors else 200


@bp.route("/website/pages/<slug>/move", methods=["POST"])
@roles_required(ADMIN)
def website_page_move(slug: str):
    page = _page_or_404(slug)
    form = PositionForm()
    if not form.validate_on_submit():
        abort(400)
    site.move_profile_page(me(), page, -1 if form.direction.data == "up" else 1)
    flash(_("The page %(title)s was moved.", title=page.title_id), "success")
    return redirect(url_for("admin.website") + f"#page-{page.slug}")


@bp.route("/website/pages/<slug>/delete", methods=["POST"])
@roles_required(ADMIN)
def website_page_delete(slug: str):
    check_action()
    page = _page_or_404(slug)
    title = page.title_id
    site.delete_profile_page(me(), page)
    flash(_("The page %(title)s was removed from the office profile.", title=title), "success")
    return redirect(url_for("admin.website") + "#pages-title")


@bp.route("/website/pages/<slug>", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_page(slug: str):
    page = _page_or_404(slug)
    form = ProfilePageForm(obj=page, data={"alt_id": page.image_alt_id, "alt_en": page.image_alt_en})
    if form.validate_on_submit():
        try:
            site.save_profile_page(
                me(),
                page,
                title_id=form.title_id.data or "",
                title_en=form.title_en.data or "",
                body_id=form.body_id.data or "",
                body_en=form.body_en.data or "",
                alt_id=form.alt_id.data or "",
                alt_en=form.alt_en.data or "",
                image=form.image.data or None,
                remove_image=bool(form.remove_image.data),
            )
        except UploadRejected as exc:
            _refused(form, "image", exc)
        except PortalError as exc:
            _refused(form, "alt_id" if isinstance(exc, site.AltTextMissing) else "title_id", exc)
        else:
            flash(_("The page was saved."), "success")
            return redirect(url_for("admin.website") + "#pages-title")
    return render_template("admin/website_page.html", page=page, form=form), 400 if form.errors else 200


@bp.route("/website/officials")
@roles_required(ADMIN)
def website_officials():
    return render_template(
        "admin/website_officials.html", officials=site.officials(), action_form=ActionForm()
    )


@bp.route("/website/officials/new", methods=["GET", "POST"])
@bp.route("/website/officials/<id:official_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_official(official_id: int | None = None):
    official = site.get_official_or_404(official_id) if official_id else None
    form = OfficialForm(obj=official)
    if form.validate_on_submit():
        try:
            site.save_official(
                me(),
                official,
                name=form.name.data or "",
                position_id=form.position_id.data or "",
                position_en=form.position_en.data or "",
                order=form.order.data or 0,
                photo=form.photo.data or None,
                remove_photo=bool(form.remove_photo.data),
            )
        except UploadRejected as exc:
            _refused(form, "photo", exc)
        except PortalError as exc:
            _refused(form, "name", exc)
        else:
            flash(_("The official was saved."), "success")
            return redirect(url_for("admin.website_officials"))
    return render_template(
        "admin/website_official.html", official=official, form=form
    ), 400 if form.errors else 200


@bp.route("/website/officials/<id:official_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def website_official_delete(official_id: int):
    check_action()
    site.delete_official(me(), site.get_official_or_404(official_id))
    flash(_("The official was removed."), "success")
    return redirect(url_for("admin.website_officials"))


def _icons_page(errors: dict[int, str] | None = None, status: int = 200):
    categories = db.session.scalars(select(PermitCategory).order_by(PermitCategory.name_id)).all()
    uploaded = site.category_icons()
    rows = [(c, category_icon(c), c.id in uploaded, IconForm(prefix=f"c{c.id}")) for c in categories]
    return render_template("admin/website_icons.html", rows=rows, errors=errors or {}), status


@bp.route("/website/icons")
@roles_required(ADMIN)
def website_icons():
    return _icons_page()


@bp.route("/website/icons/<id:category_id>", methods=["POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def website_icon(category_id: int):
    category = db.session.get(PermitCategory, category_id)
    if category is None:
        raise NotFoundError()
    form = IconForm(prefix=f"c{category.id}")
    if not form.validate_on_submit():
        return _icons_page({category.id: _("The form expired: reload the page and try again.")}, 400)
    try:
        site.set_category_icon(me(), category, form.icon.data or None, remove=bool(form.remove.data))
    except (UploadRejected, PortalError) as exc:
        db.session.rollback()
        message = exc.message() if isinstance(exc, UploadRejected) else str(exc)
        return _icons_page({category.id: message}, 400)
    flash(_("The icon was saved."), "success")
    return redirect(url_for("admin.website_icons") + f"#icon-{category.id}")
