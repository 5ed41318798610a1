"""The document vault's table: files a person keeps in "Dokumen saya" (KTP, KK, NPWP, pas
foto...) to reuse in later applications. An application never points here: reusing one stores
a checked copy for the application (see applications/vault_reuse.py)."""

from __future__ import annotations

import enum
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import TimestampMixin, str_enum
from portal.extensions import db
from portal.storage.transfer import FileRef


class VaultKind(enum.StrEnum):
    """What a kept document is. A slot of a form whose key names one of these (``ktp``,
    ``ktp_pemohon``, ``foto_kk``, ``npwp``, ``pas_foto``...) is offered the documents of that
    kind, and those of kind OTHER."""

    KTP = "ktp"
    KK = "kk"
    NPWP = "npwp"
    PAS_FOTO = "pas_foto"
    AKTA = "akta"
    IJAZAH = "ijazah"
    OTHER = "other"


KIND_LABELS = {
    VaultKind.KTP: _l("KTP (identity card)"),
    VaultKind.KK: _l("Family card (KK)"),
    VaultKind.NPWP: _l("NPWP card"),
    VaultKind.PAS_FOTO: _l("Passport photo (pas foto)"),
    VaultKind.AKTA: _l("Deed (akta)"),
    VaultKind.IJAZAH: _l("Diploma (ijazah)"),
    VaultKind.OTHER: _l("Another document"),
}


class VaultDocument(TimestampMixin, db.Model):
    """One file a person keeps for later applications. Only its owner sees it."""

    __tablename__ = "vault_documents"
    __table_args__ = (Index("ix_vault_documents_owner_kind", "owner_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[VaultKind] = mapped_column(str_enum(VaultKind, "vault_kind"))
    #: The person's own name for it (shown for kind OTHER; empty for the named kinds).
    label: Mapped[str] = mapped_column(String(100), default="", server_default="")
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(50))
    thumbnail_key: Mapped[str | None] = mapped_column(String(200))

    owner = relationship("User", lazy="raise")

    @property
    def title(self) -> str:
        """What the person calls it: her own name for it, else its kind's name."""
        return self.label or str(KIND_LABELS[self.kind])


def stored_files() -> Iterator[FileRef]:
    """The vault's stored files, with the sha256 recorded at upload."""
    for item_id, key, sha in db.session.execute(
        select(VaultDocument.id, VaultDocument.storage_key, VaultDocument.sha256).order_by(VaultDocument.id)
    ):
        yield FileRef(key, sha, f"vault document {item_id}")
