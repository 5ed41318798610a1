"""The home page's data: the most requested permits."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.applications.counts import SUBMITTED_EVER, ApplicationCount
from portal.catalogue.models import PermitCategory
from portal.extensions import db


def most_requested(limit: int = 6) -> list[tuple[PermitCategory, int]]:
    """Active categories by the number of applications ever submitted (the running counts of
    portal.applications.counts: one small join, whatever the number of applications), then
    by the catalogue's popularity for those with none yet."""
    n = func.coalesce(ApplicationCount.n, 0)
    rows = db.session.execute(
        select(PermitCategory, n)
        .outerjoin(
            ApplicationCount,
            (ApplicationCount.category_id == PermitCategory.id) & (ApplicationCount.key == SUBMITTED_EVER),
        )
        .where(PermitCategory.active.is_(True))
        .order_by(n.desc(), PermitCategory.popularity.desc(), PermitCategory.id)
        .limit(limit)
    )
    return [(category, int(count)) for category, count in rows]
