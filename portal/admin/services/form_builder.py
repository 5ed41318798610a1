"""The form builder: a category's draft (pages, fields, document requirements), saved at
every change and published as the next immutable form version."""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.admin.models import FormDraft
from portal.admin.services.common import AdminError
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.formspec import KEY_RE, DefinitionError, FormSpec, Problem
from portal.catalogue.models import FormVersion, PermitCategory
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.storage import FileKind, check_upload

#: Attributes of a field kept in the draft (order and page titles come from the page list).
DRAFT_FIELD_ATTRS = (
    "key",
    "type",
    "label_id",
    "label_en",
    "help_id",
    "help_en",
    "required",
    "page",
    "options",
    "min",
    "max",
    "min_length",
    "max_length",
    "pattern",
    "pattern_message_id",
    "pattern_message_en",
    "date_rule",
    "show_if",
    "prefill",
)
DOCUMENT_ATTRS = (
    "key",
    "label_id",
    "label_en",
    "description_id",
    "description_en",
    "allowed_types",
    "max_mb",
    "required",
    "max_files",
    "sample_key",
)


def get_draft(category: PermitCategory, actor: User) -> FormDraft:
    """The category's draft, made from its current form version the first time."""
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    if draft is None:
        draft = FormDraft(category_id=category.id, updated_by_id=actor.id)
        _load_version(draft, category.current_version)
        db.session.add(draft)
        db.session.flush()
    return draft


def _load_version(draft: FormDraft, version: FormVersion | None) -> None:
    if version is None:
        draft.pages, draft.fields, draft.documents = [], [], []
        draft.based_on_version_id = None
        return
    spec = FormSpec.from_version(version.fields, version.documents)
    draft.pages = [{"key": p.key, "title_id": p.title_id, "title_en": p.title_en} for p in spec.pages]
    draft.fields = [{a: getattr(f, a) for a in DRAFT_FIELD_ATTRS} for p in spec.pages for f in p.fields]
    draft.documents = [{a: getattr(d, a) for a in DOCUMENT_ATTRS} for d in spec.documents]
    draft.based_on_version_id = version.id


def discard_draft_changes(draft: FormDraft, category: PermitCategory, actor: User) -> None:
    """Start again from the published form."""
    _load_version(draft, category.current_version)
    _touch(draft, actor)
    audit(actor, "form.discard", "category", category.id, "Draft reset to the published form")
    db.session.flush()


def _touch(draft: FormDraft, actor: User) -> None:
    draft.updated_by_id = actor.id
    draft.updated_at = utcnow()


def compile_draft(draft: FormDraft) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The draft as a form definition (FormVersion.fields, .documents): fields page by page,
    numbered in order, each page's titles on its first field."""
    fields_out: list[dict[str, Any]] = []
    page_keys = [p["key"] for p in draft.pages or []]
    order = 0
    for page in draft.pages or []:
        first = True
        for f in draft.fields or []:
            if f.get("page") != page["key"]:
                continue
            order += 10
            item = copy.deepcopy(f)
            item["order"] = order
            item["page_title_id"] = page.get("title_id", "") if first else ""
            item["page_title_en"] = page.get("title_en", "") if first else ""
            fields_out.append(item)
            first = False
    for f in draft.fields or []:  # a field on a page that is gone: keep it, validation names it
        if f.get("page") not in page_keys:
            order += 10
            fields_out.append({**copy.deepcopy(f), "order": order})
    return fields_out, copy.deepcopy(list(draft.documents or []))


def draft_spec(draft: FormDraft) -> FormSpec:
    return FormSpec.from_version(*compile_draft(draft))


def draft_problems(draft: FormDraft) -> list[Problem]:
    """Everything that stops the draft from being published, each naming the field, document or
    page."""
    problems = []
    if not draft.fields:
        problems.append(Problem(None, None, _l("The form has no fields yet: add at least one.")))
    used = {f.get("page") for f in draft.fields or []}
    for page in draft.pages or []:
        if page["key"] not in used:
            problems.append(Problem("page", page["key"], _l("has no fields; add one or delete the page.")))
    problems.extend(draft_spec(draft).validate_definition())
    return problems


def publish_draft(draft: FormDraft, category: PermitCategory, actor: User) -> FormVersion:
    """Publish the draft as the category's next form version. Applications already started keep
    their version. Raises DefinitionError (nothing is published then)."""
    problems = draft_problems(draft)
    if problems:
        raise DefinitionError(problems)
    fields, documents = compile_draft(draft)
    version = publish_new_version(category, fields, documents)
    draft.based_on_version_id = version.id
    _touch(draft, actor)
    audit(
        actor,
        "form.publish",
        "category",
        category.id,
        f"Form version {version.number} published",
        version=version.number,
    )
    db.session.flush()
    return version


# -- fields, pages and documents alike: find, move, delete ------------------------------------------
#: The draft's lists of items, and what their audit entries and messages call one.
ITEM_KINDS = {"fields": "field", "pages": "page", "documents": "document"}


def item_index(draft: FormDraft, kind: str, key: str) -> int:
    """Where the item ``key`` is in the draft's ``kind`` list ("fields", "pages", "documents");
    404 when there is none."""
    for i, item in enumerate(getattr(draft, kind) or []):
        if item.get("key") == key:
            return i
    raise NotFoundError()


def get_item_or_404(draft: FormDraft, kind: str, key: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = getattr(draft, kind)
    return items[item_index(draft, kind, key)]


def move_item(draft: FormDraft, kind: str, key: str, step: int, actor: User) -> None:
    """Move an item up (-1) or down (+1); a field moves among the fields of its page."""
    items = list(getattr(draft, kind))
    index = item_index(draft, kind, key)
    if kind == "fields":
        page = items[index].get("page")
        places = [i for i, f in enumerate(items) if f.get("page") == page]
    else:
        places = list(range(len(items)))
    target = places.index(index) + step
    if 0 <= target < len(places):
        other = places[target]
        items[index], items[other] = items[other], items[index]
        setattr(draft, kind, items)
        _touch(draft, actor)
        db.session.flush()


def _delete_refusal(draft: FormDraft, kind: str, key: str) -> str | None:
    """Why the item cannot be deleted yet: a field others depend on, a page with fields."""
    if kind == "fields":
        users = [
            f["key"]
            for f in draft.fields
            if isinstance(f.get("show_if"), dict) and f["show_if"].get("field") == key
        ]
        if users:
            return str(
                _(
                    "These fields are shown depending on %(key)s: %(users)s. Change their condition first.",
                    key=key,
                    users=", ".join(users),
                )
            )
    if kind == "pages" and any(f.get("page") == key for f in draft.fields or []):
        return str(
            _("The page %(key)s still has fields. Move them to another page or delete them first.", key=key)
        )
    return None


def delete_item(draft: FormDraft, kind: str, key: str, actor: User) -> None:
    """Delete a field (refused while other fields' conditions use it), a page (refused while it
    has fields) or a document requirement. Raises AdminError."""
    index = item_index(draft, kind, key)
    refusal = _delete_refusal(draft, kind, key)
    if refusal:
        raise AdminError(refusal)
    items = list(getattr(draft, kind))
    items.pop(index)
    setattr(draft, kind, items)
    _touch(draft, actor)
    one = ITEM_KINDS[kind]
    audit(
        actor,
        f"form.{one}_delete",
        "category",
        draft.category_id,
        f"{one.capitalize()} {key} deleted",
        **{one: key},
    )
    db.session.flush()


def save_field(draft: FormDraft, original_key: str | None, field: dict[str, Any], actor: User) -> None:
    """Add a field (``original_key`` None, placed last on its page) or replace one. A renamed
    key is renamed in the conditions that use it. Refused (DefinitionError, naming the field)
    when the field would make the form unpublishable: bad key, duplicate key, broken pattern,
    a condition on a missing field or a cycle of conditions."""
    field = {a: field.get(a) for a in DRAFT_FIELD_ATTRS}
    fields = copy.deepcopy(list(draft.fields or []))
    if field["page"] not in {p["key"] for p in draft.pages or []}:
        raise DefinitionError([Problem("field", field["key"], _l("choose one of the form's pages"))])
    if original_key is None:
        # placed after the last field of its page, so the list stays grouped by page
        position = len(fields)
        for i, f in enumerate(fields):
            if f.get("page") == field["page"]:
                position = i + 1
        fields.insert(position, field)
    else:
        index = next((i for i, f in enumerate(fields) if f.get("key") == original_key), None)
        if index is None:
            raise NotFoundError()
        moved_page = fields[index].get("page") != field["page"]
        fields[index] = field
        if moved_page:
            fields.pop(index)
            position = len(fields)
            for i, f in enumerate(fields):
                if f.get("page") == field["page"]:
                    position = i + 1
            fields.insert(position, field)
        if original_key != field["key"]:
            for f in fields:
                cond = f.get("show_if")
                if isinstance(cond, dict) and cond.get("field") == original_key:
                    f["show_if"] = {**cond, "field": field["key"]}
    candidate = FormDraft(pages=draft.pages, fields=fields, documents=draft.documents)
    problems = [p for p in draft_spec(candidate).validate_definition() if p.about("field", field["key"])]
    if problems:
        raise DefinitionError(problems)
    draft.fields = fields
    _touch(draft, actor)
    audit(
        actor,
        "form.field_save",
        "category",
        draft.category_id,
        f"Field {field['key']} {'added' if original_key is None else 'changed'}",
        field=field["key"],
    )
    db.session.flush()


def save_page(
    draft: FormDraft, original_key: str | None, key: str, title_id: str, title_en: str, actor: User
) -> None:
    """Add a page (last) or change one's key and titles (its fields follow a new key)."""
    key = (key or "").strip()
    if not KEY_RE.fullmatch(key):
        raise AdminError(
            _("The page key must be lower-case letters, digits and _ (start with a letter, at most 40).")
        )
    pages = copy.deepcopy(list(draft.pages or []))
    if key != original_key and any(p["key"] == key for p in pages):
        raise AdminError(_("The form already has a page with the key %(key)s.", key=key))
    entry = {"key": key, "title_id": title_id.strip(), "title_en": title_en.strip()}
    if original_key is None:
        pages.append(entry)
    else:
        pages[item_index(draft, "pages", original_key)] = entry
        if original_key != key:
            draft.fields = [
                {**f, "page": key} if f.get("page") == original_key else f for f in draft.fields or []
            ]
    draft.pages = pages
    _touch(draft, actor)
    audit(actor, "form.page_save", "category", draft.category_id, f"Page {key} saved", page=key)
    db.session.flush()


def save_document(
    draft: FormDraft,
    original_key: str | None,
    document: dict[str, Any],
    actor: User,
    sample: FileStorage | None = None,
    remove_sample: bool = False,
) -> None:
    """Add or change a document requirement; ``sample`` (a FileStorage) is checked by content
    against the allowed types and size and stored under samples/. Raises DefinitionError naming
    the document, or storage's UploadRejected."""
    documents = copy.deepcopy(list(draft.documents or []))
    index = None
    if original_key is not None:
        index = item_index(draft, "documents", original_key)
        document.setdefault("sample_key", documents[index].get("sample_key"))
    document = {a: document.get(a) for a in DOCUMENT_ATTRS}
    if remove_sample:
        document["sample_key"] = None
    if index is None:
        documents.append(document)
    else:
        documents[index] = document
    spec = FormSpec.from_version([], documents)
    problems = [p for p in spec.validate_definition() if p.about("document", document["key"])]
    if problems:
        raise DefinitionError(problems)
    if sample is not None and getattr(sample, "filename", None):
        kinds = {FileKind(t) for t in document["allowed_types"]}
        max_bytes = int(float(document["max_mb"]) * 1024 * 1024)
        checked = check_upload(sample, kinds, max_bytes, key_prefix="samples/")
        document["sample_key"] = checked.stored.key
    draft.documents = documents
    _touch(draft, actor)
    audit(
        actor,
        "form.document_save",
        "category",
        draft.category_id,
        f"Document {document['key']} saved",
        document=document["key"],
    )
    db.session.flush()
