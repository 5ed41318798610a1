"""The documents step and "Dokumen saya" (portal.vault): a kept document reused in an
application, and an application's uploaded document kept for later.

Reusing never links the application to the vault: the kept file is read and goes through the
slot's own upload checks (``services.add_document``, the same as a file chosen on the phone),
and the application stores its own copy under a key of its own. Replacing or deleting the
kept document later leaves the application's copy alone. Both sides are loaded for the one
person: her application and her vault item; anyone else's id is a 404."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.applications.models import Application, Document, DocumentState
from portal.applications.services import ApplicationError, add_document, document_spec, documents_of, spec_of
from portal.auth.models import User
from portal.errors import NotFoundError
from portal.storage import get_storage
from portal.vault import services as vault
from portal.vault.models import VaultDocument, VaultKind


def vault_offers(application: Application, user: User) -> dict[str, list[VaultDocument]]:
    """Per document slot of the application's form, the user's kept documents that fit it
    (kind and file type), to offer as "Use from My documents"."""
    if application.applicant_id != user.id:
        return {}
    items = vault.list_own_items(user)
    if not items:
        return {}
    return {
        doc.key: vault.items_for_slot(items, doc.key, doc.allowed_types)
        for doc in spec_of(application).documents
    }


def use_vault_item(application: Application, requirement_key: str, item_id: int, *, actor: User) -> Document:
    """Store a checked copy of the actor's kept document ``item_id`` for the slot. NotFoundError
    when the item is not hers, not there, or not one the slot is offered (another kind, a file
    type the slot does not take); UploadRejected or ApplicationError as for any upload."""
    if application.applicant_id != actor.id:
        raise NotFoundError()
    item = vault.get_own_item_or_404(item_id, actor)
    spec = document_spec(application, requirement_key)
    if not vault.fits_slot(item, requirement_key, spec.allowed_types):
        raise NotFoundError()
    try:
        stream = vault.open_item(item)
    except FileNotFoundError:
        raise NotFoundError() from None
    with stream:
        return add_document(application, requirement_key, vault.as_upload(item, stream), actor=actor)


ALREADY_FLAGGED = _l("The office asked for a new file for this document, so it is not kept in My documents.")


def keep_in_vault(application: Application, document_id: int, *, actor: User) -> VaultDocument:
    """Keep a copy of one of the application's uploaded documents in the actor's vault, as the
    kind its slot asks for (or "another document" named after the slot). A file already kept
    (the same bytes) is not kept twice."""
    if application.applicant_id != actor.id:
        raise NotFoundError()
    document = next((d for d in documents_of(application) if d.id == document_id), None)
    if document is None:
        raise NotFoundError()
    if document.state is DocumentState.FLAGGED:
        raise ApplicationError(ALREADY_FLAGGED)
    for item in vault.list_own_items(actor):
        if item.sha256 == document.sha256:
            return item
    kind = vault.kind_for_slot(document.requirement_key) or VaultKind.OTHER
    label = document_spec(application, document.requirement_key).label if kind is VaultKind.OTHER else ""
    with get_storage().open(document.storage_key) as stream:
        return vault.keep_copy(
            actor,
            kind,
            stream,
            original_name=document.original_name,
            content_type=document.content_type,
            label=label,
        )
