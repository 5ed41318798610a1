"""Catalogue rules: finding categories, loading them for the public pages, and publishing a
new version of a category's form. Callable without a request."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from flask import url_for
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.routing import BuildError

from portal.catalogue.formspec import DefinitionError, DocumentSpec, FormSpec
from portal.catalogue.models import FormVersion, PermitCategory, Sector
from portal.catalogue.signals import form_version_published
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.paging import fetch_page
from portal.transaction import atomic_service
from portal.validation import clean_display_text

#: A search longer than this is cut: nobody types more, and each word costs a LIKE.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
PAGE_SIZE = 24
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")

_SEARCH_COLUMNS = (
    PermitCategory.name_id,
    PermitCategory.name_en,
    PermitCategory.summary_id,
    PermitCategory.summary_en,
    PermitCategory.description_id,
    PermitCategory.description_en,
    PermitCategory.code,
)


def get_category_or_404(slug: str) -> PermitCategory:
    """An active category by slug (with its current form version), or 404. Anyone may see it."""
    category = get_category_by_slug(slug)
    if category is None or not category.active:
        raise NotFoundError()
    return category


def get_category_by_slug(slug: str) -> PermitCategory | None:
    """A category by slug, active or not (for staff and seed code)."""
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        return None  # also keeps NUL and other odd bytes away from the database
    return db.session.scalar(
        select(PermitCategory)
        .where(PermitCategory.slug == slug)
        .options(joinedload(PermitCategory.current_version))
    )


def get_sample_or_404(category: PermitCategory, doc_key: str) -> DocumentSpec:
    """The document requirement ``doc_key`` of the category's current form, when it has a
    sample; else 404."""
    version = category.current_version
    doc = version.spec.documents_by_key.get(doc_key) if version is not None else None
    if doc is None or not doc.sample_key:
        raise NotFoundError()
    return doc


def get_form_version(version_id: int) -> FormVersion | None:
    return db.session.get(FormVersion, version_id)


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so a user's % and _ match themselves (escape character: \\)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_words(query: str | None) -> list[str]:
    """The words of a search box entry: lower-cased, at most MAX_QUERY_WORDS, cut to length."""
    if not query:
        return []
    # Control characters (NUL among them: PostgreSQL refuses it) never match a name.
    words = clean_display_text(query[:MAX_QUERY_CHARS]).lower().split()
    return [w for w in words if w][:MAX_QUERY_WORDS]


@dataclass
class CategoryPage:
    items: list[PermitCategory]
    next_after: str | None  # pass as ``after`` to get the next page


def list_categories(
    query: str | None = None,
    sector: str | Sector | None = None,
    *,
    after: str | None = None,
    limit: int = PAGE_SIZE,
    lang: str = "id",
) -> CategoryPage:
    """Active categories whose names, summaries or descriptions (either language) contain every
    word of ``query``, optionally of one sector; ordered by name in ``lang``, paged by keyset
    (``after`` = the slug of the last row of the previous page)."""
    name_col = PermitCategory.name_en if lang == "en" else PermitCategory.name_id
    stmt = select(PermitCategory).where(PermitCategory.active.is_(True))
    for word in search_words(query):
        pattern = f"%{escape_like(word)}%"
        stmt = stmt.where(or_(*(func.lower(col).like(pattern, escape="\\") for col in _SEARCH_COLUMNS)))
    if sector:
        try:
            stmt = stmt.where(PermitCategory.sector == Sector(sector))
        except ValueError:
            return CategoryPage([], None)
    if after:
        last = get_category_by_slug(after)
        if last is not None:
            last_name = last.name_en if lang == "en" else last.name_id
            stmt = stmt.where(
                or_(name_col > last_name, (name_col == last_name) & (PermitCategory.id > last.id))
            )
    return CategoryPage(
        *fetch_page(stmt.order_by(name_col, PermitCategory.id), limit, cursor=attrgetter("slug"), unique=True)
    )


def sectors_in_use() -> list[Sector]:
    """Sectors that have at least one active category, for the filter."""
    values = db.session.scalars(
        select(PermitCategory.sector).where(PermitCategory.active.is_(True)).distinct()
    )
    return sorted({Sector(v) for v in values}, key=lambda s: list(Sector).index(s))


@atomic_service
def publish_new_version(
    category: PermitCategory,
    fields: Sequence[dict[str, Any]],
    documents: Sequence[dict[str, Any]],
) -> FormVersion:
    """Check a form definition and publish it as the category's next version (n+1), making it
    the current one. Existing versions are never changed, so applications started on them keep
    their form. For admins (the caller checks the role). Raises DefinitionError listing the
    problems; IntegrityError if another publish of the same category won the race (nothing of
    this publish is left then). Flushes; the caller commits."""
    spec = FormSpec.from_version(fields, documents)
    problems = spec.validate_definition()
    if problems:
        raise DefinitionError(problems)
    if category.id is None:
        db.session.add(category)
        db.session.flush()
    latest = (
        db.session.scalar(select(func.max(FormVersion.number)).where(FormVersion.category_id == category.id))
        or 0
    )
    version = FormVersion(
        category_id=category.id,
        number=latest + 1,
        fields=[dict(f) for f in fields],
        documents=[dict(d) for d in documents],
        published_at=utcnow(),
    )
    db.session.add(version)
    db.session.flush()
    category.current_version = version
    db.session.flush()
    form_version_published.send(category, version=version)
    return version


def start_path(slug: str) -> str:
    """Where the "Start application" form posts (the applications blueprint owns it)."""
    try:
        return url_for("applications.start", slug=slug)
    except BuildError:
        return f"/permits/{slug}/apply"
