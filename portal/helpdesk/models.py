"""Support notes, assist codes (only their HMAC is stored), the log of assisted views, and
the tries at entering a code (for the lock after too many wrong ones)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import str_enum, utcnow
from portal.extensions import db


class Channel(enum.StrEnum):
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    WALK_IN = "walk_in"
    EMAIL = "email"


class SupportNote(db.Model):
    """One contact with an applicant: how they reached us, about what, what was said, and
    whether it is resolved. Open notes are the help desk's "open cases"."""

    __tablename__ = "support_notes"
    __table_args__ = (
        Index("ix_support_notes_applicant_created", "applicant_id", "created_at"),
        # The open-cases list pages by id among the unresolved notes.
        Index("ix_support_notes_resolved_id", "resolved", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "support_channel"))
    topic: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(default=False, server_default=false())
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    applicant = relationship("User", foreign_keys=[applicant_id], lazy="raise")
    author = relationship("User", foreign_keys=[author_id], lazy="raise")


class AssistCode(db.Model):
    """A code an applicant created to let the help desk see their draft. Only an HMAC of
    (applicant id, code) is kept; it works until ``expires_at`` or until ``ended_at`` is set
    (by the applicant, or by a newer code)."""

    __tablename__ = "assist_codes"
    __table_args__ = (Index("ix_assist_codes_user_ended", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and self.expires_at > now


class AssistView(db.Model):
    """One help desk person looking at an applicant's draft with a code: when they opened it
    and when they last saw it (every page load and live refresh moves ``last_seen_at``).
    The applicant sees these rows on their assist page."""

    __tablename__ = "assist_views"
    __table_args__ = (Index("ix_assist_views_applicant_started", "applicant_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("assist_codes.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    refreshes: Mapped[int] = mapped_column(default=0, server_default="0")

    code: Mapped[AssistCode] = relationship(lazy="joined")
    staff = relationship("User", foreign_keys=[staff_id], lazy="raise")


class AttemptOutcome(enum.StrEnum):
    PENDING = "pending"  # being checked; counts as wrong until it is known to be right
    WRONG = "wrong"
    OK = "ok"
    LOCKED = "locked"  # refused without checking; does not count against the staff member


class AssistAttempt(db.Model):
    """One try at entering an assist code by a help desk person (never the code itself)."""

    __tablename__ = "assist_attempts"
    __table_args__ = (Index("ix_assist_attempts_staff_created", "staff_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    outcome: Mapped[AttemptOutcome] = mapped_column(
        str_enum(AttemptOutcome, "assist_outcome"), default=AttemptOutcome.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
