"""The service mall's agencies in the citizen's search (portal.catalogue.search): an agency is
found by its name and by its services' names, everyday words and requirements ("perpanjang
STNK" finds Samsat), while it is shown in the directory."""

from __future__ import annotations

from sqlalchemy import select

from portal.catalogue.search import (
    W_BODY,
    W_KEYWORD,
    W_NAME,
    W_SUMMARY,
    Source,
    register_source,
    weighted_terms,
)
from portal.directory.models import Agency, AgencyService

MALL_AGENCY = "mall_agency"


def agency_terms(conn, agency_id: int) -> dict[str, float] | None:
    agency = conn.execute(select(Agency.__table__).where(Agency.id == agency_id)).first()
    if agency is None or not agency.active:
        return None
    services = conn.execute(select(AgencyService.__table__).where(AgencyService.agency_id == agency_id)).all()
    return weighted_terms(
        [
            (agency.name_id, W_NAME, True),
            (agency.name_en, W_NAME, True),
            (agency.summary_id, W_SUMMARY, False),
            (agency.summary_en, W_SUMMARY, False),
            *((s.name_id, W_NAME, True) for s in services),
            *((s.name_en, W_NAME, True) for s in services),
            *((s.keywords, W_KEYWORD, True) for s in services),
            *((s.requirements_id, W_BODY, False) for s in services),
            *((s.requirements_en, W_BODY, False) for s in services),
        ]
    )


register_source(
    Source(
        MALL_AGENCY,
        Agency,
        agency_terms,
        {Agency: lambda o: o.id, AgencyService: lambda o: o.agency_id},
        lambda: Agency.active.is_(True),
    )
)
