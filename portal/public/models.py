"""Public information: news, FAQ, the public information list (DIP), complaints and
information requests (one table, two kinds), and the satisfaction survey (SKM)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    select,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin, str_enum, utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef


class News(TimestampMixin, db.Model):
    """A news item or announcement, written in Markdown. ``body_html`` is the sanitised
    rendering, made when the text is saved (never from a template)."""

    __tablename__ = "news"
    __table_args__ = (Index("ix_news_published_at_id", "published_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # None = a draft; the public sees only published items.
    published_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An optional picture (portal.storage.pictures: PNG or JPEG, re-encoded) and the text that
    # describes it, required with the picture.
    image_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    image_type: Mapped[str | None] = mapped_column(String(40))
    image_width: Mapped[int | None]
    image_height: Mapped[int | None]
    image_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FaqEntry(TimestampMixin, db.Model):
    """One question and its answer (Markdown, rendered and sanitised on save), under a topic."""

    __tablename__ = "faq_entries"
    __table_args__ = (Index("ix_faq_entries_topic_position", "topic", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    topic: Mapped[str] = mapped_column(String(80))
    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    answer_html: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    published: Mapped[bool] = mapped_column(default=True, server_default=true())


class DocumentKind(enum.StrEnum):
    SOP = "sop"
    SERVICE_STANDARD = "service_standard"
    ANNUAL_REPORT = "annual_report"
    OTHER = "other"


class PublicDocument(db.Model):
    """A document of the public information list (DIP): a PDF anyone may download."""

    __tablename__ = "public_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "public_document_kind"))
    description: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int | None] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    published: Mapped[bool] = mapped_column(default=True, server_default=true())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseKind(enum.StrEnum):
    COMPLAINT = "complaint"
    INFORMATION = "information"  # a request for public information (PPID)


class CaseStatus(enum.StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


class ComplaintTopic(enum.StrEnum):
    SERVICE = "service"
    TIME = "time"
    FEES = "fees"
    STAFF = "staff"
    WEBSITE = "website"
    OTHER = "other"
    INFORMATION = "information"  # the topic of every information request


class Complaint(TimestampMixin, db.Model):
    """A complaint (pengaduan) or an information request, filed with or without an account.
    The filer follows it through an unguessable link; only the token's sha256 is stored."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_status_id", "status", "id"),
        Index("ix_complaints_kind_id", "kind", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[CaseKind] = mapped_column(str_enum(CaseKind, "case_kind"), default=CaseKind.COMPLAINT)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5), default="id")
    topic: Mapped[ComplaintTopic] = mapped_column(str_enum(ComplaintTopic, "complaint_topic"))
    # What the filer typed; ``application_id`` is set only when it matched (never told them).
    tracking_number: Mapped[str | None] = mapped_column(String(24))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[CaseStatus] = mapped_column(
        str_enum(CaseStatus, "case_status"), default=CaseStatus.RECEIVED
    )
    due_date: Mapped[date] = mapped_column(Date)
    answered_at: Mapped[datetime | None]

    answers: Mapped[list[ComplaintAnswer]] = relationship(
        back_populates="complaint", lazy="raise", order_by="ComplaintAnswer.id", cascade="all, delete-orphan"
    )


class ComplaintAnswer(db.Model):
    """The office's answer to a complaint or request (shown to the filer) with the status it
    set."""

    __tablename__ = "complaint_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus, "case_status"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="answers", lazy="raise")
    author = relationship("User", lazy="raise")


SKM_ELEMENTS = tuple(f"u{i}" for i in range(1, 10))


class SurveyResponse(db.Model):
    """One applicant's satisfaction survey (SKM) for one approved application: the 9 elements
    of PermenPANRB 14/2017, each scored 1 to 4. ``year`` and ``month`` are the office's local
    date of the answer, kept as columns so the index (IKM) groups by period in plain SQL."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("application_id", name="uq_survey_responses_application_id"),
        Index("ix_survey_responses_period", "year", "month", "category_id"),
        *(CheckConstraint(f"{u} BETWEEN 1 AND 4", name=f"{u}_range") for u in SKM_ELEMENTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), index=True)
    respondent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    u1: Mapped[int] = mapped_column(SmallInteger)
    u2: Mapped[int] = mapped_column(SmallInteger)
    u3: Mapped[int] = mapped_column(SmallInteger)
    u4: Mapped[int] = mapped_column(SmallInteger)
    u5: Mapped[int] = mapped_column(SmallInteger)
    u6: Mapped[int] = mapped_column(SmallInteger)
    u7: Mapped[int] = mapped_column(SmallInteger)
    u8: Mapped[int] = mapped_column(SmallInteger)
    u9: Mapped[int] = mapped_column(SmallInteger)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def stored_files() -> Iterator[FileRef]:
    """The public documents (regulations, service standards) staff uploaded."""
    for doc_id, key in db.session.execute(
        select(PublicDocument.id, PublicDocument.storage_key).order_by(PublicDocument.id)
    ):
        if key:
            yield FileRef(key, None, f"public document {doc_id}")
    for news_id, key in db.session.execute(
        select(News.id, News.image_key).where(News.image_key.is_not(None)).order_by(News.id)
    ):
        yield FileRef(key, None, f"news picture {news_id}")
