"""Applications, their documents, audit trail, correction rounds and validation-error events."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin, str_enum, utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_CORRECTION = "needs_correction"
    RESUBMITTED = "resubmitted"
    RECOMMENDED = "recommended"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DocumentState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    FLAGGED = "flagged"


class Application(TimestampMixin, db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        Index("ix_applications_applicant_status", "applicant_id", "status"),
        Index("ix_applications_status_due", "status", "due_date", "id"),
        # The officer queue pages by (due date, id) or (submission time, id) across statuses.
        Index("ix_applications_due_id", "due_date", "id"),
        Index("ix_applications_submitted_id", "submitted_at", "id"),
        # The API's partner list pages by id within a status, or a token's category and a status.
        Index("ix_applications_category_status_id", "category_id", "status", "id"),
        Index("ix_applications_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"))
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_versions.id"))
    status: Mapped[ApplicationStatus] = mapped_column(
        str_enum(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Wizard pages the applicant has completed (page keys), and the furthest stage reached.
    completed_pages: Mapped[list[str]] = mapped_column(JSON, default=list)
    stage: Mapped[str] = mapped_column(String(32), default="requirements")
    declaration_accepted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    submitted_at: Mapped[datetime | None]
    due_date: Mapped[date | None] = mapped_column(Date)
    sla_paused_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # The verifier's recommendation to the approver: "approve" or "reject", with a reason.
    recommendation: Mapped[str | None] = mapped_column(String(10))
    recommendation_reason: Mapped[str | None] = mapped_column(Text)
    #: Filed by a representative for a principal: the mandate it was filed under (None when the
    #: applicant files for herself). The applicant (``applicant_id``) is then the representative.
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandates.id"), index=True)
    #: The business that will hold the permit (None: the applicant herself). Chosen in the
    #: wizard among the businesses she may file for; its owners and directors see the application.
    holder_business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"), index=True)

    applicant = relationship("User", foreign_keys=[applicant_id], lazy="raise")
    category = relationship("PermitCategory", lazy="raise")
    form_version = relationship("FormVersion", lazy="raise")
    holder_business = relationship("Business", lazy="raise")
    # The permit issued on approval (the permits package writes it; read-only here, named by
    # string so this module imports no permits code). One object's pages only: lists never load it.
    permit = relationship("Permit", uselist=False, viewonly=True, lazy="select")
    mandate = relationship("Mandate", lazy="select")
    documents: Mapped[list[Document]] = relationship(
        back_populates="application",
        lazy="raise",
        order_by="Document.id",
        cascade="all, delete-orphan",
    )

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.NEEDS_CORRECTION)


class Mandate(TimestampMixin, db.Model):
    """A power of attorney (kuasa): the representative (penerima kuasa) may file applications
    for the principal (pemberi kuasa), a person by account or a business. Each application filed under it
    carries its own signed letter (surat kuasa), which the officer accepts or flags. The
    principal may revoke it; a revoked mandate gives no access from the next request on."""

    __tablename__ = "mandates"
    __table_args__ = (
        CheckConstraint("representative_id <> principal_user_id", name="not_self"),
        # A person or a business, exactly one of them.
        CheckConstraint(
            "(principal_user_id IS NULL) <> (principal_business_id IS NULL)", name="one_principal"
        ),
        Index("ix_mandates_representative_revoked", "representative_id", "revoked_at"),
        Index("ix_mandates_principal_revoked", "principal_user_id", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: The principal: a person (by account) or a business (whose owner or director gave it).
    principal_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    principal_business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"), index=True)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    representative = relationship("User", foreign_keys=[representative_id], lazy="select")
    principal_user = relationship("User", foreign_keys=[principal_user_id], lazy="select")
    principal_business = relationship("Business", lazy="select")

    @property
    def principal_name(self) -> str:
        if self.principal_business_id is not None:
            return self.principal_business.name
        return self.principal_user.full_name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CoApplicantState(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class CoApplicant(db.Model):
    """A second party (the land owner for a PBG) invited by a one-time link to confirm an
    application. Only the SHA-256 of the link's token is stored; the link expires."""

    __tablename__ = "co_applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    state: Mapped[CoApplicantState] = mapped_column(
        str_enum(CoApplicantState, "co_applicant_state"), default=CoApplicantState.PENDING
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who answered
    answered_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Document(db.Model):
    """One uploaded file for one document requirement of an application."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    requirement_key: Mapped[str] = mapped_column(String(40))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(50))
    state: Mapped[DocumentState] = mapped_column(
        str_enum(DocumentState, "document_state"), default=DocumentState.PENDING
    )
    reason: Mapped[str | None] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: A small JPEG preview (a photo scaled down, a PDF's first page), made when the file was
    #: accepted; None when none could be made.
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))

    application: Mapped[Application] = relationship(back_populates="documents", lazy="raise")


class AuditEvent(db.Model):
    """Who did what to an application, and when. Written once, never updated or deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    visible_to_applicant: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", lazy="raise")


@event.listens_for(AuditEvent, "before_update")
def _audit_is_append_only(mapper, connection, target):  # pragma: no cover - a guard
    raise RuntimeError("audit events are never updated")


@event.listens_for(AuditEvent, "before_delete")
def _audit_is_never_deleted(mapper, connection, target):  # pragma: no cover - a guard
    raise RuntimeError("audit events are never deleted")


class CorrectionRequest(db.Model):
    """The office's request for corrections: a message and exactly which answers and
    documents to fix. Open until the applicant resubmits."""

    __tablename__ = "correction_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    # [{"key": field_key, "reason": text}], [{"key": requirement_key, "reason": text}]
    fields: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    documents: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class ValidationEvent(db.Model):
    """A field that failed validation on a wizard page: keys and error codes, never values.
    The help desk uses these to see where people get stuck."""

    __tablename__ = "validation_events"
    __table_args__ = (Index("ix_validation_events_app_created", "application_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    page_key: Mapped[str | None] = mapped_column(String(40))
    field_key: Mapped[str] = mapped_column(String(40))
    error_code: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def stored_files() -> Iterator[FileRef]:
    """The uploaded documents' stored files, with the sha256 recorded at upload."""
    for doc_id, key, sha in db.session.execute(
        select(Document.id, Document.storage_key, Document.sha256).order_by(Document.id)
    ):
        yield FileRef(key, sha, f"document {doc_id}")
