"""What an admin sets for the permit letters: the coat of arms or office logo on the letterhead,
and per category the layout (letter or certificate) and the fields printed on it.

The logo goes through the upload checks of ``portal.storage`` (the bytes decide the type; only
PNG and JPEG; re-encoded without metadata), with a smaller pixel limit than documents: a logo
over LOGO_MAX_PIXELS is refused, not shrunk (a 40-megapixel photo is not a coat of arms). An
SVG, with or without a script, is refused as a type the letter cannot take. The same rules
(``portal.storage.pictures``) take the public website's pictures; the website shows this same
coat of arms in its header.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from portal import cache
from portal.audit.services import audit
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.errors import PortalError
from portal.extensions import db
from portal.permits.letter import LAYOUTS, print_logo
from portal.permits.letter_data import MAX_CERTIFICATE_FIELDS, certificate_field_keys, letterhead_logo
from portal.permits.models import Letterhead
from portal.storage import get_storage
from portal.storage.pictures import check_picture
from portal.transaction import atomic_service, delete_file_after_commit, delete_file_on_rollback

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4_000_000  # 2000 x 2000
#: Field types that make no sense on a letter.
UNPRINTABLE_TYPES = frozenset({"file", "geo", "repeater"})


class LetterSettingError(PortalError):
    """An admin's letter setting was refused; the message says why."""


def current_logo() -> Letterhead | None:
    return db.session.scalar(db.select(Letterhead).order_by(Letterhead.id.desc()).limit(1))


def logo_as_printed() -> bytes | None:
    """The uploaded coat of arms exactly as the letters print it (a JPEG, see
    ``letter.print_logo``), for the admin's preview; None when there is none."""
    data = letterhead_logo()
    return print_logo(data) if data else None


@atomic_service
def save_logo(upload: FileStorage, actor: User) -> Letterhead:
    """Check and store a new logo; the old one is deleted once this commits. Raises
    UploadRejected (nothing stored) for anything but a PNG or JPEG within the limits."""
    checked = check_picture(
        upload, max_bytes=LOGO_MAX_BYTES, max_pixels=LOGO_MAX_PIXELS, key_prefix="letterhead/"
    )
    storage = get_storage()
    delete_file_on_rollback(storage, checked.stored.key)
    previous = current_logo()
    row = Letterhead(
        logo_key=checked.stored.key,
        width=checked.width or 0,
        height=checked.height or 0,
        updated_by_id=actor.id,
    )
    if previous is not None:
        delete_file_after_commit(storage, previous.logo_key)
        db.session.delete(previous)
    db.session.add(row)
    audit(actor, "letterhead.logo", "letterhead", "logo", "Letterhead logo replaced")
    db.session.flush()
    cache.mark_changed(db.session)  # the public website's header shows it too
    return row


@atomic_service
def remove_logo(actor: User) -> None:
    previous = current_logo()
    if previous is None:
        return
    delete_file_after_commit(get_storage(), previous.logo_key)
    db.session.delete(previous)
    audit(actor, "letterhead.logo_removed", "letterhead", "logo", "Letterhead logo removed")
    db.session.flush()
    cache.mark_changed(db.session)


def field_choices(category: PermitCategory) -> list[tuple[str, str]]:
    """(key, label) of the fields of the category's current form that can be printed."""
    version = category.current_version
    if version is None:
        return []
    return [
        (f.key, f.label_id or f.label_en or f.key)
        for f in version.spec.fields
        if f.type not in UNPRINTABLE_TYPES
    ]


def chosen_fields(category: PermitCategory) -> list[str]:
    version = category.current_version
    return certificate_field_keys(category, version.spec) if version is not None else []


@atomic_service
def save_category_letter(category: PermitCategory, layout: str, fields: list[str], actor: User) -> None:
    """The layout and the printed fields of ``category``'s permit (in form order)."""
    if layout not in LAYOUTS:
        raise LetterSettingError(_l("Choose the letter or the certificate layout."))
    known = [key for key, _label in field_choices(category)]
    unknown = [f for f in fields if f not in known]
    if unknown:
        raise LetterSettingError(
            _l("The form of this permit type has changed: reload the page and choose again.")
        )
    if len(fields) > MAX_CERTIFICATE_FIELDS:
        raise LetterSettingError(
            _l("Choose at most %(limit)s fields: the permit is one page.", limit=MAX_CERTIFICATE_FIELDS)
        )
    category.certificate_layout = layout
    category.certificate_fields = [key for key in known if key in fields]
    audit(
        actor,
        "category.letter",
        "category",
        category.id,
        "Permit letter layout and fields changed",
        layout=layout,
        fields=category.certificate_fields,
    )
    db.session.flush()
