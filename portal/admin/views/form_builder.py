"""Admin pages of the form builder: pages, fields, document requirements, preview, publish."""

from __future__ import annotations

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp, services
from portal.admin.form_builder_forms import DocumentForm, FieldForm, PageForm
from portal.admin.forms import ActionForm
from portal.admin.views.common import ADMIN, me
from portal.catalogue.formspec import DefinitionError, Problem
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.forms import check_action
from portal.request_limits import accepts_uploads
from portal.security import roles_required
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit


def _draft(category_id: int):
    category = services.get_category_or_404(category_id, current_user)
    return category, services.get_draft(category, me())


def _builder_url(category: PermitCategory, anchor: str = "") -> str:
    return url_for("admin.form_builder", category_id=category.id) + (f"#{anchor}" if anchor else "")


@bp.route("/categories/<id:category_id>/form")
@roles_required(ADMIN)
def form_builder(category_id: int):
    category, draft = _draft(category_id)
    return _builder_page(category, draft)


def _builder_page(category, draft, problems=None, status=200):
    known_pages = {p["key"] for p in draft.pages or []}
    grouped = [
        (page, [f for f in draft.fields or [] if f.get("page") == page["key"]]) for page in draft.pages or []
    ]
    orphans = [f for f in draft.fields or [] if f.get("page") not in known_pages]
    return render_template(
        "admin/form_builder.html",
        category=category,
        draft=draft,
        grouped=grouped,
        orphans=orphans,
        problems=problems or [],
        action_form=ActionForm(),
    ), status


@bp.route("/categories/<id:category_id>/form/fields/new", methods=["GET", "POST"])
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


@bp.route("/categories/<id:category_id>/form/fields/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
def field_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    field = services.get_item_or_404(draft, "fields", key)
    others = [f for f in draft.fields if f.get("key") != key]
    form = FieldForm(pages=draft.pages, other_fields=others)
    if request.method == "GET":
        form.fill_from(field)
    return _field_page(category, draft, form, key)


def _field_page(category, draft, form, original_key):
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            services.save_field(draft, original_key, form.to_field(), me())
        except DefinitionError as exc:
            db.session.rollback()
            problems = exc.problems
        else:
            flash(_("The field %(key)s was saved.", key=form.key.data), "success")
            return redirect(_builder_url(category, f"field-{form.key.data}"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/field_form.html", category=category, form=form, original_key=original_key, problems=problems
    ), status


@bp.route("/categories/<id:category_id>/form/pages/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def page_new(category_id: int):
    category, draft = _draft(category_id)
    return _page_form(category, draft, PageForm(), None)


@bp.route("/categories/<id:category_id>/form/pages/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
def page_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    page = services.get_item_or_404(draft, "pages", key)
    form = PageForm()
    if request.method == "GET":
        form.page_key.data, form.title_id.data, form.title_en.data = (
            page["key"],
            page.get("title_id", ""),
            page.get("title_en", ""),
        )
    return _page_form(category, draft, form, key)


def _page_form(category, draft, form, original_key):
    if form.validate_on_submit():
        try:
            services.save_page(
                draft, original_key, form.page_key.data, form.title_id.data, form.title_en.data or "", me()
            )
        except services.AdminError as exc:
            db.session.rollback()
            form.page_key.errors = [*form.page_key.errors, str(exc)]
        else:
            flash(_("The page was saved."), "success")
            return redirect(_builder_url(category, f"page-{form.page_key.data}"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "admin/page_form.html", category=category, form=form, original_key=original_key
    ), status


@bp.route("/categories/<id:category_id>/form/documents/new", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def document_new(category_id: int):
    category, draft = _draft(category_id)
    form = DocumentForm()
    if request.method == "GET":
        form.allowed_types.data = ["pdf"]
    return _document_page(category, draft, form, None)


@bp.route("/categories/<id:category_id>/form/documents/<key>", methods=["GET", "POST"])
@roles_required(ADMIN)
@upload_rate_limit
@accepts_uploads
def document_edit(category_id: int, key: str):
    category, draft = _draft(category_id)
    document = services.get_item_or_404(draft, "documents", key)
    form = DocumentForm(data=document) if request.method == "GET" else DocumentForm()
    return _document_page(category, draft, form, key, document)


def _document_page(category, draft, form, original_key, document=None):
    problems: list[Problem] = []
    if form.validate_on_submit():
        sample = request.files.get(form.sample.name)
        try:
            services.save_document(
                draft,
                original_key,
                form.to_document(),
                me(),
                sample=sample if sample and sample.filename else None,
                remove_sample=bool(form.remove_sample.data),
            )
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
    return render_template(
        "admin/document_form.html",
        category=category,
        form=form,
        original_key=original_key,
        document=document,
        problems=problems,
    ), status


def _item_rules(action: str):
    """Register one view for ``action`` on fields, pages and documents alike, each kind at its
    own URL and endpoint (field_move, page_move, document_move...), the kind passed in."""

    def register(view):
        for kind, one in services.ITEM_KINDS.items():
            bp.add_url_rule(
                f"/categories/<id:category_id>/form/{kind}/<key>/{action}",
                endpoint=f"{one}_{action}",
                methods=["POST"],
                view_func=roles_required(ADMIN)(partial(view, kind=kind)),
            )
        return view

    return register


@_item_rules("move")
def item_move(category_id: int, key: str, kind: str):
    category, draft = _draft(category_id)
    check_action()
    services.move_item(draft, kind, key, -1 if request.form.get("direction") == "up" else 1, me())
    return redirect(_builder_url(category, f"{services.ITEM_KINDS[kind]}-{key}"))


def _deleted_message(kind: str, key: str) -> str:
    if kind == "fields":
        return _("The field %(key)s was deleted.", key=key)
    if kind == "pages":
        return _("The page was deleted.")
    return _("The document requirement %(key)s was deleted.", key=key)


@_item_rules("delete")
def item_delete(category_id: int, key: str, kind: str):
    category, draft = _draft(category_id)
    check_action()
    try:
        services.delete_item(draft, kind, key, me())
    except services.AdminError as exc:
        flash(str(exc), "danger")
    else:
        flash(_deleted_message(kind, key), "success")
    return redirect(_builder_url(category))


@bp.route("/categories/<id:category_id>/form/preview")
@roles_required(ADMIN)
def form_preview(category_id: int):
    category, draft = _draft(category_id)
    spec = services.draft_spec(draft)
    return render_template(
        "admin/form_preview.html", category=category, spec=spec, problems=services.draft_problems(draft)
    )


@bp.route("/categories/<id:category_id>/form/publish", methods=["POST"])
@roles_required(ADMIN)
def form_publish(category_id: int):
    category, draft = _draft(category_id)
    check_action()
    try:
        version = services.publish_draft(draft, category, me())
    except DefinitionError as exc:
        db.session.rollback()
        category, draft = _draft(category_id)
        return _builder_page(category, draft, problems=exc.problems, status=400)
    flash(
        _(
            "Form version %(number)s is published. New applications use it; applications already "
            "started keep their version.",
            number=version.number,
        ),
        "success",
    )
    return redirect(_builder_url(category))


@bp.route("/categories/<id:category_id>/form/discard", methods=["POST"])
@roles_required(ADMIN)
def form_discard(category_id: int):
    category, draft = _draft(category_id)
    check_action()
    services.discard_draft_changes(draft, category, me())
    flash(_("The draft is back to the published form."), "success")
    return redirect(_builder_url(category))
