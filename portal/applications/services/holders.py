"""Applications held by a business, as its owners and directors see them in their home: those
another member filed for a business she may file for (her own are among "My applications").
The membership is read in the query, so a member removed or made staff no longer sees them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import User
from portal.business.services import holder_clause
from portal.extensions import db


def business_applications(user: User, limit: int = 50) -> list[Application]:
    """Her businesses' applications that others filed (drafts stay the filer's), newest first."""
    return list(
        db.session.scalars(
            select(Application)
            .where(
                holder_clause(Application.holder_business_id, user.id),
                Application.applicant_id != user.id,
                Application.mandate_id.is_(None),
                Application.status != S.DRAFT,
            )
            .options(selectinload(Application.category), selectinload(Application.holder_business))
            .order_by(Application.updated_at.desc(), Application.id.desc())
            .limit(limit)
        )
    )
