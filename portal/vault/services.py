"""The document vault ("Dokumen saya"): a person keeps her KTP, KK, NPWP, pas foto and the like
once, and reuses them in later applications. Every function takes the owner and loads items
only through ``get_own_item_or_404`` (another person's item looks exactly like a missing one);
no staff role reads another person's vault. Services flush; the request commits. A stored file
whose row rolls back is deleted again; a replaced or deleted item's file goes once the change
commits."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.db import release_write_lock
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.storage import FileKind, UploadRejected, check_upload, get_storage
from portal.storage.thumbnails import make_thumbnail
from portal.transaction import delete_file_after_commit, delete_file_on_rollback
from portal.vault.models import VaultDocument, VaultKind

if TYPE_CHECKING:
    from portal.auth.models import User

#: How many documents one person may keep.
MAX_ITEMS = 30
#: What the vault takes: the types every document slot knows; a PDF up to 5 MB (a photo over it
#: is made smaller by the upload check, as in an application).
ALLOWED = frozenset({FileKind.PDF, FileKind.JPEG, FileKind.PNG})
MAX_BYTES = 5 * 1024 * 1024
KEY_PREFIX = "vault/"


class VaultError(PortalError):
    """Refused by a rule of the vault; ``str(error)`` says what to do."""


def parse_kind(value: str | None) -> VaultKind:
    try:
        return VaultKind(value or "")
    except ValueError:
        raise VaultError(_l("Choose what kind of document this is.")) from None


# -- reading ---------------------------------------------------------------------------------------
def list_own_items(owner: User) -> list[VaultDocument]:
    """The owner's kept documents, in the order of the kinds, newest first within a kind."""
    order = {kind: index for index, kind in enumerate(VaultKind)}
    items = db.session.scalars(
        select(VaultDocument)
        .where(VaultDocument.owner_id == owner.id)
        .order_by(VaultDocument.updated_at.desc(), VaultDocument.id.desc())
    ).all()
    return sorted(items, key=lambda item: order[item.kind])


def get_own_item_or_404(item_id: int, owner: User) -> VaultDocument:
    """The owner's item, or NotFoundError (someone else's, a deleted one, a made-up id)."""
    item = db.session.scalar(
        select(VaultDocument).where(VaultDocument.id == item_id, VaultDocument.owner_id == owner.id)
    )
    if item is None:
        raise NotFoundError()
    return item


_KIND_WORDS = {kind: f"_{kind.value}_" for kind in VaultKind if kind is not VaultKind.OTHER}


def kind_for_slot(requirement_key: str) -> VaultKind | None:
    """The kind of document a form's slot asks for, read from its key (``ktp``,
    ``ktp_pemohon``, ``foto_kk``, ``pas_foto``...), or None when the key names none."""
    padded = f"_{requirement_key}_"
    for kind, word in _KIND_WORDS.items():
        if word in padded:
            return kind
    return None


_TYPE_OF_CONTENT = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/png": "png"}


def fits_slot(item: VaultDocument, requirement_key: str, allowed_types: list[str]) -> bool:
    """Whether the item may go into the slot: a kind the slot asks for (or OTHER, which the
    person names herself), in a file type the slot takes."""
    kind = kind_for_slot(requirement_key)
    if item.kind is not VaultKind.OTHER and item.kind is not kind:
        return False
    return _TYPE_OF_CONTENT.get(item.content_type) in allowed_types


def items_for_slot(
    items: list[VaultDocument], requirement_key: str, allowed_types: list[str]
) -> list[VaultDocument]:
    """The items offered on a slot's card: those of the slot's kind first, then OTHER ones."""
    fitting = [item for item in items if fits_slot(item, requirement_key, allowed_types)]
    return sorted(fitting, key=lambda item: item.kind is VaultKind.OTHER)


def open_item(item: VaultDocument) -> BinaryIO:
    """The item's stored bytes (the caller closes the stream)."""
    return get_storage().open(item.storage_key)


def as_upload(item: VaultDocument, stream: BinaryIO) -> FileStorage:
    """The item as a form upload, so that reusing it goes through the same checks as a file
    chosen on the phone."""
    return FileStorage(stream=stream, filename=item.original_name, content_type=item.content_type)


# -- writing ---------------------------------------------------------------------------------------
_LABEL_SPACES = re.compile(r"\s+")


def _clean_label(label: str | None) -> str:
    return _LABEL_SPACES.sub(" ", "".join(ch for ch in (label or "") if ch.isprintable())).strip()[:100]


def add_item(owner: User, kind: VaultKind, upload: FileStorage | None, label: str = "") -> VaultDocument:
    """Keep a new document: checked by content like any upload (a photo over 5 MB is made
    smaller). Raises UploadRejected or VaultError; nothing is kept then."""
    _check_room(owner)
    item = VaultDocument(
        owner_id=owner.id, kind=kind, label=_clean_label(label) if kind is VaultKind.OTHER else ""
    )
    _store_upload(item, upload)
    db.session.add(item)
    db.session.flush()
    return item


def replace_item(item: VaultDocument, upload: FileStorage | None) -> VaultDocument:
    """A new file for a kept document; the old file goes once the change commits. Applications
    that reused the old file keep their own copies."""
    old_keys = [item.storage_key, item.thumbnail_key]
    _store_upload(item, upload)
    storage = get_storage()
    for key in old_keys:
        if key:
            delete_file_after_commit(storage, key)
    db.session.flush()
    return item


def delete_item(item: VaultDocument) -> None:
    """Remove a kept document and, once that commits, its file. Applications that reused it
    keep their own copies."""
    storage = get_storage()
    for key in (item.storage_key, item.thumbnail_key):
        if key:
            delete_file_after_commit(storage, key)
    db.session.delete(item)
    db.session.flush()


def keep_copy(
    owner: User,
    kind: VaultKind,
    stream: BinaryIO,
    *,
    original_name: str,
    content_type: str,
    label: str = "",
) -> VaultDocument:
    """Keep a copy of a file the portal has already checked (an application's uploaded
    document), byte for byte, under a key of its own."""
    _check_room(owner)
    storage = get_storage()
    stored = storage.save(stream, key_prefix=KEY_PREFIX)
    delete_file_on_rollback(storage, stored.key)
    thumbnail = make_thumbnail(storage, stored.key, content_type, key_prefix=KEY_PREFIX + "thumbnails/")
    if thumbnail is not None:
        delete_file_on_rollback(storage, thumbnail.key)
    item = VaultDocument(
        owner_id=owner.id,
        kind=kind,
        label=_clean_label(label) if kind is VaultKind.OTHER else "",
        storage_key=stored.key,
        original_name=original_name,
        size=stored.size,
        sha256=stored.sha256,
        content_type=content_type,
        thumbnail_key=thumbnail.key if thumbnail else None,
    )
    db.session.add(item)
    db.session.flush()
    return item


def _check_room(owner: User) -> None:
    count = db.session.scalar(
        select(func.count()).select_from(VaultDocument).where(VaultDocument.owner_id == owner.id)
    )
    if (count or 0) >= MAX_ITEMS:
        raise VaultError(
            _l("You keep %(n)d documents already. Delete one you no longer need first.", n=MAX_ITEMS)
        )


def _store_upload(item: VaultDocument, upload: FileStorage | None) -> None:
    if upload is None or not upload.filename:
        raise UploadRejected("no_file")
    # The content check is slow (a PDF parsed, a photo re-encoded): on SQLite the request's
    # write lock is let go while it runs (nothing is written yet).
    release_write_lock(db.session)
    storage = get_storage()
    checked = check_upload(upload, set(ALLOWED), MAX_BYTES, key_prefix=KEY_PREFIX)
    delete_file_on_rollback(storage, checked.stored.key)
    thumbnail = make_thumbnail(
        storage, checked.stored.key, checked.content_type, key_prefix=KEY_PREFIX + "thumbnails/"
    )
    if thumbnail is not None:
        delete_file_on_rollback(storage, thumbnail.key)
    item.storage_key = checked.stored.key
    item.original_name = checked.original_name
    item.size = checked.stored.size
    item.sha256 = checked.stored.sha256
    item.content_type = checked.content_type
    item.thumbnail_key = thumbnail.key if thumbnail else None
