"""Admin rules: categories and their service standard, the form builder's drafts, tutorials,
staff accounts, office settings, holidays and the admin audit log.

Callable without a request (an app context is enough). Every function is for a user holding
the admin role; the views check the role, the loaders here check it again. Changes a person can
fix raise AdminError (a translated sentence); a form definition that cannot be published raises
catalogue.formspec.DefinitionError listing the problems, each naming the field.
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import abort, current_app, g, has_app_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from portal.admin.models import AdminAuditEvent, FormDraft, Setting
from portal.applications.models import Application
from portal.auth import services as auth_services
from portal.auth.models import STAFF_ROLES, AuthToken, Role, TokenPurpose, User, UserRole
from portal.auth.sessions import end_all_sessions
from portal.calendar.models import Holiday
from portal.catalogue.formspec import KEY_RE, DefinitionError, FormSpec
from portal.catalogue.models import FormVersion, PermitCategory
from portal.catalogue.services import publish_new_version
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.services import queue_email_to_address
from portal.tutorials import services as tutorial_services
from portal.tutorials import vtt
from portal.tutorials.models import StageTutorial, Tutorial

PAGE_SIZE = 50
INVITE_LIFETIME = timedelta(days=7)


class AdminError(ValueError):
    """A rule refused the change; ``str()`` is a sentence for the admin, in their language."""


def require_admin(user) -> None:
    """403 unless ``user`` is a logged-in admin (the loaders call it: a second check)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role(Role.ADMIN):
        abort(403)


# -- audit -------------------------------------------------------------------------------------------
def audit(actor: User | None, action: str, object_type: str, object_id: Any = "",
          summary: str = "", **details: Any) -> AdminAuditEvent:
    """Record an admin action in the session; it commits with the change it describes."""
    event = AdminAuditEvent(actor_id=actor.id if actor is not None else None, action=action,
                            object_type=object_type, object_id=str(object_id or ""),
                            summary=summary[:300], details=details)
    db.session.add(event)
    return event


@dataclass
class AuditPage:
    items: list[AdminAuditEvent]
    next_before: int | None


def list_audit(before: int | None = None, limit: int = PAGE_SIZE) -> AuditPage:
    """Newest first, paged by id (keyset): pass the last row's id as ``before``."""
    stmt = select(AdminAuditEvent).options(joinedload(AdminAuditEvent.actor))
    if before is not None:
        stmt = stmt.where(AdminAuditEvent.id < before)
    rows = list(db.session.scalars(stmt.order_by(AdminAuditEvent.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(rows, rows[-1].id if more and rows else None)


# -- office settings ---------------------------------------------------------------------------------
#: setting key -> the config value it overrides (the template's ``office`` dict uses the keys).
OFFICE_SETTINGS = {
    "name": "OFFICE_NAME",
    "short_name": "OFFICE_SHORT_NAME",
    "city": "OFFICE_CITY",
    "address": "OFFICE_ADDRESS",
    "phone": "OFFICE_PHONE",
    "whatsapp": "OFFICE_WHATSAPP",
    "email": "OFFICE_EMAIL",
    "hours": "OFFICE_HOURS",
}


def office_settings() -> dict[str, str]:
    """The office's name, address, contact and hours: values an admin saved, over config.
    Read once per request (cached on ``g``)."""
    cached = g.get("_office_settings") if has_app_context() else None
    if cached is not None:
        return cached
    values = {key: current_app.config.get(name, "") for key, name in OFFICE_SETTINGS.items()}
    try:
        rows = db.session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(list(OFFICE_SETTINGS)))
        ).all()
    except Exception:  # noqa: BLE001 - before the table exists (first migration), config applies
        db.session.rollback()
        rows = []
    for key, value in rows:
        if value:
            values[key] = value
    g._office_settings = values
    return values


def save_office_settings(values: dict[str, str], actor: User) -> list[str]:
    """Save the settings; an empty value goes back to the configured default. Returns the keys
    that changed."""
    existing = {s.key: s for s in db.session.scalars(select(Setting))}
    changed = []
    for key in OFFICE_SETTINGS:
        value = (values.get(key) or "").strip()
        row = existing.get(key)
        if (row.value if row else "") == value:
            continue
        if row is None:
            row = Setting(key=key)
            db.session.add(row)
        row.value = value
        row.updated_by_id = actor.id
        changed.append(key)
    if changed:
        audit(actor, "settings.update", "settings", "office", "Office settings changed",
              keys=changed)
    db.session.commit()
    g.pop("_office_settings", None)
    return changed


# -- holidays -----------------------------------------------------------------------------------------
HOLIDAY_KINDS = ("national", "joint_leave", "local")


def list_holidays(year: int) -> list[Holiday]:
    return list(db.session.scalars(
        select(Holiday).where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day)
    ))


def holiday_years() -> list[int]:
    days = db.session.scalars(select(Holiday.day)).all()
    return sorted({d.year for d in days})


def add_holiday(day: date, name: str, kind: str, actor: User) -> Holiday:
    if kind not in HOLIDAY_KINDS:
        raise AdminError(_("Choose the kind of holiday."))
    if db.session.scalar(select(Holiday).where(Holiday.day == day)) is not None:
        raise AdminError(_("%(day)s is already a holiday.", day=day.isoformat()))
    holiday = Holiday(day=day, name=name.strip()[:120], kind=kind)
    db.session.add(holiday)
    db.session.flush()
    audit(actor, "holiday.add", "holiday", holiday.id, f"{day.isoformat()} {holiday.name}")
    db.session.commit()
    g.pop("_holidays", None)
    return holiday


def remove_holiday(holiday_id: int, actor: User) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        abort(404)
    audit(actor, "holiday.remove", "holiday", holiday.id, f"{holiday.day.isoformat()} {holiday.name}")
    db.session.delete(holiday)
    db.session.commit()
    g.pop("_holidays", None)


# -- categories ---------------------------------------------------------------------------------------
CATEGORY_FIELDS = (
    "code", "name_id", "name_en", "summary_id", "summary_en", "description_id", "description_en",
    "sector", "time_limit_days", "cost_rupiah", "cost_note_id", "cost_note_en", "legal_basis",
    "output_id", "output_en", "validity_months", "permit_number_pattern",
)


def get_category_or_404(category_id: int, user) -> PermitCategory:
    """Any category, active or not, for an admin; 403 for anyone else, 404 when missing."""
    require_admin(user)
    category = db.session.scalar(
        select(PermitCategory).where(PermitCategory.id == category_id)
        .options(joinedload(PermitCategory.current_version))
    )
    if category is None:
        abort(404)
    return category


@dataclass
class CategoryRow:
    category: PermitCategory
    applications: int


@dataclass
class CategoryList:
    rows: list[CategoryRow]
    next_after: int | None


def list_categories(after: int | None = None, limit: int = PAGE_SIZE) -> CategoryList:
    """Every category (active or not) by id, with its number of applications (one grouped
    query), paged by keyset."""
    stmt = select(PermitCategory).options(joinedload(PermitCategory.current_version))
    if after is not None:
        stmt = stmt.where(PermitCategory.id > after)
    categories = list(db.session.scalars(stmt.order_by(PermitCategory.id).limit(limit + 1)).unique())
    more = len(categories) > limit
    categories = categories[:limit]
    counts = application_counts([c.id for c in categories])
    return CategoryList([CategoryRow(c, counts.get(c.id, 0)) for c in categories],
                        categories[-1].id if more and categories else None)


def application_counts(category_ids: list[int]) -> dict[int, int]:
    if not category_ids:
        return {}
    rows = db.session.execute(
        select(Application.category_id, func.count()).where(Application.category_id.in_(category_ids))
        .group_by(Application.category_id)
    ).all()
    return {category_id: count for category_id, count in rows}


def category_problems(data: dict[str, Any], category: PermitCategory | None) -> dict[str, str]:
    """Cross-checks that need the database or other packages: unique slug, usable permit number
    pattern. Returns {form field name: message}."""
    from portal.permits.services import validate_number_pattern

    problems: dict[str, str] = {}
    if category is None:
        slug = data.get("slug") or ""
        if db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == slug)) is not None:
            problems["slug"] = _("Another permit type already uses this web address name.")
    pattern_problems = validate_number_pattern(data.get("permit_number_pattern") or "")
    if pattern_problems:
        problems["permit_number_pattern"] = _(
            "The number pattern cannot be used: %(problems)s. Example: %(example)s",
            problems="; ".join(pattern_problems), example="503/{code}/DPMPTSP/{year}/{seq:05}")
    return problems


def create_category(data: dict[str, Any], actor: User) -> PermitCategory:
    """A new category, closed to applicants until its form is published and it is opened."""
    problems = category_problems(data, None)
    if problems:
        raise AdminError(" ".join(problems.values()))
    category = PermitCategory(slug=data["slug"], active=False)
    _apply_category(category, data)
    db.session.add(category)
    db.session.flush()
    audit(actor, "category.create", "category", category.id, category.name_id, slug=category.slug)
    db.session.commit()
    return category


def update_category(category: PermitCategory, data: dict[str, Any], actor: User) -> None:
    problems = category_problems(data, category)
    if problems:
        raise AdminError(" ".join(problems.values()))
    before = {name: getattr(category, name) for name in CATEGORY_FIELDS}
    _apply_category(category, data)
    changed = sorted(name for name in CATEGORY_FIELDS if getattr(category, name) != before[name])
    audit(actor, "category.update", "category", category.id, category.name_id, fields=changed)
    db.session.commit()


def _apply_category(category: PermitCategory, data: dict[str, Any]) -> None:
    for name in CATEGORY_FIELDS:
        if name in data:
            value = data[name]
            setattr(category, name, value.strip() if isinstance(value, str) else value)


def set_category_active(category: PermitCategory, active: bool, actor: User) -> None:
    """Open (active) or close a category to new applications. Opening needs a published form.
    Applications already made are not touched either way."""
    if active and category.current_version_id is None:
        raise AdminError(_("Publish the form of this permit type before opening it to applicants."))
    category.active = active
    audit(actor, "category.activate" if active else "category.deactivate", "category", category.id,
          category.name_id)
    db.session.commit()


def delete_category(category: PermitCategory, actor: User) -> None:
    """Delete a category that was never applied for (its form versions and draft go with it).
    One with applications is refused: deactivate it instead."""
    count = application_counts([category.id]).get(category.id, 0)
    if count:
        raise AdminError(_("This permit type has %(count)s applications, so it cannot be deleted. "
                           "Deactivate it instead: it then takes no new applications.", count=count))
    audit(actor, "category.delete", "category", category.id, category.name_id, slug=category.slug)
    category_id = category.id
    category.current_version = None
    db.session.flush()
    db.session.execute(delete(FormDraft).where(FormDraft.category_id == category_id))
    db.session.execute(delete(StageTutorial).where(StageTutorial.category_id == category_id))
    db.session.execute(delete(FormVersion).where(FormVersion.category_id == category_id))
    db.session.delete(category)
    db.session.commit()


# -- the form builder: drafts ------------------------------------------------------------------------
#: Attributes of a field kept in the draft (order and page titles come from the page list).
DRAFT_FIELD_ATTRS = (
    "key", "type", "label_id", "label_en", "help_id", "help_en", "required", "page", "options",
    "min", "max", "min_length", "max_length", "pattern", "pattern_message_id",
    "pattern_message_en", "date_rule", "show_if",
)
DOCUMENT_ATTRS = ("key", "label_id", "label_en", "description_id", "description_en",
                  "allowed_types", "max_mb", "required", "max_files", "sample_key")


def get_draft(category: PermitCategory, actor: User) -> FormDraft:
    """The category's draft, made from its current form version the first time."""
    draft = db.session.scalar(select(FormDraft).where(FormDraft.category_id == category.id))
    if draft is None:
        draft = FormDraft(category_id=category.id, updated_by_id=actor.id)
        _load_version(draft, category.current_version)
        db.session.add(draft)
        db.session.commit()
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
    db.session.commit()


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


def draft_problems(draft: FormDraft) -> list[str]:
    """Everything that stops the draft from being published, each naming the field, document or
    page."""
    problems = []
    if not draft.fields:
        problems.append(_("The form has no fields yet: add at least one."))
    used = {f.get("page") for f in draft.fields or []}
    for page in draft.pages or []:
        if page["key"] not in used:
            problems.append(_("page %(page)s: has no fields; add one or delete the page.",
                              page=page["key"]))
    problems.extend(draft_spec(draft).validate_definition())
    return problems


def publish_draft(draft: FormDraft, category: PermitCategory, actor: User) -> FormVersion:
    """Publish the draft as the category's next form version. Applications already started keep
    their version. Raises DefinitionError (nothing is published then)."""
    problems = draft_problems(draft)
    if problems:
        raise DefinitionError(problems)
    fields, documents = compile_draft(draft)
    version = publish_new_version(category, fields, documents, commit=False)
    draft.based_on_version_id = version.id
    _touch(draft, actor)
    audit(actor, "form.publish", "category", category.id,
          f"Form version {version.number} published", version=version.number)
    db.session.commit()
    return version


def _field_index(draft: FormDraft, key: str) -> int:
    for i, f in enumerate(draft.fields or []):
        if f.get("key") == key:
            return i
    abort(404)


def get_field_or_404(draft: FormDraft, key: str) -> dict[str, Any]:
    return draft.fields[_field_index(draft, key)]


def save_field(draft: FormDraft, original_key: str | None, field: dict[str, Any],
               actor: User) -> None:
    """Add a field (``original_key`` None, placed last on its page) or replace one. A renamed
    key is renamed in the conditions that use it. Refused (DefinitionError, naming the field)
    when the field would make the form unpublishable: bad key, duplicate key, broken pattern,
    a condition on a missing field or a cycle of conditions."""
    field = {a: field.get(a) for a in DRAFT_FIELD_ATTRS}
    fields = copy.deepcopy(list(draft.fields or []))
    if field["page"] not in {p["key"] for p in draft.pages or []}:
        raise DefinitionError([f"field {field['key']}: choose one of the form's pages"])
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
            abort(404)
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
    problems = [p for p in draft_spec(candidate).validate_definition()
                if p.startswith(f"field {field['key']}:")]
    if problems:
        raise DefinitionError(problems)
    draft.fields = fields
    _touch(draft, actor)
    audit(actor, "form.field_save", "category", draft.category_id,
          f"Field {field['key']} {'added' if original_key is None else 'changed'}", field=field["key"])
    db.session.commit()


def delete_field(draft: FormDraft, key: str, actor: User) -> None:
    index = _field_index(draft, key)
    users = [f["key"] for f in draft.fields
             if isinstance(f.get("show_if"), dict) and f["show_if"].get("field") == key]
    if users:
        raise AdminError(_("These fields are shown depending on %(key)s: %(users)s. Change their "
                           "condition first.", key=key, users=", ".join(users)))
    fields = list(draft.fields)
    fields.pop(index)
    draft.fields = fields
    _touch(draft, actor)
    audit(actor, "form.field_delete", "category", draft.category_id, f"Field {key} deleted", field=key)
    db.session.commit()


def move_field(draft: FormDraft, key: str, step: int, actor: User) -> None:
    """Move a field up (-1) or down (+1) among the fields of its page."""
    fields = list(draft.fields)
    index = _field_index(draft, key)
    page = fields[index].get("page")
    same_page = [i for i, f in enumerate(fields) if f.get("page") == page]
    position = same_page.index(index)
    target = position + step
    if 0 <= target < len(same_page):
        other = same_page[target]
        fields[index], fields[other] = fields[other], fields[index]
        draft.fields = fields
        _touch(draft, actor)
        db.session.commit()


def _page_index(draft: FormDraft, key: str) -> int:
    for i, p in enumerate(draft.pages or []):
        if p["key"] == key:
            return i
    abort(404)


def save_page(draft: FormDraft, original_key: str | None, key: str, title_id: str, title_en: str,
              actor: User) -> None:
    """Add a page (last) or change one's key and titles (its fields follow a new key)."""
    key = (key or "").strip()
    if not KEY_RE.fullmatch(key):
        raise AdminError(_("The page key must be lower-case letters, digits and _ (start with a "
                           "letter, at most 40)."))
    pages = copy.deepcopy(list(draft.pages or []))
    if key != original_key and any(p["key"] == key for p in pages):
        raise AdminError(_("The form already has a page with the key %(key)s.", key=key))
    entry = {"key": key, "title_id": title_id.strip(), "title_en": title_en.strip()}
    if original_key is None:
        pages.append(entry)
    else:
        pages[_page_index(draft, original_key)] = entry
        if original_key != key:
            draft.fields = [{**f, "page": key} if f.get("page") == original_key else f
                            for f in draft.fields or []]
    draft.pages = pages
    _touch(draft, actor)
    audit(actor, "form.page_save", "category", draft.category_id, f"Page {key} saved", page=key)
    db.session.commit()


def move_page(draft: FormDraft, key: str, step: int, actor: User) -> None:
    pages = list(draft.pages)
    index = _page_index(draft, key)
    target = index + step
    if 0 <= target < len(pages):
        pages[index], pages[target] = pages[target], pages[index]
        draft.pages = pages
        _touch(draft, actor)
        db.session.commit()


def delete_page(draft: FormDraft, key: str, actor: User) -> None:
    """Delete an empty page; a page with fields is refused (move or delete them first)."""
    index = _page_index(draft, key)
    if any(f.get("page") == key for f in draft.fields or []):
        raise AdminError(_("The page %(key)s still has fields. Move them to another page or delete "
                           "them first.", key=key))
    pages = list(draft.pages)
    pages.pop(index)
    draft.pages = pages
    _touch(draft, actor)
    audit(actor, "form.page_delete", "category", draft.category_id, f"Page {key} deleted", page=key)
    db.session.commit()


# documents
def _document_index(draft: FormDraft, key: str) -> int:
    for i, d in enumerate(draft.documents or []):
        if d.get("key") == key:
            return i
    abort(404)


def get_document_or_404(draft: FormDraft, key: str) -> dict[str, Any]:
    return draft.documents[_document_index(draft, key)]


def save_document(draft: FormDraft, original_key: str | None, document: dict[str, Any],
                  actor: User, sample=None, remove_sample: bool = False) -> None:
    """Add or change a document requirement; ``sample`` (a FileStorage) is checked by content
    against the allowed types and size and stored under samples/. Raises DefinitionError naming
    the document, or storage's UploadRejected."""
    from portal.storage import FileKind, check_upload

    documents = copy.deepcopy(list(draft.documents or []))
    index = None
    if original_key is not None:
        index = _document_index(draft, original_key)
        document.setdefault("sample_key", documents[index].get("sample_key"))
    document = {a: document.get(a) for a in DOCUMENT_ATTRS}
    if remove_sample:
        document["sample_key"] = None
    if index is None:
        documents.append(document)
    else:
        documents[index] = document
    spec = FormSpec.from_version([], documents)
    problems = [p for p in spec.validate_definition() if p.startswith(f"document {document['key']}:")]
    if problems:
        raise DefinitionError(problems)
    if sample is not None and getattr(sample, "filename", None):
        kinds = {FileKind(t) for t in document["allowed_types"]}
        max_bytes = int(float(document["max_mb"]) * 1024 * 1024)
        checked = check_upload(sample, kinds, max_bytes, key_prefix="samples/")
        document["sample_key"] = checked.stored.key
    draft.documents = documents
    _touch(draft, actor)
    audit(actor, "form.document_save", "category", draft.category_id,
          f"Document {document['key']} saved", document=document["key"])
    db.session.commit()


def delete_document(draft: FormDraft, key: str, actor: User) -> None:
    documents = list(draft.documents)
    documents.pop(_document_index(draft, key))
    draft.documents = documents
    _touch(draft, actor)
    audit(actor, "form.document_delete", "category", draft.category_id, f"Document {key} deleted",
          document=key)
    db.session.commit()


def move_document(draft: FormDraft, key: str, step: int, actor: User) -> None:
    documents = list(draft.documents)
    index = _document_index(draft, key)
    target = index + step
    if 0 <= target < len(documents):
        documents[index], documents[target] = documents[target], documents[index]
        draft.documents = documents
        _touch(draft, actor)
        db.session.commit()


# -- tutorials ------------------------------------------------------------------------------------------
def get_tutorial_or_404(tutorial_id: int, user) -> Tutorial:
    require_admin(user)
    tutorial = db.session.get(Tutorial, tutorial_id)
    if tutorial is None:
        abort(404)
    return tutorial


def list_tutorials(after: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[Tutorial], int | None]:
    stmt = select(Tutorial)
    if after is not None:
        stmt = stmt.where(Tutorial.id > after)
    rows = list(db.session.scalars(stmt.order_by(Tutorial.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more and rows else None


TUTORIAL_TEXT_FIELDS = ("title_id", "title_en", "description_id", "description_en",
                        "transcript_id", "transcript_en")


def save_tutorial(tutorial: Tutorial | None, data: dict[str, Any], actor: User) -> Tutorial:
    """Create a tutorial (unpublished) or change its texts, category and length."""
    creating = tutorial is None
    if tutorial is None:
        tutorial = Tutorial(published=False, chapters_json=[], chapter_transcripts={})
        db.session.add(tutorial)
    for name in TUTORIAL_TEXT_FIELDS:
        if name in data:
            setattr(tutorial, name, (data[name] or "").strip())
    if "category_id" in data:
        tutorial.category_id = data["category_id"] or None
    if data.get("duration_seconds") is not None:
        tutorial.duration_seconds = float(data["duration_seconds"])
    db.session.flush()
    audit(actor, "tutorial.create" if creating else "tutorial.update", "tutorial", tutorial.id,
          tutorial.title_id)
    db.session.commit()
    return tutorial


def tutorial_file(tutorial: Tutorial, what: str, upload, actor: User) -> None:
    """Attach one file (video, poster, captions_id, captions_en, chapters) through the tutorial
    services, which check it by content and as WebVTT. Raises UploadRejected, VttError or
    TutorialError; nothing changes then."""
    if what == "video":
        tutorial_services.attach_video(tutorial, upload)
    elif what == "poster":
        tutorial_services.attach_poster(tutorial, upload)
    elif what in ("captions_id", "captions_en"):
        tutorial_services.attach_captions(tutorial, what.rsplit("_", 1)[1], upload)
    elif what == "chapters":
        tutorial_services.attach_chapters(tutorial, upload)
    else:
        abort(404)
    audit(actor, f"tutorial.{what}", "tutorial", tutorial.id, f"{what} uploaded")
    db.session.commit()
    tutorial_services.delete_replaced_files()


def set_tutorial_embed(tutorial: Tutorial, url: str, actor: User) -> None:
    if url.strip():
        tutorial_services.set_embed(tutorial, url)
    else:
        tutorial.embed_url = None
    audit(actor, "tutorial.embed", "tutorial", tutorial.id, "Video address set", url=tutorial.embed_url)
    db.session.commit()


_TIME_RE = re.compile(r"^(?:(\d{1,2}):)?(?:(\d{1,2}):)?(\d{1,5})(?:[.,](\d{1,3}))?$")
CHAPTER_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def parse_time(text: str) -> float | None:
    """"75", "1:15", "01:15.5" or "0:01:15" -> seconds; None when unreadable."""
    text = (text or "").strip()
    match = _TIME_RE.match(text)
    if not match:
        return None
    first, second, last, fraction = match.groups()
    parts = [int(p) for p in (first, second) if p is not None]
    seconds = int(last)
    if parts and seconds >= 60:
        return None
    total = 0
    for p in parts:
        total = total * 60 + p
    value = total * 60 + seconds if parts else seconds
    if fraction:
        value += int(fraction.ljust(3, "0")) / 1000
    return float(value)


@dataclass
class ChapterRow:
    start: str
    chapter_id: str
    title_id: str
    title_en: str


def chapters_from_rows(rows: list[ChapterRow], end: str) -> tuple[str, dict[str, str]]:
    """Turn the chapter list (start time, id, titles) into WebVTT text and the English titles.
    Empty rows are skipped. Raises AdminError naming the row."""
    cues: list[vtt.Cue] = []
    titles_en: dict[str, str] = {}
    filled = [r for r in rows if (r.start or r.title_id or r.title_en or r.chapter_id).strip()]
    if not filled:
        raise AdminError(_("Add at least one chapter: a start time and a title."))
    starts = []
    for n, row in enumerate(filled, 1):
        start = parse_time(row.start)
        if start is None:
            raise AdminError(_("Chapter %(n)s: write the start time as minutes:seconds, for example "
                               "1:30.", n=n))
        title = " ".join((row.title_id or "").split())
        if not title:
            raise AdminError(_("Chapter %(n)s: give it an Indonesian title.", n=n))
        chapter_id = (row.chapter_id or "").strip().lower() or f"chapter-{n}"
        if not CHAPTER_ID_RE.fullmatch(chapter_id):
            raise AdminError(_("Chapter %(n)s: the id may use only lower-case letters, digits, - and _.",
                               n=n))
        if chapter_id in titles_en:
            raise AdminError(_("Chapter %(n)s: the id %(id)s is used twice.", n=n, id=chapter_id))
        if starts and start <= starts[-1]:
            raise AdminError(_("Chapter %(n)s starts before the chapter above it; list chapters in "
                               "time order.", n=n))
        starts.append(start)
        titles_en[chapter_id] = " ".join((row.title_en or "").split()).replace("-->", "->")
        cues.append(vtt.Cue(start=start, end=0, text=title.replace("-->", "->"), id=chapter_id))
    last_end = parse_time(end)
    if last_end is None or last_end <= starts[-1]:
        raise AdminError(_("Give the end of the last chapter (the length of the video), after its "
                           "start."))
    ends = [*starts[1:], last_end]
    cues = [vtt.Cue(start=c.start, end=e, text=c.text, id=c.id) for c, e in zip(cues, ends, strict=True)]
    return vtt.serialize(cues), titles_en


def save_chapter_rows(tutorial: Tutorial, rows: list[ChapterRow], end: str, actor: User) -> None:
    text, titles_en = chapters_from_rows(rows, end)
    tutorial_services.attach_chapters(tutorial, text.encode("utf-8"), titles_en)
    audit(actor, "tutorial.chapters", "tutorial", tutorial.id, "Chapters edited",
          chapters=list(titles_en))
    db.session.commit()
    tutorial_services.delete_replaced_files()


def chapter_rows(tutorial: Tutorial, spare: int = 3) -> list[ChapterRow]:
    rows = [ChapterRow(vtt.format_timestamp(ch["start"]).removeprefix("00:"), ch["id"],
                       ch["title"].get("id", ""), ch["title"].get("en", ""))
            for ch in tutorial.chapters_json or []]
    return rows + [ChapterRow("", "", "", "") for _ in range(spare)]


def stage_mappings(tutorial: Tutorial) -> list[StageTutorial]:
    """The stages (per category or general) that show this tutorial."""
    return list(db.session.scalars(
        select(StageTutorial).where(StageTutorial.tutorial_id == tutorial.id)
        .order_by(StageTutorial.category_id, StageTutorial.stage_key)
    ))


WHOLE_VIDEO = "__whole__"


def map_stages(tutorial: Tutorial, category_id: int | None, choices: dict[str, str],
               actor: User) -> None:
    """For each stage: "" leaves it alone, "-" removes this tutorial from it, WHOLE_VIDEO shows
    the whole video, else a chapter id. For one category, or general (None)."""
    from portal.tutorials.stages import STAGES

    changed = {}
    for stage_key, choice in choices.items():
        if stage_key not in STAGES or not choice:
            continue
        if choice == "-":
            condition = (StageTutorial.category_id.is_(None) if category_id is None
                         else StageTutorial.category_id == category_id)
            db.session.execute(delete(StageTutorial).where(
                StageTutorial.stage_key == stage_key, StageTutorial.tutorial_id == tutorial.id,
                condition))
        else:
            try:
                tutorial_services.map_stage(stage_key, tutorial,
                                            None if choice == WHOLE_VIDEO else choice, category_id)
            except tutorial_services.TutorialError as exc:
                db.session.rollback()
                raise AdminError(str(exc)) from None
        changed[stage_key] = choice
    if changed:
        audit(actor, "tutorial.map_stages", "tutorial", tutorial.id, "Stages mapped",
              category_id=category_id, stages=changed)
    db.session.commit()


def set_tutorial_published(tutorial: Tutorial, published: bool, actor: User) -> None:
    if published:
        try:
            tutorial_services.check_publishable(tutorial)
        except tutorial_services.TutorialError as exc:
            raise AdminError(str(exc)) from None
    tutorial.published = published
    audit(actor, "tutorial.publish" if published else "tutorial.unpublish", "tutorial", tutorial.id,
          tutorial.title_id)
    db.session.commit()


# -- staff ----------------------------------------------------------------------------------------------
def get_user_or_404(user_id: int, actor) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def list_staff(after: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[User], int | None]:
    """Accounts holding a staff role, by id (keyset). Roles come with the user (selectin)."""
    staff_ids = select(UserRole.user_id).where(UserRole.role.in_(list(STAFF_ROLES)))
    stmt = select(User).where(User.id.in_(staff_ids))
    if after is not None:
        stmt = stmt.where(User.id > after)
    rows = list(db.session.scalars(stmt.order_by(User.id).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more and rows else None


def find_user(email: str) -> User | None:
    return auth_services.get_user_by_email(email) if len(email or "") <= 254 else None


def invite_staff(email: str, full_name: str, roles: set[Role], locale: str, actor: User) -> User:
    """Create a staff account without a usable password and email a one-time link to set one
    (the password reset page; the link lasts INVITE_LIFETIME and works once)."""
    if not roles:
        raise AdminError(_("Give the new account at least one role."))
    if find_user(email) is not None:
        raise AdminError(_("An account with this email already exists. Find it below and give it "
                           "roles instead."))
    user = User(email=auth_services.normalize_email(email), full_name=full_name.strip(),
                # not an argon2 hash: no password matches it until the invitee sets one
                password_hash="!invited:" + secrets.token_hex(16),
                locale=locale if locale in current_app.config["LANGUAGES"] else "id")
    for role in sorted(roles):
        user.roles.append(UserRole(role=Role(role)))
    db.session.add(user)
    db.session.flush()
    token = auth_services.issue_token(user, TokenPurpose.RESET_PASSWORD)
    row = db.session.scalar(select(AuthToken).where(AuthToken.user_id == user.id,
                                                    AuthToken.used_at.is_(None))
                            .order_by(AuthToken.id.desc()).limit(1))
    row.expires_at = utcnow() + current_app.config.get("INVITE_LIFETIME", INVITE_LIFETIME)
    link = auth_services._link("auth.reset_password", token)
    audit(actor, "staff.invite", "user", user.id, user.email, roles=sorted(r.value for r in roles))
    with force_locale(user.locale):
        subject = _("You are invited to SatuPintu")
        text = render_template("admin/email/invite.txt", full_name=user.full_name, link=link,
                               inviter=actor.full_name, roles=sorted(roles),
                               days=INVITE_LIFETIME.days, office=office_settings())
    # Through the outbox: it leaves after the commit, and only if the account was stored.
    queue_email_to_address(user.email, user.full_name, subject, text, user_id=user.id)
    db.session.commit()
    return user


def change_roles(user: User, roles: set[Role], actor: User) -> None:
    """Give and take roles (auth.services.set_roles refuses removing your own admin role and the
    last admin). Raises AdminError."""
    before = sorted(r.value for r in user.role_set)
    audit(actor, "staff.roles", "user", user.id, user.email, before=before,
          after=sorted(r.value for r in roles))
    try:
        auth_services.set_roles(user, set(roles), actor)
    except auth_services.AccountError as exc:
        db.session.rollback()
        raise AdminError(str(exc)) from None


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id))).select_from(UserRole).join(User)
        .where(UserRole.role == Role.ADMIN, User.is_active_account.is_(True))
    ) or 0


def set_user_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (every session ends at once) or reactivate an account. You cannot deactivate
    yourself, nor the last active admin."""
    if not active:
        if user.id == actor.id:
            raise AdminError(_("You cannot deactivate your own account."))
        if Role.ADMIN in user.role_set and user.is_active_account and _active_admins() <= 1:
            raise AdminError(_("The portal needs at least one admin."))
        user.is_active_account = False
        end_all_sessions(user)
    else:
        user.is_active_account = True
    audit(actor, "staff.activate" if active else "staff.deactivate", "user", user.id, user.email)
    db.session.commit()
