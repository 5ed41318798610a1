"""Businesses (badan usaha) and who belongs to them.

A ``Business`` is the holder of a permit when a category allows it: its name, legal form, NIB
(13 digits), NPWP (15 or 16 digits, stored as digits only), deed or AHU number and address.
A ``BusinessMember`` links one account to one business with a role. A business always has at
least one owner: the services refuse to remove, demote or let leave the last one (a rule the
database cannot state; ``services.py`` holds it, under a row lock on the business).
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin, str_enum
from portal.extensions import db


class LegalForm(enum.StrEnum):
    """The legal forms the office registers (bentuk badan usaha)."""

    PT = "pt"
    CV = "cv"
    FIRMA = "firma"
    KOPERASI = "koperasi"
    PERORANGAN = "perorangan"
    YAYASAN = "yayasan"
    PERKUMPULAN = "perkumpulan"

    @property
    def label(self) -> str:
        return str(LEGAL_FORM_LABELS[self])


LEGAL_FORM_LABELS = {
    LegalForm.PT: _l("Limited company (PT)"),
    LegalForm.CV: _l("Limited partnership (CV)"),
    LegalForm.FIRMA: _l("General partnership (Firma)"),
    LegalForm.KOPERASI: _l("Cooperative (Koperasi)"),
    LegalForm.PERORANGAN: _l("Sole proprietorship (Perorangan / UD)"),
    LegalForm.YAYASAN: _l("Foundation (Yayasan)"),
    LegalForm.PERKUMPULAN: _l("Association (Perkumpulan)"),
}


class MemberRole(enum.StrEnum):
    """A member's role in a business. Owners manage the members; owners and directors file
    for the business and see its applications; staff are listed only."""

    OWNER = "owner"
    DIRECTOR = "director"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return str(MEMBER_ROLE_LABELS[self])

    @property
    def may_file(self) -> bool:
        """Whether a member with this role may file for the business and see its applications."""
        return self in FILING_ROLES


MEMBER_ROLE_LABELS = {
    MemberRole.OWNER: _l("Owner"),
    MemberRole.DIRECTOR: _l("Director"),
    MemberRole.STAFF: _l("Staff"),
}

#: The roles that file applications for the business and see all of its applications.
FILING_ROLES = frozenset({MemberRole.OWNER, MemberRole.DIRECTOR})


class Business(TimestampMixin, db.Model):
    """A business that may hold permits. The NIB is unique: one profile per business."""

    __tablename__ = "businesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[LegalForm] = mapped_column(str_enum(LegalForm, "legal_form"))
    #: Nomor Induk Berusaha from OSS: exactly 13 digits.
    nib: Mapped[str] = mapped_column(String(13), unique=True)
    #: NPWP, digits only (15 digits, or 16 since the NIK-based numbering).
    npwp: Mapped[str] = mapped_column(String(16))
    #: The deed of establishment or the AHU decision number (free text, as printed).
    deed_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    address: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    members: Mapped[list[BusinessMember]] = relationship(
        back_populates="business", lazy="raise", cascade="all, delete-orphan", order_by="BusinessMember.id"
    )

    @property
    def legal_form_label(self) -> str:
        return LegalForm(self.legal_form).label

    @property
    def npwp_display(self) -> str:
        """The NPWP as printed on the card: 01.234.567.8-901.000 (15 digits); 16 as typed."""
        return format_npwp(self.npwp)

    def __repr__(self) -> str:
        return f"<Business {self.nib}>"


class BusinessMember(TimestampMixin, db.Model):
    """One account's role in one business."""

    __tablename__ = "business_members"
    __table_args__ = (
        UniqueConstraint("business_id", "user_id", name="uq_business_members_business_user"),
        Index("ix_business_members_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("businesses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    business: Mapped[Business] = relationship(back_populates="members", lazy="raise")
    user = relationship("User", foreign_keys=[user_id], lazy="raise")

    @property
    def role_label(self) -> str:
        return MemberRole(self.role).label


def format_npwp(digits: str) -> str:
    """15 digits in the card's dotted form; anything else unchanged."""
    if len(digits) == 15 and digits.isdigit():
        d = digits
        return f"{d[0:2]}.{d[2:5]}.{d[5:8]}.{d[8]}-{d[9:12]}.{d[12:15]}"
    return digits
