"""Admin pages: categories, the form builder, tutorials, staff, office settings, holidays and
the audit log. Thin: parse the form, call admin.services, flash, redirect. Every view is
@roles_required(Role.ADMIN); the blueprint refuses anyone else before any view runs, and the
loaders check the role a third time."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp, services
from portal.admin.forms import (
    ROLE_LABELS,
    ActionForm,
    CategoryForm,
    DocumentForm,
    EmbedForm,
    FieldForm,
    FindUserForm,
    HolidayForm,
    InviteForm,
    PageForm,
    RolesForm,
    SettingsForm,
    TutorialForm,
    TutorialUploadForm,
)
from portal.auth.models import Role
from portal.catalogue.formspec import DefinitionError
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.security import roles_required
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.tutorials import vtt
from portal.tutorials.services import TutorialError
from portal.tutorials.stages import STAGE_KEYS, stage_label

ADMIN = Role.ADMIN


@bp.before_request
def _admins_only():
    # Deny by default for the whole blueprint, so a view that forgets its decorator is still
    # closed. (Anonymous visitors were already sent to the login page.)
    if not current_user.is_authenticated:
        return None
    if not current_user.has_role(ADMIN):
        abort(403)
    return None


def _me():
    return current_user._get_current_object()


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def _checked_action() -> None:
    """A button form (move, delete, publish...): its CSRF token must be valid."""
    if not ActionForm().validate_on_submit():
        abort(400)


# -- home ----------------------------------------------------------------------------------------------
@bp.route("/")
@roles_required(ADMIN)
def index():
    return render_template("admin/index.html")


# -- categories ------------------------------------------------------------------------------------------
@bp.route("/categories")
@roles_required(ADMIN)
def categories():
    listing = services.list_categories(after=_int_arg("after"))
    return render_template("admin/categories.html", listing=listing, action_form=ActionForm())


@bp.route("/categories/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def category_new():
    form = CategoryForm()
    if form.validate_on_submit():
        problems = services.category_problems(form.data_for_service(), None)
        _attach(form, problems)
        if not problems:
            category = services.create_category(form.data_for_service(), _me())
            flash(_("The permit type was created. Build its form, publish it, then open the permit "
                    "type to applicants."), "success")
            return redirect(url_for("admin.form_builder", category_id=category.id))
    return render_template("admin/category_form.html", form=form, category=None)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def category_edit(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    form = CategoryForm(obj=category, editing=True)
    if request.method == "GET":
        form.sector.data = category.sector.value if hasattr(category.sector, "value") else category.sector
    if form.validate_on_submit():
        data = form.data_for_service()
        problems = services.category_problems(data, category)
        _attach(form, problems)
        if not problems:
            services.update_category(category, data, _me())
            flash(_("The permit type was saved."), "success")
            return redirect(url_for("admin.category_edit", category_id=category.id))
    counts = services.application_counts([category.id])
    return render_template("admin/category_form.html", form=form, category=category,
                           applications=counts.get(category.id, 0), action_form=ActionForm())


def _attach(form, problems: dict[str, str]) -> None:
    for name, message in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


@bp.route("/categories/<int:category_id>/active", methods=["POST"])
@roles_required(ADMIN)
def category_active(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    _checked_action()
    active = request.form.get("active") == "1"
    try:
        services.set_category_active(category, active, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The permit type is open to applicants.") if active
              else _("The permit type is closed: it takes no new applications."), "success")
    return redirect(request.form.get("back") == "list" and url_for("admin.categories")
                    or url_for("admin.category_edit", category_id=category.id))


@bp.route("/categories/<int:category_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def category_delete(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    _checked_action()
    try:
        services.delete_category(category, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
        return redirect(url_for("admin.category_edit", category_id=category_id))
    flash(_("The permit type was deleted."), "success")
    return redirect(url_for("admin.categories"))


# -- the form builder ------------------------------------------------------------------------------------
def _draft(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    return category, services.get_draft(category, _me())


def _builder_url(category: PermitCategory, anchor: str = "") -> str:
    return url_for("admin.form_builder", category_id=category.id) + (f"#{anchor}" if anchor else "")


@bp.route("/categories/<int:category_id>/form")
@roles_required(ADMIN)
def form_builder(category_id: int):
    category, draft = _draft(category_id)
    return _builder_page(category, draft)


def _builder_page(category, draft, problems=None, status=200):
    known_pages = {p["key"] for p in draft.pages or []}
    grouped = [(page, [f for f in draft.fields or [] if f.get("page") == page["key"]])
               for page in draft.pages or []]
    orphans = [f for f in draft.fields or [] if f.get("page") not in known_pages]
    return render_template("admin/form_builder.html", category=category, draft=draft,
                           grouped=grouped, orphans=orphans, problems=problems or [],
                           action_form=ActionForm()), status


@bp.route("/categories/<int:category_id>/form/fields/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def field_new(category_id: int):
    category, draft = _draft(category_id)
    if not draft.pages:
        flash(_("Add a page first: every field belongs to a page."), "warning")
        return redirect(url_for("admin.page_new", category_id=category.id))
    form = FieldForm(pages=draft.pages, other_fields=draft.fields or [])
    if request.method == "GET" and request.args.get("page") in {p["key"] for p in draft.pages}:
        form.page.data = request.args["page"]
    return _field_page(category, draft, form, None)


@bp.route("/categories/<int:category_id>/form/fields/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
def field_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    field = services.get_field_or_404(draft, key)
    others = [f for f in draft.fields if f.get("key") != key]
    form = FieldForm(pages=draft.pages, other_fields=others)
    if request.method == "GET":
        form.fill_from(field)
    return _field_page(category, draft, form, key)


def _field_page(category, draft, form, original_key):
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_field(draft, original_key, form.to_field(), _me())
        except DefinitionError as exc:
            db.session.rollback()
            problems = exc.problems
        else:
            flash(_("The field %(key)s was saved.", key=form.key.data), "success")
            return redirect(_builder_url(category, f"field-{form.key.data}"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/field_form.html", category=category, form=form,
                           original_key=original_key, problems=problems), status


@bp.route("/categories/<int:category_id>/form/fields/<key>/delete", methods=["POST"])
@roles_required(ADMIN)
def field_delete(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    try:
        services.delete_field(draft, key, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The field %(key)s was deleted.", key=key), "success")
    return redirect(_builder_url(category))


@bp.route("/categories/<int:category_id>/form/fields/<key>/move", methods=["POST"])
@roles_required(ADMIN)
def field_move(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    services.move_field(draft, key, -1 if request.form.get("direction") == "up" else 1, _me())
    return redirect(_builder_url(category, f"field-{key}"))


@bp.route("/categories/<int:category_id>/form/pages/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def page_new(category_id: int):
    category, draft = _draft(category_id)
    return _page_form(category, draft, PageForm(), None)


@bp.route("/categories/<int:category_id>/form/pages/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
def page_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    page = draft.pages[services._page_index(draft, key)]
    form = PageForm()
    if request.method == "GET":
        form.page_key.data, form.title_id.data, form.title_en.data = (
            page["key"], page.get("title_id", ""), page.get("title_en", ""))
    return _page_form(category, draft, form, key)


def _page_form(category, draft, form, original_key):
    if form.validate_on_submit():
        try:
            services.save_page(draft, original_key, form.page_key.data, form.title_id.data,
                               form.title_en.data or "", _me())
        except services.AdminError as exc:
            db.session.rollback()
            form.page_key.errors = [*form.page_key.errors, str(exc)]
        else:
            flash(_("The page was saved."), "success")
            return redirect(_builder_url(category, f"page-{form.page_key.data}"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/page_form.html", category=category, form=form,
                           original_key=original_key), status


@bp.route("/categories/<int:category_id>/form/pages/<key>/move", methods=["POST"])
@roles_required(ADMIN)
def page_move(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    services.move_page(draft, key, -1 if request.form.get("direction") == "up" else 1, _me())
    return redirect(_builder_url(category, f"page-{key}"))


@bp.route("/categories/<int:category_id>/form/pages/<key>/delete", methods=["POST"])
@roles_required(ADMIN)
def page_delete(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    try:
        services.delete_page(draft, key, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The page was deleted."), "success")
    return redirect(_builder_url(category))


@bp.route("/categories/<int:category_id>/form/documents/new", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
def document_new(category_id: int):
    category, draft = _draft(category_id)
    form = DocumentForm()
    if request.method == "GET":
        form.allowed_types.data = ["pdf"]
    return _document_page(category, draft, form, None)


@bp.route("/categories/<int:category_id>/form/documents/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
def document_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    document = services.get_document_or_404(draft, key)
    form = DocumentForm(data=document) if request.method == "GET" else DocumentForm()
    return _document_page(category, draft, form, key, document)


def _document_page(category, draft, form, original_key, document=None):
    problems: list[str] = []
    if form.validate_on_submit():
        sample = request.files.get(form.sample.name)
        try:
            services.save_document(draft, original_key, form.to_document(), _me(),
                                   sample=sample if sample and sample.filename else None,
                                   remove_sample=bool(form.remove_sample.data))
        except DefinitionError as exc:
            db.session.rollback()
            problems = exc.problems
        except UploadRejected as exc:
            db.session.rollback()
            form.sample.errors = [*form.sample.errors, exc.message()]
        else:
            flash(_("The document requirement %(key)s was saved.", key=form.key.data), "success")
            return redirect(_builder_url(category, f"document-{form.key.data}"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/document_form.html", category=category, form=form,
                           original_key=original_key, document=document, problems=problems), status


@bp.route("/categories/<int:category_id>/form/documents/<key>/move", methods=["POST"])
@roles_required(ADMIN)
def document_move(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    services.move_document(draft, key, -1 if request.form.get("direction") == "up" else 1, _me())
    return redirect(_builder_url(category, f"document-{key}"))


@bp.route("/categories/<int:category_id>/form/documents/<key>/delete", methods=["POST"])
@roles_required(ADMIN)
def document_delete(category_id: int, key: str):
    category, draft = _draft(category_id)
    _checked_action()
    services.delete_document(draft, key, _me())
    flash(_("The document requirement %(key)s was deleted.", key=key), "success")
    return redirect(_builder_url(category))


@bp.route("/categories/<int:category_id>/form/preview")
@roles_required(ADMIN)
def form_preview(category_id: int):
    category, draft = _draft(category_id)
    spec = services.draft_spec(draft)
    return render_template("admin/form_preview.html", category=category, spec=spec,
                           problems=services.draft_problems(draft))


@bp.route("/categories/<int:category_id>/form/publish", methods=["POST"])
@roles_required(ADMIN)
def form_publish(category_id: int):
    category, draft = _draft(category_id)
    _checked_action()
    try:
        version = services.publish_draft(draft, category, _me())
    except DefinitionError as exc:
        db.session.rollback()
        category, draft = _draft(category_id)
        return _builder_page(category, draft, problems=exc.problems, status=400)
    flash(_("Form version %(number)s is published. New applications use it; applications already "
            "started keep their version.", number=version.number), "success")
    return redirect(_builder_url(category))


@bp.route("/categories/<int:category_id>/form/discard", methods=["POST"])
@roles_required(ADMIN)
def form_discard(category_id: int):
    category, draft = _draft(category_id)
    _checked_action()
    services.discard_draft_changes(draft, category, _me())
    flash(_("The draft is back to the published form."), "success")
    return redirect(_builder_url(category))


# -- tutorials -----------------------------------------------------------------------------------------
def _category_choices():
    rows = db.session.execute(
        db.select(PermitCategory.id, PermitCategory.name_id).order_by(PermitCategory.name_id)
    ).all()
    return [("", _("(every permit type)"))] + [(str(i), name) for i, name in rows]


@bp.route("/tutorials")
@roles_required(ADMIN)
def tutorials():
    rows, next_after = services.list_tutorials(after=_int_arg("after"))
    return render_template("admin/tutorials.html", tutorials=rows, next_after=next_after)


@bp.route("/tutorials/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def tutorial_new():
    form = TutorialForm()
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        tutorial = services.save_tutorial(None, form.data_for_service(), _me())
        flash(_("The video guide was created. Add the video, captions and chapters."), "success")
        return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id))
    return render_template("admin/tutorial_new.html", form=form)


@bp.route("/tutorials/<int:tutorial_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def tutorial_edit(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    form = TutorialForm(obj=tutorial)
    form.category_id.choices = _category_choices()
    if request.method == "GET":
        form.category_id.data = str(tutorial.category_id or "")
    if form.validate_on_submit():
        services.save_tutorial(tutorial, form.data_for_service(), _me())
        flash(_("The video guide was saved."), "success")
        return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id))
    return _tutorial_page(tutorial, form=form, status=400 if request.method == "POST" else 200)


def _tutorial_page(tutorial, *, form=None, errors=None, embed_form=None, rows=None, end=None,
                   status=200):
    if form is None:
        form = TutorialForm(obj=tutorial, formdata=None)
        form.category_id.choices = _category_choices()
        form.category_id.data = str(tutorial.category_id or "")
    embed_form = embed_form or EmbedForm(formdata=None, embed_url=tutorial.embed_url or "")
    return render_template(
        "admin/tutorial_edit.html", tutorial=tutorial, form=form, embed_form=embed_form,
        upload_form=TutorialUploadForm(formdata=None), errors=errors or {},
        rows=rows or services.chapter_rows(tutorial),
        end=end if end is not None else _default_end(tutorial),
        action_form=ActionForm(), mappings=services.stage_mappings(tutorial),
        stage_label=stage_label, category_names=dict(
            (int(v), n) for v, n in _category_choices() if v)), status


def _default_end(tutorial) -> str:
    chapters = tutorial.chapters_json or []
    seconds = chapters[-1]["end"] if chapters else (tutorial.duration_seconds or 0)
    return vtt.format_timestamp(seconds).removeprefix("00:") if seconds else ""


FILE_KINDS = ("video", "poster", "captions_id", "captions_en", "chapters")


@bp.route("/tutorials/<int:tutorial_id>/files/<what>", methods=["POST"])
@roles_required(ADMIN)
@upload_rate_limit
def tutorial_upload(tutorial_id: int, what: str):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    if what not in FILE_KINDS:
        abort(404)
    form = TutorialUploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _tutorial_page(tutorial, errors={what: _("Choose a file to upload.")}, status=400)
    try:
        services.tutorial_file(tutorial, what, upload, _me())
    except UploadRejected as exc:
        db.session.rollback()
        return _tutorial_page(tutorial, errors={what: exc.message()}, status=400)
    except (vtt.VttError, TutorialError) as exc:
        db.session.rollback()
        return _tutorial_page(tutorial, errors={what: str(exc)}, status=400)
    flash(_("The file was uploaded."), "success")
    return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id) + f"#{what}")


@bp.route("/tutorials/<int:tutorial_id>/embed", methods=["POST"])
@roles_required(ADMIN)
def tutorial_embed(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    form = EmbedForm()
    if not form.validate_on_submit():
        return _tutorial_page(tutorial, embed_form=form, status=400)
    try:
        services.set_tutorial_embed(tutorial, form.embed_url.data or "", _me())
    except TutorialError as exc:
        db.session.rollback()
        form.embed_url.errors = [*form.embed_url.errors, str(exc)]
        return _tutorial_page(tutorial, embed_form=form, status=400)
    flash(_("The video address was saved."), "success")
    return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id) + "#embed")


@bp.route("/tutorials/<int:tutorial_id>/chapters", methods=["POST"])
@roles_required(ADMIN)
def tutorial_chapters(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    _checked_action()
    starts = request.form.getlist("start")
    ids = request.form.getlist("chapter_id")
    titles_id = request.form.getlist("title_id")
    titles_en = request.form.getlist("title_en")
    count = min(len(starts), len(ids), len(titles_id), len(titles_en), 100)
    rows = [services.ChapterRow(starts[i][:20], ids[i][:40], titles_id[i][:200], titles_en[i][:200])
            for i in range(count)]
    end = (request.form.get("end") or "")[:20]
    try:
        services.save_chapter_rows(tutorial, rows, end, _me())
    except (services.AdminError, vtt.VttError, UploadRejected) as exc:
        db.session.rollback()
        message = exc.message() if isinstance(exc, UploadRejected) else str(exc)
        return _tutorial_page(tutorial, errors={"chapter_rows": message},
                              rows=rows + [services.ChapterRow("", "", "", "")], end=end, status=400)
    flash(_("The chapters were saved."), "success")
    return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id) + "#chapters")


@bp.route("/tutorials/<int:tutorial_id>/stages", methods=["GET", "POST"])
@roles_required(ADMIN)
def tutorial_stages(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    choices = _category_choices()
    raw_category = request.values.get("category", "")
    category_id = int(raw_category) if raw_category.isdigit() and len(raw_category) < 12 else None
    if category_id is not None:
        services.get_category_or_404(category_id, current_user)
    error = None
    if request.method == "POST":
        _checked_action()
        picked = {key: request.form.get(f"stage_{key}", "") for key in STAGE_KEYS}
        try:
            services.map_stages(tutorial, category_id, picked, _me())
        except services.AdminError as exc:
            error = str(exc)
        else:
            flash(_("The stages were mapped."), "success")
            return redirect(url_for("admin.tutorial_stages", tutorial_id=tutorial.id,
                                    category=category_id or ""))
    current = {m.stage_key: (m.chapter_id or services.WHOLE_VIDEO)
               for m in services.stage_mappings(tutorial) if m.category_id == category_id}
    return render_template("admin/tutorial_stages.html", tutorial=tutorial, choices=choices,
                           category_id=category_id, stage_keys=STAGE_KEYS, stage_label=stage_label,
                           current=current, whole=services.WHOLE_VIDEO, error=error,
                           action_form=ActionForm()), 400 if error else 200


@bp.route("/tutorials/<int:tutorial_id>/publish", methods=["POST"])
@roles_required(ADMIN)
def tutorial_publish(tutorial_id: int):
    tutorial = services.get_tutorial_or_404(tutorial_id, current_user)
    _checked_action()
    publish = request.form.get("published") == "1"
    try:
        services.set_tutorial_published(tutorial, publish, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The video guide is published.") if publish else _("The video guide is hidden."),
              "success")
    return redirect(url_for("admin.tutorial_edit", tutorial_id=tutorial.id))


# -- staff ---------------------------------------------------------------------------------------------
@bp.route("/staff")
@roles_required(ADMIN)
def staff():
    find_form = FindUserForm(request.args)
    found, searched = None, False
    if find_form.email.data:
        searched = True
        found = services.find_user(find_form.email.data)
    rows, next_after = services.list_staff(after=_int_arg("after"))
    return render_template("admin/staff.html", users=rows, next_after=next_after, find_form=find_form,
                           found=found, searched=searched, role_labels=ROLE_LABELS)


@bp.route("/staff/invite", methods=["GET", "POST"])
@roles_required(ADMIN)
def staff_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite_staff(form.email.data, form.full_name.data,
                                         {Role(r) for r in form.roles.data}, form.locale.data, _me())
        except services.AdminError as exc:
            db.session.rollback()
            form.email.errors = [*form.email.errors, str(exc)]
        else:
            flash(_("The invitation was sent to %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.staff_user", user_id=user.id))
    return render_template("admin/staff_invite.html", form=form), 400 if form.errors else 200


@bp.route("/staff/<int:user_id>")
@roles_required(ADMIN)
def staff_user(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    form = RolesForm(formdata=None, roles=[r.value for r in user.role_set])
    return render_template("admin/staff_user.html", user=user, form=form, action_form=ActionForm(),
                           role_labels=ROLE_LABELS)


@bp.route("/staff/<int:user_id>/roles", methods=["POST"])
@roles_required(ADMIN)
def staff_roles(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    form = RolesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_roles(user, {Role(r) for r in form.roles.data}, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The roles were saved."), "success")
    return redirect(url_for("admin.staff_user", user_id=user_id))


@bp.route("/staff/<int:user_id>/active", methods=["POST"])
@roles_required(ADMIN)
def staff_active(user_id: int):
    user = services.get_user_or_404(user_id, current_user)
    _checked_action()
    active = request.form.get("active") == "1"
    try:
        services.set_user_active(user, active, _me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The account is active again.") if active
              else _("The account is deactivated and logged out everywhere."), "success")
    return redirect(url_for("admin.staff_user", user_id=user_id))


# -- office settings and holidays -----------------------------------------------------------------------
@bp.route("/settings", methods=["GET", "POST"])
@roles_required(ADMIN)
def settings():
    current = services.office_settings()
    form = SettingsForm(data=current) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        services.save_office_settings({k: getattr(form, k).data for k in services.OFFICE_SETTINGS},
                                      _me())
        flash(_("The office settings were saved."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), 400 if form.errors else 200


@bp.route("/holidays", methods=["GET", "POST"])
@roles_required(ADMIN)
def holidays():
    from portal.calendar.clock import office_today

    year = _int_arg("year") or office_today().year
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            services.add_holiday(form.day.data, form.name.data, form.kind.data, _me())
        except services.AdminError as exc:
            db.session.rollback()
            form.day.errors = [*form.day.errors, str(exc)]
        else:
            flash(_("The holiday was added."), "success")
            return redirect(url_for("admin.holidays", year=form.day.data.year))
    years = sorted({*services.holiday_years(), year})
    return render_template("admin/holidays.html", form=form, year=year, years=years,
                           holidays=services.list_holidays(year), action_form=ActionForm()), \
        400 if form.errors else 200


@bp.route("/holidays/<int:holiday_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def holiday_delete(holiday_id: int):
    _checked_action()
    services.remove_holiday(holiday_id, _me())
    flash(_("The holiday was removed."), "success")
    return redirect(url_for("admin.holidays", year=_int_arg("year") or ""))


# -- audit log ------------------------------------------------------------------------------------------
@bp.route("/audit")
@roles_required(ADMIN)
def audit():
    page = services.list_audit(before=_int_arg("before"))
    return render_template("admin/audit.html", page=page)
