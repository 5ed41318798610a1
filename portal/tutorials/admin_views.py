"""The admin's tutorial pages (under /admin/tutorials): the list, a new guide, its texts, files,
embed address, chapters, the stages that show it, publishing. A blueprint nested in the admin
blueprint, so the admin area's role check applies; thin: the rules are ``tutorials.editing``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from portal.auth.models import Role
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.forms import ActionForm, check_action
from portal.paging import int_arg
from portal.params import to_id
from portal.request_limits import accepts_uploads
from portal.security import roles_required
from portal.storage import UploadRejected
from portal.storage.limits import upload_rate_limit
from portal.tutorials import caption_editing, editing, vtt
from portal.tutorials.forms import EmbedForm, TutorialForm, TutorialUploadForm
from portal.tutorials.services import TutorialError
from portal.tutorials.stages import STAGE_KEYS, stage_label

#: Registered on the admin blueprint (portal.admin): endpoints are admin.tutorials.<view>.
bp = Blueprint("tutorials", __name__, url_prefix="/tutorials")
admin_only = roles_required(Role.ADMIN)


def _me():
    return current_user._get_current_object()


def _category_choices():
    rows = db.session.execute(
        db.select(PermitCategory.id, PermitCategory.name_id).order_by(PermitCategory.name_id)
    ).all()
    return [("", _("(every permit type)"))] + [(str(i), name) for i, name in rows]


@bp.route("")
@admin_only
def index():
    rows, next_after = editing.list_tutorials(after=int_arg("after"))
    return render_template("tutorials/admin/list.html", tutorials=rows, next_after=next_after)


@bp.route("/new", methods=["GET", "POST"])
@admin_only
def new():
    form = TutorialForm()
    form.category_id.choices = [SelectChoice(v, n) for v, n in _category_choices()]
    if form.validate_on_submit():
        tutorial = editing.save_tutorial(None, form.data_for_service(), _me())
        flash(_("The video guide was created. Add the video, captions and chapters."), "success")
        return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id))
    return render_template("tutorials/admin/new.html", form=form)


@bp.route("/<id:tutorial_id>", methods=["GET", "POST"])
@admin_only
def edit(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    form = TutorialForm(obj=tutorial)
    form.category_id.choices = [SelectChoice(v, n) for v, n in _category_choices()]
    if request.method == "GET":
        form.category_id.data = str(tutorial.category_id or "")
    if form.validate_on_submit():
        editing.save_tutorial(tutorial, form.data_for_service(), _me())
        flash(_("The video guide was saved."), "success")
        return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id))
    return _tutorial_page(tutorial, form=form, status=400 if request.method == "POST" else 200)


def _tutorial_page(tutorial, *, form=None, errors=None, embed_form=None, rows=None, end=None, status=200):
    if form is None:
        form = TutorialForm(obj=tutorial, formdata=None)
        form.category_id.choices = [SelectChoice(v, n) for v, n in _category_choices()]
        form.category_id.data = str(tutorial.category_id or "")
    embed_form = embed_form or EmbedForm(formdata=None, embed_url=tutorial.embed_url or "")
    return render_template(
        "tutorials/admin/edit.html",
        tutorial=tutorial,
        form=form,
        embed_form=embed_form,
        upload_form=TutorialUploadForm(formdata=None),
        errors=errors or {},
        rows=rows or editing.chapter_rows(tutorial),
        end=end if end is not None else _default_end(tutorial),
        action_form=ActionForm(),
        mappings=editing.stage_mappings(tutorial),
        stage_label=stage_label,
        category_names=dict((int(v), n) for v, n in _category_choices() if v),
    ), status


def _default_end(tutorial) -> str:
    chapters = tutorial.chapters_json or []
    seconds = chapters[-1]["end"] if chapters else (tutorial.duration_seconds or 0)
    return vtt.format_timestamp(seconds).removeprefix("00:") if seconds else ""


FILE_KINDS = ("video", "poster", "captions_id", "captions_en", "chapters")


@bp.route("/<id:tutorial_id>/files/<what>", methods=["POST"])
@admin_only
@upload_rate_limit
@accepts_uploads
def upload(tutorial_id: int, what: str):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    if what not in FILE_KINDS:
        abort(404)
    form = TutorialUploadForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _tutorial_page(tutorial, errors={what: _("Choose a file to upload.")}, status=400)
    try:
        editing.tutorial_file(tutorial, what, upload, _me())
    except UploadRejected as exc:
        db.session.rollback()
        return _tutorial_page(tutorial, errors={what: exc.message()}, status=400)
    except (vtt.VttError, TutorialError) as exc:
        db.session.rollback()
        return _tutorial_page(tutorial, errors={what: str(exc)}, status=400)
    flash(_("The file was uploaded."), "success")
    return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id) + f"#{what}")


@bp.route("/<id:tutorial_id>/embed", methods=["POST"])
@admin_only
def embed(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    form = EmbedForm()
    if not form.validate_on_submit():
        return _tutorial_page(tutorial, embed_form=form, status=400)
    try:
        editing.set_tutorial_embed(tutorial, form.embed_url.data or "", _me())
    except TutorialError as exc:
        db.session.rollback()
        form.embed_url.errors = [*form.embed_url.errors, str(exc)]
        return _tutorial_page(tutorial, embed_form=form, status=400)
    flash(_("The video address was saved."), "success")
    return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id) + "#embed")


@bp.route("/<id:tutorial_id>/chapters", methods=["POST"])
@admin_only
def chapters(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    check_action()
    starts = request.form.getlist("start")
    ids = request.form.getlist("chapter_id")
    titles_id = request.form.getlist("title_id")
    titles_en = request.form.getlist("title_en")
    count = min(len(starts), len(ids), len(titles_id), len(titles_en), 100)
    rows = [
        editing.ChapterRow(starts[i][:20], ids[i][:40], titles_id[i][:200], titles_en[i][:200])
        for i in range(count)
    ]
    end = (request.form.get("end") or "")[:20]
    try:
        editing.save_chapter_rows(tutorial, rows, end, _me())
    except (TutorialError, vtt.VttError, UploadRejected) as exc:
        db.session.rollback()
        message = exc.message() if isinstance(exc, UploadRejected) else str(exc)
        return _tutorial_page(
            tutorial,
            errors={"chapter_rows": message},
            rows=rows + [editing.ChapterRow("", "", "", "")],
            end=end,
            status=400,
        )
    flash(_("The chapters were saved."), "success")
    return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id) + "#chapters")


@bp.route("/<id:tutorial_id>/stages", methods=["GET", "POST"])
@admin_only
def stages(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    choices = _category_choices()
    raw_category = request.values.get("category", "")
    try:
        category_id = to_id(raw_category)
    except ValueError:
        category_id = None
    if category_id is not None and db.session.get(PermitCategory, category_id) is None:
        abort(404)
    error = None
    if request.method == "POST":
        check_action()
        picked = {key: request.form.get(f"stage_{key}", "") for key in STAGE_KEYS}
        try:
            editing.map_stages(tutorial, category_id, picked, _me())
        except TutorialError as exc:
            error = str(exc)
        else:
            flash(_("The stages were mapped."), "success")
            return redirect(
                url_for("admin.tutorials.stages", tutorial_id=tutorial.id, category=category_id or "")
            )
    current = {
        m.stage_key: (m.chapter_id or editing.WHOLE_VIDEO)
        for m in editing.stage_mappings(tutorial)
        if m.category_id == category_id
    }
    return render_template(
        "tutorials/admin/stages.html",
        tutorial=tutorial,
        choices=choices,
        category_id=category_id,
        stage_keys=STAGE_KEYS,
        stage_label=stage_label,
        current=current,
        whole=editing.WHOLE_VIDEO,
        error=error,
        action_form=ActionForm(),
    ), 400 if error else 200


@bp.route("/<id:tutorial_id>/publish", methods=["POST"])
@admin_only
def publish(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    check_action()
    publish = request.form.get("published") == "1"
    try:
        editing.set_tutorial_published(tutorial, publish, _me())
    except TutorialError as exc:
        flash(str(exc), "danger")
    else:
        flash(_("The video guide is published.") if publish else _("The video guide is hidden."), "success")
    return redirect(url_for("admin.tutorials.edit", tutorial_id=tutorial.id))


@bp.route("/<id:tutorial_id>/captions")
@admin_only
def captions(tutorial_id: int):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    return _captions_page(tutorial)


def _captions_page(tutorial, *, chapter_id=None, typed=None, error=None, status=200):
    try:
        parts = caption_editing.chapter_captions(tutorial)
    except vtt.VttError as exc:  # a file uploaded before that the editor cannot read
        parts, error = [], str(exc)
    if typed is not None:
        parts = [typed if p.chapter_id == chapter_id else p for p in parts]
    return render_template(
        "tutorials/admin/captions.html",
        tutorial=tutorial,
        parts=parts,
        failed=chapter_id if error else None,
        error=error,
        action_form=ActionForm(),
    ), status


@bp.route("/<id:tutorial_id>/captions/<chapter_id>", methods=["POST"])
@admin_only
def save_captions(tutorial_id: int, chapter_id: str):
    tutorial = editing.get_tutorial_or_404(tutorial_id, current_user)
    check_action()
    form = request.form
    columns = [
        form.getlist(name) for name in ("start", "end", "text_id", "text_en", "exact_start", "exact_end")
    ]
    count = min(max(len(c) for c in columns), caption_editing.MAX_ROWS)
    rows = [
        caption_editing.CueRow(
            *(
                (column[i] if i < len(column) else "")[: caption_editing.MAX_TEXT + 1 if n in (2, 3) else 40]
                for n, column in enumerate(columns)
            )
        )
        for i in range(count)
    ]
    title_id = (form.get("title_id") or "")[:200]
    title_en = (form.get("title_en") or "")[:200]
    try:
        caption_editing.save_chapter(tutorial, chapter_id, title_id, title_en, rows, _me())
    except (TutorialError, vtt.VttError, UploadRejected) as exc:
        db.session.rollback()
        message = exc.message() if isinstance(exc, UploadRejected) else str(exc)
        part = next(
            (p for p in caption_editing.chapter_captions(tutorial) if p.chapter_id == chapter_id), None
        )
        if part is None:
            abort(404)
        part.title_id, part.title_en = title_id, title_en
        part.rows = [r for r in rows if not r.is_empty()] + [caption_editing.CueRow() for _ in range(2)]
        return _captions_page(tutorial, chapter_id=chapter_id, typed=part, error=message, status=400)
    flash(_("The captions of this chapter were saved."), "success")
    return redirect(url_for("admin.tutorials.captions", tutorial_id=tutorial.id) + f"#part-{chapter_id}")
