"""Mandates (kuasa): a representative files applications for a principal.

The representative names the principal by the email address of the principal's account (the
principal must have registered; no account is made for her). An application filed under a
mandate needs the signed letter of power of attorney (surat kuasa) as a required document, which
the officer accepts or flags like any other. The principal sees the application, gets its
notices, and may revoke the mandate: from the next request on, the representative no longer
reaches any application filed under it (``access_clause`` is part of every loader's query).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import selectinload

from portal.applications.models import Application, Document, DocumentState, Mandate
from portal.applications.services.errors import ApplicationError
from portal.auth.models import User
from portal.auth.services import citizen_account
from portal.business.models import FILING_ROLES, Business, BusinessMember
from portal.business.services import holder_clause
from portal.catalogue.formspec import DocumentSpec
from portal.db import utcnow
from portal.errors import NotFoundError
from portal.extensions import db
from portal.notifications.services import add_notice
from portal.urls import absolute_url

#: The requirement key of the letter of power of attorney on an application filed under a mandate.
POA_KEY = "power_of_attorney"

POA_SPEC = DocumentSpec(
    key=POA_KEY,
    label_id="Surat kuasa",
    label_en="Power of attorney",
    description_id=(
        "Surat kuasa bermeterai yang ditandatangani pemberi kuasa, menyebut permohonan ini dan "
        "nama Anda sebagai penerima kuasa."
    ),
    description_en=(
        "The letter of power of attorney signed by the principal over a duty stamp, naming this "
        "application and you as the representative."
    ),
    allowed_types=["pdf", "jpeg", "png"],
    max_mb=5,
    required=True,
)

POA_NOT_ACCEPTED = _l(
    "The power of attorney (surat kuasa) is not accepted yet: open it under Documents and accept "
    "it, or flag it and request corrections, before deciding."
)
POA_FLAGGED = _l(
    "The office flagged the power of attorney (surat kuasa). Upload a new letter signed by the "
    "principal before submitting."
)


class MandateError(ApplicationError):
    """A mandate refused: named in the representative's or the principal's language."""


def access_clause(user: User, *, as_principal: bool) -> ColumnElement[bool]:
    """Which applications ``user`` may open: her own filed for herself, those she filed under a
    mandate that is not revoked, and (``as_principal``) those filed for her. Used in the
    loaders' WHERE so a revocation takes effect on the very next request."""
    active_held = select(Mandate.id).where(Mandate.representative_id == user.id, Mandate.revoked_at.is_(None))
    # One held by a business is hers while she is still its owner or director (a member removed
    # or made staff loses it at her next request, her own draft too).
    business_ok = or_(
        Application.holder_business_id.is_(None),
        Application.mandate_id.is_not(None),
        holder_clause(Application.holder_business_id, user.id),
    )
    own = and_(
        Application.applicant_id == user.id,
        or_(Application.mandate_id.is_(None), Application.mandate_id.in_(active_held)),
        business_ok,
    )
    if not as_principal:
        return own
    given = select(Mandate.id).where(
        or_(Mandate.principal_user_id == user.id, Mandate.principal_business_id.in_(filing_businesses(user)))
    )
    # The pages that only show it: the business's other owners and directors see it too.
    return or_(
        own,
        Application.mandate_id.in_(given),
        and_(Application.mandate_id.is_(None), holder_clause(Application.holder_business_id, user.id)),
    )


def filing_businesses(user: User) -> Select[tuple[int]]:
    """The ids of the businesses ``user`` may act for (owner or director): she gives and revokes
    their mandates and sees what representatives filed for them."""
    return select(BusinessMember.business_id).where(
        BusinessMember.user_id == user.id, BusinessMember.role.in_(list(FILING_ROLES))
    )


def power_of_attorney_blocker(application: Application, documents: list[Document]) -> str | None:
    """Why an application filed under a mandate cannot be decided: its power of attorney is
    missing or not accepted (None when it is accepted, or the application needs none)."""
    if application.mandate_id is None:
        return None
    letters = [d for d in documents if d.requirement_key == POA_KEY]
    if not letters or any(d.state is not DocumentState.ACCEPTED for d in letters):
        return str(POA_NOT_ACCEPTED)
    return None


def refuse_flagged_power_of_attorney(application: Application, documents: list[Document]) -> None:
    """A power of attorney the office flagged must be replaced before (re)submitting."""
    if application.mandate_id is None:
        return
    if any(d.requirement_key == POA_KEY and d.state is DocumentState.FLAGGED for d in documents):
        raise MandateError(POA_FLAGGED)


# -- giving, listing, revoking -----------------------------------------------------------------
def _active_or_new_mandate(
    representative: User, *, principal_user_id: int | None = None, principal_business_id: int | None = None
) -> tuple[Mandate, bool]:
    """The representative's active mandate from this principal (a person's account or a
    business: give exactly one), or a new one, flushed; the flag says it is new (giving the
    same power of attorney twice keeps the first and tells nobody again)."""
    existing = db.session.scalar(
        select(Mandate).where(
            Mandate.representative_id == representative.id,
            Mandate.principal_user_id == principal_user_id,
            Mandate.principal_business_id == principal_business_id,
            Mandate.revoked_at.is_(None),
        )
    )
    if existing is not None:
        return existing, False
    mandate = Mandate(
        representative_id=representative.id,
        principal_user_id=principal_user_id,
        principal_business_id=principal_business_id,
    )
    db.session.add(mandate)
    db.session.flush()
    return mandate, True


def add_mandate(representative: User, principal_email: str) -> Mandate:
    """The representative records that ``principal_email``'s account gave her a power of
    attorney. The principal is told (a notice) and may revoke it at any time."""
    if (principal_email or "").strip().lower() == representative.email.lower():
        raise MandateError(
            _l("You cannot represent yourself: apply in your own name instead (choose \u201cmyself\u201d).")
        )
    principal = citizen_account(
        principal_email,
        MandateError,
        empty=_l("Enter the email address of the person you represent."),
        unknown=_l(
            "No account uses this email address. Ask the person you represent to register "
            "on the portal with it first, then add them again."
        ),
        staff=_l("Office staff accounts cannot give a power of attorney here."),
    )
    mandate, is_new = _active_or_new_mandate(representative, principal_user_id=principal.id)
    if not is_new:
        return mandate
    add_notice(
        principal.id,
        str(
            _l(
                "%(name)s will file applications for you with your power of attorney. You can "
                "revoke it under Powers of attorney.",
                name=representative.full_name,
            )
        ),
        absolute_url("applications.mandates_page"),
    )
    return mandate


def give_business_mandate(giver: User, business_id: int, representative_email: str) -> Mandate:
    """An owner or director of a business gives a representative (a consultant, by the email of
    her account) a power of attorney for the business. The representative is told."""
    business = db.session.scalar(
        select(Business).where(Business.id == business_id, Business.id.in_(filing_businesses(giver)))
    )
    if business is None:
        raise NotFoundError()
    representative = citizen_account(
        representative_email,
        MandateError,
        empty=_l("Enter the email address of your representative."),
        unknown=_l(
            "No account uses this email address. Ask your representative to register on the "
            "portal with it first, then give the power of attorney again."
        ),
        staff=_l("Office staff accounts cannot act as representatives here."),
    )
    member = db.session.scalar(
        select(BusinessMember.id).where(
            BusinessMember.business_id == business.id,
            BusinessMember.user_id == representative.id,
            BusinessMember.role.in_(list(FILING_ROLES)),
        )
    )
    if member is not None:
        raise MandateError(
            _l(
                "%(name)s already files for %(business)s as its owner or director: no power of "
                "attorney is needed.",
                name=representative.full_name,
                business=business.name,
            )
        )
    mandate, is_new = _active_or_new_mandate(representative, principal_business_id=business.id)
    if not is_new:
        return mandate
    add_notice(
        representative.id,
        str(
            _l(
                "%(business)s gave you a power of attorney: you can file applications for it.",
                business=business.name,
            )
        ),
        absolute_url("applications.mandates_page"),
    )
    return mandate


def businesses_i_file_for(user: User) -> list[Business]:
    """The businesses ``user`` may give mandates for (owner or director)."""
    return list(
        db.session.scalars(
            select(Business).where(Business.id.in_(filing_businesses(user))).order_by(Business.name)
        )
    )


def held_mandates(user: User) -> list[Mandate]:
    """The mandates ``user`` holds as representative, active first."""
    return list(
        db.session.scalars(
            select(Mandate)
            .where(Mandate.representative_id == user.id)
            .options(selectinload(Mandate.principal_user), selectinload(Mandate.principal_business))
            .order_by(Mandate.revoked_at.is_not(None), Mandate.id.desc())
        )
    )


def given_mandates(user: User) -> list[Mandate]:
    """The mandates ``user`` gave as principal, active first."""
    return list(
        db.session.scalars(
            select(Mandate)
            .where(
                or_(
                    Mandate.principal_user_id == user.id,
                    Mandate.principal_business_id.in_(filing_businesses(user)),
                )
            )
            .options(selectinload(Mandate.representative), selectinload(Mandate.principal_business))
            .order_by(Mandate.revoked_at.is_not(None), Mandate.id.desc())
        )
    )


def holds_mandates(user: User) -> bool:
    """Whether ``user`` holds a mandate not revoked (so she is asked for whom she applies)."""
    return (
        db.session.scalar(
            select(Mandate.id)
            .where(Mandate.representative_id == user.id, Mandate.revoked_at.is_(None))
            .limit(1)
        )
        is not None
    )


def active_held_mandate_or_404(mandate_id: int, representative: User) -> Mandate:
    mandate = db.session.scalar(
        select(Mandate).where(
            Mandate.id == mandate_id,
            Mandate.representative_id == representative.id,
            Mandate.revoked_at.is_(None),
        )
    )
    if mandate is None:
        raise NotFoundError()
    return mandate


def revoke(mandate_id: int, user: User) -> Mandate:
    """The principal revokes (or the representative gives up) a mandate. Either may; nobody
    else finds it (404). Revoking twice changes nothing."""
    mandate = db.session.scalar(
        select(Mandate).where(
            Mandate.id == mandate_id,
            or_(
                Mandate.principal_user_id == user.id,
                Mandate.representative_id == user.id,
                Mandate.principal_business_id.in_(filing_businesses(user)),
            ),
        )
    )
    if mandate is None:
        raise NotFoundError()
    if mandate.revoked_at is not None:
        return mandate
    mandate.revoked_at = utcnow()
    mandate.revoked_by_id = user.id
    if user.id != mandate.representative_id:
        other: int | None = mandate.representative_id
    else:
        other = mandate.principal_user_id  # a business's owners read it on their page
    if other is not None:
        add_notice(
            other,
            str(_l("A power of attorney between you and %(name)s was revoked.", name=user.full_name)),
            absolute_url("applications.mandates_page"),
        )
    db.session.flush()
    return mandate


def revoke_all_mandates(user: User) -> int:
    """Revoke every mandate ``user`` gave or holds (her account is being closed)."""
    now = utcnow()
    count = 0
    for mandate in db.session.scalars(
        select(Mandate).where(
            or_(Mandate.principal_user_id == user.id, Mandate.representative_id == user.id),
            Mandate.revoked_at.is_(None),
        )
    ):
        mandate.revoked_at, mandate.revoked_by_id = now, user.id
        count += 1
    db.session.flush()
    return count


def set_consultant(user: User, is_consultant: bool) -> None:
    user.is_consultant = bool(is_consultant)
    db.session.flush()


# -- applications by principal -----------------------------------------------------------------
@dataclass(frozen=True)
class PrincipalFilter:
    """The representative's list of applications filed for others, optionally one principal's."""

    mandate_id: int | None = None


def applications_for_principals(representative: User, only: PrincipalFilter) -> list[Application]:
    """The applications ``representative`` filed under her active mandates (a consultant's
    clients), newest first; ``only.mandate_id`` narrows it to one principal's."""
    stmt = (
        select(Application)
        .join(Mandate, Mandate.id == Application.mandate_id)
        .where(Mandate.representative_id == representative.id, Mandate.revoked_at.is_(None))
        .options(selectinload(Application.category), selectinload(Application.mandate))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    )
    if only.mandate_id is not None:
        stmt = stmt.where(Mandate.id == only.mandate_id)
    return list(db.session.scalars(stmt))


def applications_filed_for(principal: User) -> list[Application]:
    """The applications representatives filed for ``principal`` or a business she owns or
    directs (shown in her own home), also after the mandate was revoked: they stay hers."""
    return list(
        db.session.scalars(
            select(Application)
            .join(Mandate, Mandate.id == Application.mandate_id)
            .where(
                or_(
                    Mandate.principal_user_id == principal.id,
                    Mandate.principal_business_id.in_(filing_businesses(principal)),
                )
            )
            .options(selectinload(Application.category), selectinload(Application.mandate))
            .order_by(Application.updated_at.desc(), Application.id.desc())
        )
    )


def principal_recipients(application: Application) -> list[User]:
    """Who is told of an application filed under a mandate: the principal, or the business's
    owners and directors."""
    if application.mandate_id is None:
        return []
    mandate = db.session.get_one(Mandate, application.mandate_id)
    if mandate.principal_user_id is not None:
        user = db.session.get(User, mandate.principal_user_id)
        return [user] if user is not None and user.is_active else []
    return list(
        db.session.scalars(
            select(User)
            .join(BusinessMember, BusinessMember.user_id == User.id)
            .where(
                BusinessMember.business_id == mandate.principal_business_id,
                BusinessMember.role.in_(list(FILING_ROLES)),
                User.is_active_account.is_(True),
                User.id != application.applicant_id,
            )
            .order_by(User.id)
        )
    )


def principal_of(application: Application) -> User | None:
    """The person an application was filed for, or None when the applicant filed for herself
    (or for a business: see ``Application.holder_business_id``)."""
    if application.mandate_id is None:
        return None
    mandate = db.session.get_one(Mandate, application.mandate_id)
    if mandate.principal_user_id is None:
        return None
    return db.session.get(User, mandate.principal_user_id)
