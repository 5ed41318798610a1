"""The public register of issued permits ("Daftar Izin Terbit"), as other Indonesian licensing
systems publish: for each category an admin opted in, the permits issued, newest first, with
their number, type, dates and status, and who holds them as little as needed to recognise
them: the business's name where the category's form asks for one, else the holder's initials
("S*** R***"). Never a NIK, a tracking number, an address or a verification link.

Paged by keyset (the permit id), searched by permit number and filtered by category; the
same for every anonymous visitor, so the page is cached like the other public pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.applications.models import Application
from portal.audit.services import audit
from portal.auth.models import User
from portal.calendar import clock
from portal.catalogue.models import FormVersion, PermitCategory
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.permits.models import Permit, PermitState, RegisterSetting

PAGE_SIZE = 25
#: The longest search a visitor can type (a permit number is at most 120 characters).
MAX_QUERY = 60
#: Field types that can hold a business's name.
NAME_FIELD_TYPES = frozenset({"text"})

STATE_LABELS = {
    PermitState.VALID: _l("Valid"),
    PermitState.EXPIRED: _l("Expired"),
    PermitState.REVOKED: _l("Revoked"),
}


class RegisterError(PortalError):
    """An admin's register setting was refused; the message says why."""


def mask_holder(name: str) -> str:
    """A person's name as the register shows it: each word's first letter and three stars
    ("Siti Rahmawati" -> "S*** R***"). The stars never tell a word's length, and no word is
    ever shown whole, so the full name cannot be read back from it."""
    words = (name or "").split()
    return " ".join(f"{word[0]}***" for word in words) if words else "***"


@dataclass(frozen=True)
class RegisterRow:
    number: str
    category: PermitCategory
    holder: str  # the business's name, or the holder's masked name
    is_business: bool
    issued_on: date
    valid_until: date | None
    state: PermitState

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class RegisterPage:
    rows: list[RegisterRow]
    next_before: int | None
    categories: list[PermitCategory]  # the categories that are listed (for the filter)


# -- the settings (admin) -------------------------------------------------------------------------
def settings_by_category() -> dict[int, RegisterSetting]:
    return {s.category_id: s for s in db.session.scalars(select(RegisterSetting))}


def name_field_choices(category: PermitCategory) -> list[tuple[str, str]]:
    """The text fields of the category's current form that can name the business: (key, label)."""
    if category.current_version_id is None:
        return []
    version = db.session.get(FormVersion, category.current_version_id)
    if version is None:
        return []
    return [(f.key, f.label) for f in version.spec.fields if f.type in NAME_FIELD_TYPES]


def save_setting(
    category_id: int, published: bool, business_name_field: str | None, admin: User
) -> RegisterSetting:
    """Opt a category in or out of the public register (admin). ``business_name_field`` must be
    a text field of the category's current form, or empty. Flushes; the request commits.
    Raises NotFoundError for an unknown category, RegisterError for a field it does not have."""
    category = db.session.get(PermitCategory, category_id)
    if category is None:
        raise NotFoundError()
    field = (business_name_field or "").strip() or None
    if field is not None and field not in dict(name_field_choices(category)):
        raise RegisterError(_l("Choose one of the form's text fields, or none."))
    setting = db.session.get(RegisterSetting, category_id)
    if setting is None:
        setting = RegisterSetting(category_id=category_id)
        db.session.add(setting)
    changed = setting.published != published or setting.business_name_field != field
    setting.published = published
    setting.business_name_field = field
    if changed:
        audit(
            admin,
            "register.publish" if published else "register.unpublish",
            "category",
            category.id,
            f"{category.slug}: {'listed' if published else 'not listed'}"
            + (f", business name from {field}" if field else ""),
        )
    db.session.flush()
    return setting


# -- the public page ------------------------------------------------------------------------------
_NUMBER_CHARS = re.compile(r"[^\w./\-]+", re.UNICODE)


def clean_query(raw: str | None) -> str:
    """What a visitor typed, as a permit number fragment: letters, digits, '.', '/', '-'."""
    return _NUMBER_CHARS.sub("", (raw or "").strip())[:MAX_QUERY]


def listed_categories() -> list[tuple[PermitCategory, RegisterSetting]]:
    """The categories opted in, with their settings (one statement)."""
    return [
        (category, setting)
        for category, setting in db.session.execute(
            select(PermitCategory, RegisterSetting)
            .join(RegisterSetting, RegisterSetting.category_id == PermitCategory.id)
            .where(RegisterSetting.published.is_(True))
            .order_by(PermitCategory.name_id)
        )
    ]


def register_page(
    query: str = "", category_slug: str | None = None, before: int | None = None, size: int | None = None
) -> RegisterPage:
    """One page of the register, newest permit first: only categories opted in (an unknown or
    unlisted ``category_slug`` lists nothing), ``query`` a fragment of the permit number,
    ``before`` the id of the previous page's last permit. Two statements whatever the size:
    the listed categories, and the permits with their applications' answers."""
    size = size or PAGE_SIZE
    listed = listed_categories()
    categories = [category for category, _setting in listed]
    by_id = {c.id: c for c in categories}
    settings = {setting.category_id: setting for _category, setting in listed}
    wanted = list(by_id)
    if category_slug:
        wanted = [c.id for c in categories if c.slug == category_slug]
    if not wanted:
        return RegisterPage([], None, categories)
    stmt = (
        select(Permit, Application.answers)
        .join(Application, Application.id == Permit.application_id)
        .where(Permit.category_id.in_(wanted))
        .order_by(Permit.id.desc())
    )
    term = clean_query(query)
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Permit.number.ilike(f"%{escaped}%", escape="\\"))
    if before:
        stmt = stmt.where(Permit.id < before)
    result = db.session.execute(stmt.limit(size + 1)).all()
    more = len(result) > size
    result = result[:size]
    today = clock.office_today()
    rows = []
    for permit, answers in result:
        setting = settings.get(permit.category_id)
        # A permit issued to a business names it (with its NIB); else the form's business-name
        # answer the admin chose, else the person's masked name.
        if permit.holder_nib:
            business: str | None = f"{permit.holder_name} (NIB {permit.holder_nib})"
        else:
            business = _business_name(answers, setting.business_name_field if setting else None)
        rows.append(
            RegisterRow(
                number=permit.number,
                category=by_id[permit.category_id],
                holder=business or mask_holder(permit.holder_name),
                is_business=bool(business),
                issued_on=clock.office_today(permit.issued_at),
                valid_until=permit.valid_until,
                state=permit.state(today),
            )
        )
    next_before = result[-1][0].id if more and result else None
    return RegisterPage(rows, next_before, categories)


def _business_name(answers: object, key: str | None) -> str | None:
    if not key or not isinstance(answers, dict):
        return None
    value = answers.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.split())[:200]


#: The demo's register: permit types a business holds, and the answer naming the business.
DEMO_REGISTER = {
    "surat-keterangan-domisili-usaha": "nama_usaha",
    "tdup": "nama_usaha",
    "izin-reklame": "nama_perusahaan",
    "izin-operasional-klinik": "nama_klinik",
}


def seed_register() -> Iterator[str]:
    """Opt the demo's business permits in to the register (demo data only; a category that
    already has a setting is left as the admin set it)."""
    existing = set(db.session.scalars(select(RegisterSetting.category_id)))
    for category in db.session.scalars(select(PermitCategory).where(PermitCategory.slug.in_(DEMO_REGISTER))):
        if category.id in existing:
            continue
        field = DEMO_REGISTER[category.slug]
        db.session.add(
            RegisterSetting(
                category_id=category.id,
                published=True,
                business_name_field=field if field in dict(name_field_choices(category)) else None,
            )
        )
        yield f"public register: {category.slug}"
    db.session.flush()
