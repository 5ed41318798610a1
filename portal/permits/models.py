"""The permit issued when an application is approved."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import utcnow
from portal.extensions import db
from portal.storage.transfer import FileRef


class PermitState(enum.StrEnum):
    """What the public verification page says about a permit (computed, not stored)."""

    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Permit(db.Model):
    """One permit per approved application. ``verification_token`` is the secret part of the
    public QR link; ``pdf_key`` names the certificate in storage (written before the row)."""

    __tablename__ = "permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("permit_categories.id"), index=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None: no expiry
    verification_token: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_key: Mapped[str] = mapped_column(String(200), unique=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)

    category = relationship("PermitCategory", lazy="raise")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def state(self, today: date) -> PermitState:
        """Revoked beats expired; a permit is valid through its ``valid_until`` day."""
        if self.revoked_at is not None:
            return PermitState.REVOKED
        if self.valid_until is not None and today > self.valid_until:
            return PermitState.EXPIRED
        return PermitState.VALID

    def __repr__(self) -> str:
        return f"<Permit {self.number}>"


class RegisterSetting(db.Model):
    """Whether a category's issued permits are listed in the public register (opt-in, set by an
    admin), and which of its form's answers names the business that holds them (shown instead
    of the holder's masked name when answered)."""

    __tablename__ = "permit_register_settings"

    category_id: Mapped[int] = mapped_column(
        ForeignKey("permit_categories.id", ondelete="CASCADE"), primary_key=True
    )
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    business_name_field: Mapped[str | None] = mapped_column(String(40))


def stored_files() -> Iterator[FileRef]:
    """The permits' PDF certificates."""
    for permit_id, key in db.session.execute(select(Permit.id, Permit.pdf_key).order_by(Permit.id)):
        if key:
            yield FileRef(key, None, f"permit {permit_id}")
