"""Permit categories and their service standard: list, create, edit, open or close, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from portal.admin.models import FormDraft
from portal.admin.services.common import PAGE_SIZE, AdminError, require_admin
from portal.applications.models import Application
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.models import FormVersion, PermitCategory
from portal.errors import NotFoundError
from portal.extensions import db
from portal.paging import fetch_page
from portal.permits.services import validate_number_pattern
from portal.tutorials.models import StageTutorial

CATEGORY_FIELDS = (
    "code",
    "name_id",
    "name_en",
    "summary_id",
    "summary_en",
    "description_id",
    "description_en",
    "sector",
    "holder_kind",
    "time_limit_days",
    "cost_rupiah",
    "cost_note_id",
    "cost_note_en",
    "legal_basis",
    "output_id",
    "output_en",
    "validity_months",
    "permit_number_pattern",
)


def get_category_or_404(category_id: int, user: User) -> PermitCategory:
    """Any category, active or not, for an admin; 403 for anyone else, 404 when missing."""
    require_admin(user)
    category = db.session.scalar(
        select(PermitCategory)
        .where(PermitCategory.id == category_id)
        .options(joinedload(PermitCategory.current_version))
    )
    if category is None:
        raise NotFoundError()
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
    categories, next_after = fetch_page(stmt.order_by(PermitCategory.id), limit, unique=True)
    counts = application_counts([c.id for c in categories])
    return CategoryList([CategoryRow(c, counts.get(c.id, 0)) for c in categories], next_after)


def application_counts(category_ids: list[int]) -> dict[int, int]:
    if not category_ids:
        return {}
    rows = db.session.execute(
        select(Application.category_id, func.count())
        .where(Application.category_id.in_(category_ids))
        .group_by(Application.category_id)
    ).all()
    return {category_id: count for category_id, count in rows}


def category_problems(data: dict[str, Any], category: PermitCategory | None) -> dict[str, str]:
    """Cross-checks that need the database or other packages: unique slug, usable permit number
    pattern. Returns {form field name: message}."""
    problems: dict[str, str] = {}
    if category is None:
        slug = data.get("slug") or ""
        if db.session.scalar(select(PermitCategory.id).where(PermitCategory.slug == slug)) is not None:
            problems["slug"] = _("Another permit type already uses this web address name.")
    pattern_problems = validate_number_pattern(data.get("permit_number_pattern") or "")
    if pattern_problems:
        problems["permit_number_pattern"] = _(
            "The number pattern cannot be used: %(problems)s. Example: %(example)s",
            problems="; ".join(pattern_problems),
            example="503/{code}/DPMPTSP/{year}/{seq:05}",
        )
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
    db.session.flush()
    return category


def update_category(category: PermitCategory, data: dict[str, Any], actor: User) -> None:
    problems = category_problems(data, category)
    if problems:
        raise AdminError(" ".join(problems.values()))
    before = {name: getattr(category, name) for name in CATEGORY_FIELDS}
    _apply_category(category, data)
    changed = sorted(name for name in CATEGORY_FIELDS if getattr(category, name) != before[name])
    audit(actor, "category.update", "category", category.id, category.name_id, fields=changed)
    db.session.flush()


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
    audit(
        actor,
        "category.activate" if active else "category.deactivate",
        "category",
        category.id,
        category.name_id,
    )
    db.session.flush()


def delete_category(category: PermitCategory, actor: User) -> None:
    """Delete a category that was never applied for (its form versions and draft go with it).
    One with applications is refused: deactivate it instead."""
    count = application_counts([category.id]).get(category.id, 0)
    if count:
        raise AdminError(
            _(
                "This permit type has %(count)s applications, so it cannot be deleted. "
                "Deactivate it instead: it then takes no new applications.",
                count=count,
            )
        )
    audit(actor, "category.delete", "category", category.id, category.name_id, slug=category.slug)
    category_id = category.id
    category.current_version = None
    db.session.flush()
    db.session.execute(delete(FormDraft).where(FormDraft.category_id == category_id))
    db.session.execute(delete(StageTutorial).where(StageTutorial.category_id == category_id))
    db.session.execute(delete(FormVersion).where(FormVersion.category_id == category_id))
    db.session.delete(category)
    db.session.flush()
