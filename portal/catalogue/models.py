"""Permit categories and their versioned form definitions.

A category's form (fields and document requirements) lives in ``FormVersion`` rows as data.
A version is never edited after it is written: editing a form publishes version n+1 (see
``services.publish_new_version``), so an application started on version n keeps working.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import get_history

from portal.catalogue.formspec import FormSpec
from portal.db import TimestampMixin, str_enum, utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef


class Sector(enum.StrEnum):
    BUILDING = "building"
    HEALTH = "health"
    TRADE = "trade"
    TOURISM = "tourism"
    EDUCATION = "education"
    RESEARCH = "research"
    ENVIRONMENT = "environment"
    TRANSPORT = "transport"
    SOCIAL = "social"
    ADVERTISING = "advertising"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return str(SECTOR_LABELS[self])


SECTOR_LABELS = {
    Sector.BUILDING: _l("Buildings and spatial planning"),
    Sector.HEALTH: _l("Health"),
    Sector.TRADE: _l("Trade and business"),
    Sector.TOURISM: _l("Tourism"),
    Sector.EDUCATION: _l("Education"),
    Sector.RESEARCH: _l("Research"),
    Sector.ENVIRONMENT: _l("Environment"),
    Sector.TRANSPORT: _l("Transport"),
    Sector.SOCIAL: _l("Social affairs"),
    Sector.ADVERTISING: _l("Advertising"),
    Sector.GENERAL: _l("General services"),
}

DEFAULT_PERMIT_NUMBER_PATTERN = "503/{code}/DPMPTSP/{year}/{seq:05}"


class HolderKind(enum.StrEnum):
    """Who may hold a category's permit: the person who applies, a business, or either."""

    PERSON = "person"
    BUSINESS = "business"
    EITHER = "either"

    @property
    def label(self) -> str:
        return str(HOLDER_KIND_LABELS[self])

    @property
    def allows_business(self) -> bool:
        return self is not HolderKind.PERSON

    @property
    def allows_person(self) -> bool:
        return self is not HolderKind.BUSINESS


HOLDER_KIND_LABELS = {
    HolderKind.PERSON: _l("A person (the applicant herself)"),
    HolderKind.BUSINESS: _l("A business"),
    HolderKind.EITHER: _l("A person or a business"),
}


class PermitCategory(TimestampMixin, db.Model):
    """A permit that can be applied for, with its public service standard."""

    __tablename__ = "permit_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(16))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    summary_id: Mapped[str] = mapped_column(String(500), default="")
    summary_en: Mapped[str] = mapped_column(String(500), default="")
    description_id: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    sector: Mapped[Sector] = mapped_column(str_enum(Sector, "sector"), index=True)
    time_limit_days: Mapped[int] = mapped_column(Integer)  # working days
    cost_rupiah: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0 = free
    cost_note_id: Mapped[str] = mapped_column(Text, default="")
    cost_note_en: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")  # one item per line
    output_id: Mapped[str] = mapped_column(Text, default="")
    output_en: Mapped[str] = mapped_column(Text, default="")
    validity_months: Mapped[int | None] = mapped_column(Integer)  # None = no expiry
    permit_number_pattern: Mapped[str] = mapped_column(String(120), default=DEFAULT_PERMIT_NUMBER_PATTERN)
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    #: How the permit looks: "letter" (surat keterangan) or "certificate" (a framed sertifikat).
    certificate_layout: Mapped[str] = mapped_column(String(16), default="letter", server_default="letter")
    #: Keys of the form fields printed on the permit, in order; None: the short default.
    certificate_fields: Mapped[list[str] | None] = mapped_column(JSON)
    popularity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Who may hold the permit: a person, a business, or either (the wizard asks then).
    holder_kind: Mapped[HolderKind] = mapped_column(
        str_enum(HolderKind, "holder_kind"), default=HolderKind.PERSON, server_default=HolderKind.PERSON.value
    )
    #: A second party who must confirm each application (the land owner for a PBG), named in
    #: both languages; None when the category needs none.
    co_applicant_role_id: Mapped[str | None] = mapped_column(String(120))
    co_applicant_role_en: Mapped[str | None] = mapped_column(String(120))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", use_alter=True, ondelete="SET NULL")
    )

    current_version: Mapped[FormVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )  # lists do not need it; the loaders in services.py join it in

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label

    @property
    def legal_basis_items(self) -> list[str]:
        return [line.strip() for line in (self.legal_basis or "").splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<PermitCategory {self.slug}>"


class FormVersion(db.Model):
    """One immutable version of a category's form: fields and document requirements as JSON
    (see portal.catalogue.formspec for their shape)."""

    __tablename__ = "form_versions"
    __table_args__ = (UniqueConstraint("category_id", "number", name="uq_form_versions_category_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]

    category: Mapped[PermitCategory] = relationship(foreign_keys=[category_id], lazy="joined")

    @property
    def spec(self) -> FormSpec:
        """The parsed definition (cached on the instance; the row never changes)."""
        cached = self.__dict__.get("_spec_cache")
        if cached is None:
            cached = FormSpec.from_version(self.fields, self.documents)
            self.__dict__["_spec_cache"] = cached
        return cached

    def __repr__(self) -> str:
        return f"<FormVersion {self.category_id} v{self.number}>"


class ImmutableVersionError(RuntimeError):
    """Someone tried to change a written form version; publish a new version instead."""


@event.listens_for(FormVersion, "before_update")
def _refuse_version_edits(mapper, connection, target: FormVersion) -> None:
    for attr in ("fields", "documents", "number", "category_id"):
        if get_history(target, attr).has_changes():
            raise ImmutableVersionError(
                f"form version {target.id} is immutable; publish a new version instead"
            )


def stored_files() -> Iterator[FileRef]:
    """Sample files of document requirements, in every form version."""
    for version_id, documents in db.session.execute(
        select(FormVersion.id, FormVersion.documents).order_by(FormVersion.id)
    ):
        for spec in documents or []:
            sample = spec.get("sample_key") if isinstance(spec, dict) else None
            # Samples shipped with the code are static files, not stored ones.
            if sample and not sample.startswith("static/"):
                yield FileRef(sample, None, f"form version {version_id} sample {spec.get('key')}")


# -- the finder: words people use, other offices' permits, the question tree, the search index --
class CategoryKeywords(db.Model):
    """The everyday words and synonyms people use for a permit (one word or phrase per line),
    edited by admins; the search index reads them (portal.catalogue.search)."""

    __tablename__ = "category_keywords"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), primary_key=True
    )
    keywords: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def phrases(self) -> list[str]:
        return [line.strip() for line in (self.keywords or "").splitlines() if line.strip()]


class Signpost(TimestampMixin, db.Model):
    """A permit people look for here that another office issues (PIRT, NIB): where to go and
    what to bring, found by search and the finder's questions like a permit of our own."""

    __tablename__ = "signposts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    issuer_id: Mapped[str] = mapped_column(String(200), default="")
    issuer_en: Mapped[str] = mapped_column(String(200), default="")
    summary_id: Mapped[str] = mapped_column(Text, default="")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    bring_id: Mapped[str] = mapped_column(Text, default="")  # what to bring, one item per line
    bring_en: Mapped[str] = mapped_column(Text, default="")
    link_url: Mapped[str] = mapped_column(String(300), default="")
    keywords: Mapped[str] = mapped_column(Text, default="")  # one word or phrase per line
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    def bring_items(self, lang: str) -> list[str]:
        text = (self.bring_en if lang == "en" else self.bring_id) or self.bring_id or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def phrases(self) -> list[str]:
        return [line.strip() for line in (self.keywords or "").splitlines() if line.strip()]


class FinderTree(db.Model):
    """The questions of "Help me choose a permit", as one document an admin saves whole (see
    portal.catalogue.finder for its shape and the checks that refuse loops and dead ends)."""

    __tablename__ = "finder_trees"

    id: Mapped[int] = mapped_column(primary_key=True)
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SearchTerm(db.Model):
    """One stemmed word (or two-word phrase) of a permit, signpost or video guide, with how much
    it counts: the search index, the same on SQLite and PostgreSQL (portal.catalogue.search)."""

    __tablename__ = "search_terms"
    __table_args__ = (
        # Covering: ranking reads only the index (term -> kind, ref_id, weight).
        Index("ix_search_terms_term", "term", "kind", "ref_id", "weight"),
        Index("ix_search_terms_ref", "kind", "ref_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # category | signpost | tutorial
    ref_id: Mapped[int] = mapped_column(Integer)
    term: Mapped[str] = mapped_column(String(120))
    weight: Mapped[float] = mapped_column(Float)


class UnfoundSearch(db.Model):
    """A search someone reported as "I cannot find my permit" (digits and emails removed: no
    personal data), counted in the help desk's "where people get stuck" report."""

    __tablename__ = "unfound_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
