"""The email outbox and in-app notices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import str_enum, utcnow
from portal.extensions import db
from portal.security import safe_next_url


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxEmail(db.Model):
    """An email written in the same transaction as the change it reports, sent after commit
    by a job. ``dedupe_key`` makes queueing the same notice twice a no-op."""

    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_email: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str | None] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    state: Mapped[OutboxState] = mapped_column(
        str_enum(OutboxState, "outbox_state"), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a job last claimed the row (PENDING -> SENDING); a row left in SENDING long after
    # this was claimed by a worker that died (`flask jobs requeue-stuck` puts it back).
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    #: A file made when the email is sent, as "<kind>:<id>" (see notifications.attachments).
    attachment: Mapped[str | None] = mapped_column(String(60))


class Notice(db.Model):
    """An in-app notice (the bell): short text and a link, for one user."""

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_user_read", "user_id", "read_at"),  # the bell's unread count
        Index("ix_notices_user_id_id", "user_id", "id"),  # the list, newest first, by keyset
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(String(500))
    # A path on this site (never an absolute URL), so the notice works whatever the host.
    link: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    @property
    def target(self) -> str | None:
        """The link, only when it is a path on this site."""
        return safe_next_url(self.link)
