"""The data-access log and the retention job's reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import utcnow
from portal.extensions import db


class DataAccessEvent(db.Model):
    """A staff member opened a person's identity document or personal details. Written by the
    staff pages; the person sees these rows under "My data"."""

    __tablename__ = "data_access_events"
    __table_args__ = (Index("ix_data_access_events_subject_created", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: what was seen: "document" (an uploaded file), "application" (answers and details),
    #: "profile" (the help desk's view of the account)
    kind: Mapped[str] = mapped_column(String(20))
    #: the tracking number or the document's name, for the person's list
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    staff = relationship("User", foreign_keys=[staff_id], lazy="raise")


class DraftReminder(db.Model):
    """The retention job emailed the applicant that this draft will be deleted."""

    __tablename__ = "draft_reminders"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: the draft's last change when the reminder was sent: a later change makes it stale
    draft_updated_at: Mapped[datetime]
