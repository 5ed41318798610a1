"""Staff edit the directory: agencies with their hours, and each agency's services. Every
change is audited; services flush, the request commits (portal.transaction)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.audit.services import audit
from portal.auth.models import User
from portal.directory.models import Agency, AgencyService, OpeningHours
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.transaction import atomic_service
from portal.weblinks import check_https_link

WEEKDAYS = range(7)


class DirectoryError(PortalError):
    """A directory change was refused; the message says why."""


@dataclass
class AgencyData:
    name_id: str
    name_en: str = ""
    summary_id: str = ""
    summary_en: str = ""
    counters: str = ""
    phone: str = ""
    website: str = ""
    position: int = 0
    active: bool = True


@dataclass
class ServiceData:
    name_id: str
    name_en: str = ""
    requirements_id: str = ""
    requirements_en: str = ""
    counter: str = ""
    link: str = ""
    keywords: str = ""
    position: int = 0


#: weekday -> (opens, closes), or None when closed that day
Hours = dict[int, tuple[time, time] | None]


def public_agencies() -> list[Agency]:
    return list(
        db.session.scalars(
            select(Agency).where(Agency.active.is_(True)).order_by(Agency.position, Agency.name_id)
        )
    )


def all_agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.position, Agency.name_id)))


SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")


def get_public_agency(slug: str) -> Agency:
    """The published agency of ``slug``; 404 for any other value (a NUL, which PostgreSQL
    refuses in text, never reaches the query)."""
    if not SLUG_RE.fullmatch(slug):
        raise NotFoundError()
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug, Agency.active.is_(True)))
    if agency is None:
        raise NotFoundError()
    return agency


def get_agency(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFoundError()
    return agency


def get_service(agency: Agency, service_id: int) -> AgencyService:
    service = db.session.get(AgencyService, service_id)
    if service is None or service.agency_id != agency.id:
        raise NotFoundError()
    return service


def slugify(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:70] or "instansi"


def _unique_slug(name: str, agency_id: int | None) -> str:
    base = slugify(name)
    slug, n = base, 1
    while True:
        taken = db.session.scalar(select(Agency.id).where(Agency.slug == slug))
        if taken is None or taken == agency_id:
            return slug
        n += 1
        slug = f"{base}-{n}"


def check_hours(hours: Hours) -> None:
    for day, pair in hours.items():
        if day not in WEEKDAYS:
            raise DirectoryError(_l("Choose a day from Monday to Sunday."))
        if pair is not None and pair[1] <= pair[0]:
            raise DirectoryError(_l("The closing time must be after the opening time on each open day."))


def _set_hours(agency: Agency, hours: Hours) -> None:
    check_hours(hours)
    by_day = {h.weekday: h for h in agency.hours}
    for day in WEEKDAYS:
        pair = hours.get(day)
        row = by_day.get(day)
        if pair is None:
            if row is not None:
                agency.hours.remove(row)
        elif row is None:
            agency.hours.append(OpeningHours(weekday=day, opens=pair[0], closes=pair[1]))
        else:
            row.opens, row.closes = pair


@atomic_service
def save_agency(agency: Agency | None, data: AgencyData, hours: Hours, actor: User) -> Agency:
    """Create (``agency`` None) or change an agency and its weekly hours."""
    if not data.name_id.strip():
        raise DirectoryError(_l("Write the agency's name in Indonesian."))
    website = check_https_link(data.website, required=False)
    created = agency is None
    if agency is None:
        agency = Agency(slug=_unique_slug(data.name_id, None))
        db.session.add(agency)
    for field in (
        "name_id",
        "name_en",
        "summary_id",
        "summary_en",
        "counters",
        "phone",
        "position",
        "active",
    ):
        setattr(agency, field, getattr(data, field))
    agency.website = website
    _set_hours(agency, hours)
    db.session.flush()
    audit(
        actor,
        "directory.agency_created" if created else "directory.agency_changed",
        "agency",
        agency.id,
        agency.name_id,
    )
    return agency


@atomic_service
def delete_agency(agency: Agency, actor: User) -> None:
    audit(actor, "directory.agency_deleted", "agency", agency.id, agency.name_id)
    db.session.delete(agency)
    db.session.flush()


@atomic_service
def save_service(
    agency: Agency, service: AgencyService | None, data: ServiceData, actor: User
) -> AgencyService:
    if not data.name_id.strip():
        raise DirectoryError(_l("Write the service's name in Indonesian."))
    link = check_https_link(data.link, required=False)
    created = service is None
    if service is None:
        last = db.session.scalar(
            select(func.max(AgencyService.position)).where(AgencyService.agency_id == agency.id)
        )
        service = AgencyService(agency=agency, position=(last or 0) + 1)
        db.session.add(service)
    for field in ("name_id", "name_en", "requirements_id", "requirements_en", "counter", "keywords"):
        setattr(service, field, getattr(data, field))
    service.link = link
    db.session.flush()
    audit(
        actor,
        "directory.service_created" if created else "directory.service_changed",
        "agency_service",
        service.id,
        f"{agency.name_id}: {service.name_id}",
    )
    return service


@atomic_service
def delete_service(service: AgencyService, actor: User) -> None:
    audit(actor, "directory.service_deleted", "agency_service", service.id, service.name_id)
    db.session.delete(service)
    db.session.flush()
