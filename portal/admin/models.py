"""The admin's own tables: form drafts being built and office settings. (The audit log's table
is in portal.audit; it is re-exported here for older imports.)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.audit.models import AdminAuditEvent  # noqa: F401 - re-exported
from portal.catalogue.models import PermitCategory  # noqa: F401  (the FK target is registered)
from portal.db import utcnow
from portal.extensions import db


class FormDraft(db.Model):
    """The form of a category while an admin builds it: pages, fields and document
    requirements as JSON, saved at every change so nothing is lost. Publishing turns it into
    an immutable FormVersion (catalogue.services.publish_new_version); the draft stays.

    ``pages``: [{"key", "title_id", "title_en"}] in order; ``fields``: FieldSpec dicts (without
    order and page titles: those come from the page list at publish time), in order within
    their page; ``documents``: DocumentSpec dicts in order."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), unique=True
    )
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    based_on_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("form_versions.id", ondelete="SET NULL")
    )
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Setting(db.Model):
    """One office setting (name, address, contact, hours) set by an admin; overlays config."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
