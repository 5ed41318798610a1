"""The permit issued when an application is approved."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false, select
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
    #: A business permit: the business's NIB as issued (holder_name is then the business's
    #: name, as issued; later edits of the profile do not change an issued permit).
    holder_nib: Mapped[str | None] = mapped_column(String(13))
    holder_business_id: Mapped[int | None] = mapped_column(ForeignKey("businesses.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None: no expiry
    verification_token: Mapped[str] = mapped_column(String(64), unique=True)
    pdf_key: Mapped[str] = mapped_column(String(200), unique=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    #: The short code printed under the QR code, for typing into the check page.
    short_code: Mapped[str | None] = mapped_column(String(12), unique=True)
    #: sha256 of the signed PDF as issued: the check page compares an uploaded file with it.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The English translation (not signed; it says the Indonesian letter is the permit).
    pdf_en_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    signer_name: Mapped[str | None] = mapped_column(String(300))
    signed_at: Mapped[datetime | None]
    #: The certificate (DER) the letter was signed with: checks trust it even after a new key.
    signer_certificate: Mapped[bytes | None] = mapped_column(LargeBinary)

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


class PermitReminder(db.Model):
    """An expiry reminder sent to the holder: one row per permit and threshold (60, 30 or 7 days
    before ``valid_until``), so the daily job sends each one once however often it runs."""

    __tablename__ = "permit_reminders"
    __table_args__ = (UniqueConstraint("permit_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(ForeignKey("permits.id", ondelete="CASCADE"))
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class PermitRenewal(db.Model):
    """An application started with "Perpanjang" from an earlier permit. Its permit, once
    issued, supersedes the earlier one (the earlier one's verification page says so)."""

    __tablename__ = "permit_renewals"

    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True
    )
    renews_permit_id: Mapped[int] = mapped_column(ForeignKey("permits.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Letterhead(db.Model):
    """The coat of arms or office logo printed on every permit letter (one row; none: the
    neutral placeholder drawn in code). Uploaded by an admin through the image checks."""

    __tablename__ = "permit_letterheads"

    id: Mapped[int] = mapped_column(primary_key=True)
    logo_key: Mapped[str] = mapped_column(String(200), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def stored_files() -> Iterator[FileRef]:
    """The permits' PDF letters (Indonesian and English) and the letterhead's logo."""
    rows = db.session.execute(
        select(Permit.id, Permit.pdf_key, Permit.sha256, Permit.pdf_en_key).order_by(Permit.id)
    )
    for permit_id, key, sha256, key_en in rows:
        if key:
            yield FileRef(key, sha256, f"permit {permit_id}")
        if key_en:
            yield FileRef(key_en, None, f"permit {permit_id} (English)")
    for (logo_key,) in db.session.execute(select(Letterhead.logo_key)):
        yield FileRef(logo_key, None, "permit letterhead logo")
