"""Office settings (name, address, contacts, hours over the configured values) and the
office's holidays (which move due dates)."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from portal import cache
from portal.admin.models import Setting
from portal.admin.services.common import AdminError
from portal.audit.services import audit
from portal.auth.models import User
from portal.calendar.models import Holiday
from portal.errors import NotFoundError
from portal.extensions import db

#: setting key -> the config value it overrides (the template's ``office`` dict uses the keys).
OFFICE_SETTINGS = {
    "name": "OFFICE_NAME",
    "short_name": "OFFICE_SHORT_NAME",
    "city": "OFFICE_CITY",
    "address": "OFFICE_ADDRESS",
    "phone": "OFFICE_PHONE",
    "whatsapp": "OFFICE_WHATSAPP",
    "email": "OFFICE_EMAIL",
    "hours": "OFFICE_HOURS",
}


def office_settings() -> dict[str, str]:
    """The office's name, address, contact and hours: values an admin saved, over config.
    Kept per process for a minute (portal.cache.local: every page shows them, so no query per
    page), dropped when they are saved; once per request on ``g``."""
    cached: dict[str, str] | None = g.get("_office_settings") if has_app_context() else None
    if cached is not None:
        return cached
    values = dict(cache.local("office_settings", SETTINGS_CACHE_SECONDS, _read_office_settings))
    g._office_settings = values
    return values


SETTINGS_CACHE_SECONDS = 60


def _read_office_settings() -> dict[str, str]:
    values = {key: current_app.config.get(name, "") for key, name in OFFICE_SETTINGS.items()}
    try:
        rows = db.session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(list(OFFICE_SETTINGS)))
        ).all()
    except Exception:  # noqa: BLE001 - before the table exists (first migration), config applies
        db.session.rollback()
        rows = []
    for key, value in rows:
        if value:
            values[key] = value
    return values


def save_office_settings(values: dict[str, str], actor: User) -> list[str]:
    """Save the settings; an empty value goes back to the configured default. Returns the keys
    that changed."""
    existing = {s.key: s for s in db.session.scalars(select(Setting))}
    changed = []
    for key in OFFICE_SETTINGS:
        value = (values.get(key) or "").strip()
        row = existing.get(key)
        if (row.value if row else "") == value:
            continue
        if row is None:
            row = Setting(key=key)
            db.session.add(row)
        row.value = value
        row.updated_by_id = actor.id
        changed.append(key)
    if changed:
        audit(actor, "settings.update", "settings", "office", "Office settings changed", keys=changed)
    db.session.flush()
    g.pop("_office_settings", None)
    if changed:
        cache.mark_changed(db.session)  # every page shows them: dropped once this commits
    return changed


HOLIDAY_KINDS = ("national", "joint_leave", "local")


def list_holidays(year: int) -> list[Holiday]:
    return list(
        db.session.scalars(
            select(Holiday)
            .where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
            .order_by(Holiday.day)
        )
    )


def holiday_years() -> list[int]:
    days = db.session.scalars(select(Holiday.day)).all()
    return sorted({d.year for d in days})


def add_holiday(day: date, name: str, kind: str, actor: User) -> Holiday:
    if kind not in HOLIDAY_KINDS:
        raise AdminError(_("Choose the kind of holiday."))
    if db.session.scalar(select(Holiday).where(Holiday.day == day)) is not None:
        raise AdminError(_("%(day)s is already a holiday.", day=day.isoformat()))
    holiday = Holiday(day=day, name=name.strip()[:120], kind=kind)
    db.session.add(holiday)
    db.session.flush()
    audit(actor, "holiday.add", "holiday", holiday.id, f"{day.isoformat()} {holiday.name}")
    db.session.flush()
    g.pop("_holidays", None)
    return holiday


def remove_holiday(holiday_id: int, actor: User) -> None:
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFoundError()
    audit(actor, "holiday.remove", "holiday", holiday.id, f"{holiday.day.isoformat()} {holiday.name}")
    db.session.delete(holiday)
    db.session.flush()
    g.pop("_holidays", None)
