"""Business profiles and their members. Every function takes the acting person and loads a
business only through ``get_business_or_404`` (a business she is not a member of looks exactly
like a missing one). The rule that a business always has an owner lives here: adding a business
makes its creator the owner, and removing, demoting or letting leave the last owner is refused
(under a row lock on the business, so two owners leaving at once cannot both succeed).
Services flush; the request commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, selectinload

from portal.auth.models import User
from portal.auth.services import citizen_account
from portal.business.models import FILING_ROLES, Business, BusinessMember, LegalForm, MemberRole
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.transaction import atomic

#: How many businesses one account may create (a typo loop or a script cannot fill the table).
MAX_BUSINESSES = 50
#: How many members one business may have.
MAX_MEMBERS = 100


class BusinessError(PortalError):
    """Refused by a rule of businesses; ``str(error)`` says what to do."""

    status_code = 400


class InvalidBusiness(BusinessError):
    """The profile's fields do not pass: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_l("Check the marked fields."))
        self.errors = errors


LAST_OWNER = _l(
    "A business must always have an owner. Add another owner first, then remove or change this one."
)

# -- numbers -------------------------------------------------------------------------------------
_SEPARATORS = re.compile(r"[\s.\-]")


def normalise_nib(value: str | None) -> str | None:
    """The NIB's 13 digits (spaces allowed while typing), or None when it is not 13 digits."""
    digits = re.sub(r"\s", "", value or "")
    return digits if len(digits) == 13 and digits.isascii() and digits.isdigit() else None


def normalise_npwp(value: str | None) -> str | None:
    """The NPWP's digits, typed plain or in the card's form (01.234.567.8-901.000): 15 digits,
    or 16 (the NIK-based number). None when it is anything else."""
    digits = _SEPARATORS.sub("", value or "")
    return digits if len(digits) in (15, 16) and digits.isascii() and digits.isdigit() else None


@dataclass(frozen=True)
class Profile:
    """What a person types for a business, before it is checked."""

    name: str
    legal_form: str
    nib: str
    npwp: str
    deed_number: str
    address: str


_SPACES = re.compile(r"\s+")


def _line(value: str | None, limit: int) -> str:
    return _SPACES.sub(" ", "".join(ch for ch in (value or "") if ch.isprintable())).strip()[:limit]


def check_profile(profile: Profile) -> dict[str, object]:
    """The checked, normalised values; raises InvalidBusiness with every field's message."""
    errors: dict[str, str] = {}
    name = _line(profile.name, 200)
    if len(name) < 2:
        errors["name"] = str(_l("Enter the business's name as on its deed or NIB."))
    try:
        legal_form = LegalForm(profile.legal_form or "")
    except ValueError:
        errors["legal_form"] = str(_l("Choose the business's legal form."))
        legal_form = None
    nib = normalise_nib(profile.nib)
    if nib is None:
        errors["nib"] = str(_l("The NIB has exactly 13 digits (numbers only), as on the OSS certificate."))
    npwp = normalise_npwp(profile.npwp)
    if npwp is None:
        errors["npwp"] = str(
            _l("The NPWP has 15 or 16 digits (numbers only; dots and dashes as on the card are fine).")
        )
    deed = _line(profile.deed_number, 100)
    address = "\n".join(_line(line, 300) for line in (profile.address or "").splitlines() if line.strip())[
        :500
    ]
    if len(address) < 5:
        errors["address"] = str(_l("Enter the business's address."))
    if errors:
        raise InvalidBusiness(errors)
    return {
        "name": name,
        "legal_form": legal_form,
        "nib": nib,
        "npwp": npwp,
        "deed_number": deed,
        "address": address,
    }


def _nib_taken(nib: str, except_id: int | None = None) -> bool:
    stmt = select(Business.id).where(Business.nib == nib)
    if except_id is not None:
        stmt = stmt.where(Business.id != except_id)
    return db.session.scalar(stmt.limit(1)) is not None


_DUPLICATE_NIB = _l(
    "A business with this NIB is already registered on the portal. "
    "Ask one of its owners to add you as a member."
)


# -- reading -------------------------------------------------------------------------------------
def membership_of(business_id: int, user: User) -> BusinessMember | None:
    return db.session.scalar(
        select(BusinessMember).where(
            BusinessMember.business_id == business_id, BusinessMember.user_id == user.id
        )
    )


def get_business_or_404(business_id: int, user: User) -> tuple[Business, BusinessMember]:
    """The business and her membership, or NotFoundError when she is not a member."""
    row = db.session.execute(
        select(Business, BusinessMember)
        .join(BusinessMember, BusinessMember.business_id == Business.id)
        .where(Business.id == business_id, BusinessMember.user_id == user.id)
    ).first()
    if row is None:
        raise NotFoundError()
    return row[0], row[1]


def list_memberships(user: User) -> list[BusinessMember]:
    """Her memberships with their businesses, by business name."""
    return list(
        db.session.scalars(
            select(BusinessMember)
            .join(Business, Business.id == BusinessMember.business_id)
            .where(BusinessMember.user_id == user.id)
            .options(selectinload(BusinessMember.business))
            .order_by(func.lower(Business.name), Business.id)
        )
    )


def members_of(business: Business) -> list[BusinessMember]:
    """The business's members with their accounts: owners first, then directors, then staff."""
    order = {role: index for index, role in enumerate(MemberRole)}
    members = db.session.scalars(
        select(BusinessMember)
        .where(BusinessMember.business_id == business.id)
        .options(selectinload(BusinessMember.user))
        .order_by(BusinessMember.id)
    ).all()
    return sorted(members, key=lambda m: order[m.role])


def filing_business_ids(user_id: int) -> Select[tuple[int]]:
    """The ids of the businesses ``user_id`` may file for and whose applications she sees (an
    owner or a director), as a subquery: the loaders put it in their WHERE, so a membership
    removed or demoted takes effect on the very next request."""
    return select(BusinessMember.business_id).where(
        BusinessMember.user_id == user_id, BusinessMember.role.in_(FILING_ROLES)
    )


def holder_clause(
    column: ColumnElement[int | None] | InstrumentedAttribute[int | None], user_id: int
) -> ColumnElement[bool]:
    """``column`` (a holder business id) is one ``user_id`` may file for."""
    return column.in_(filing_business_ids(user_id))


def businesses_for_filing(user: User) -> list[Business]:
    """The businesses she may choose as the holder of an application, by name."""
    return list(
        db.session.scalars(
            select(Business)
            .where(Business.id.in_(filing_business_ids(user.id)))
            .order_by(func.lower(Business.name), Business.id)
        )
    )


def get_filing_business(business_id: int, user: User) -> Business:
    """A business she may file for; NotFoundError for any other id (another's, a made-up one,
    one she is only staff of: all look missing)."""
    business = db.session.scalar(
        select(Business).where(Business.id == business_id, Business.id.in_(filing_business_ids(user.id)))
    )
    if business is None:
        raise NotFoundError()
    return business


# -- writing -------------------------------------------------------------------------------------
def create_business(user: User, profile: Profile) -> Business:
    """A new business with ``user`` as its owner. Raises InvalidBusiness (the fields, a NIB
    already registered)."""
    values = check_profile(profile)
    count = db.session.scalar(
        select(func.count()).select_from(Business).where(Business.created_by_id == user.id)
    )
    if (count or 0) >= MAX_BUSINESSES:
        raise BusinessError(_l("You have registered %(n)d businesses already.", n=MAX_BUSINESSES))
    if _nib_taken(str(values["nib"])):
        raise InvalidBusiness({"nib": str(_DUPLICATE_NIB)})
    business = Business(created_by_id=user.id, **values)
    try:
        with atomic():
            db.session.add(business)
            db.session.flush()
            db.session.add(
                BusinessMember(
                    business_id=business.id, user_id=user.id, role=MemberRole.OWNER, added_by_id=user.id
                )
            )
            db.session.flush()
    except IntegrityError:
        # Two requests with the same NIB at once: the unique index keeps one.
        raise InvalidBusiness({"nib": str(_DUPLICATE_NIB)}) from None
    return business


def update_business(business: Business, member: BusinessMember, profile: Profile) -> Business:
    """An owner edits the profile. Permits already issued keep the name and NIB they name."""
    _require_owner(member)
    values = check_profile(profile)
    if _nib_taken(str(values["nib"]), except_id=business.id):
        raise InvalidBusiness({"nib": str(_DUPLICATE_NIB)})
    try:
        with atomic():
            for key, value in values.items():
                setattr(business, key, value)
            db.session.flush()
    except IntegrityError:
        raise InvalidBusiness({"nib": str(_DUPLICATE_NIB)}) from None
    return business


def add_member(business: Business, acting: BusinessMember, email: str, role: str) -> BusinessMember:
    """An owner adds an account (by its email) with a role; an existing member's role changes."""
    _require_owner(acting)
    new_role = _parse_role(role)
    person = citizen_account(
        email,
        BusinessError,
        empty=_l("Enter the email address of the member's account."),
        unknown=_l(
            "No account uses this email address. "
            "Ask the person to register on the portal first, then add them."
        ),
        staff=_l("Office staff accounts cannot be members of a business here."),
    )
    _lock(business)
    existing = membership_of(business.id, person)
    if existing is not None:
        return change_role(business, acting, existing, new_role.value)
    count = db.session.scalar(
        select(func.count()).select_from(BusinessMember).where(BusinessMember.business_id == business.id)
    )
    if (count or 0) >= MAX_MEMBERS:
        raise BusinessError(_l("A business can have at most %(n)d members.", n=MAX_MEMBERS))
    member = BusinessMember(
        business_id=business.id, user_id=person.id, role=new_role, added_by_id=acting.user_id
    )
    db.session.add(member)
    db.session.flush()
    return member


def change_role(
    business: Business, acting: BusinessMember, member: BusinessMember, role: str
) -> BusinessMember:
    """An owner changes a member's role; the last owner cannot stop being one."""
    _require_owner(acting)
    new_role = _parse_role(role)
    _lock(business)
    if member.role is MemberRole.OWNER and new_role is not MemberRole.OWNER:
        _refuse_last_owner(business)
    member.role = new_role
    db.session.flush()
    return member


def get_member_or_404(business: Business, member_id: int) -> BusinessMember:
    member = db.session.scalar(
        select(BusinessMember).where(
            BusinessMember.id == member_id, BusinessMember.business_id == business.id
        )
    )
    if member is None:
        raise NotFoundError()
    return member


def remove_member(business: Business, acting: BusinessMember, member: BusinessMember) -> None:
    """An owner removes a member (herself too: that is leaving). The last owner stays. The
    removed member loses the business's applications at her next request."""
    if member.id != acting.id:
        _require_owner(acting)
    _lock(business)
    if member.role is MemberRole.OWNER:
        _refuse_last_owner(business)
    db.session.delete(member)
    db.session.flush()


def leave(business: Business, member: BusinessMember) -> None:
    """A member leaves the business (the last owner cannot)."""
    remove_member(business, member, member)


def _parse_role(value: str | None) -> MemberRole:
    try:
        return MemberRole(value or "")
    except ValueError:
        raise BusinessError(_l("Choose the member's role: owner, director or staff.")) from None


def _require_owner(member: BusinessMember) -> None:
    if member.role is not MemberRole.OWNER:
        raise AccessDenied(_l("Only an owner of the business can do this."))


def _lock(business: Business) -> None:
    """Serialise changes of one business's members (PostgreSQL: a row lock; SQLite's writes
    are serial already)."""
    db.session.execute(select(Business.id).where(Business.id == business.id).with_for_update())


def _refuse_last_owner(business: Business) -> None:
    owners = db.session.scalar(
        select(func.count())
        .select_from(BusinessMember)
        .where(BusinessMember.business_id == business.id, BusinessMember.role == MemberRole.OWNER)
    )
    if (owners or 0) <= 1:
        raise BusinessError(LAST_OWNER)


# -- closing an account ---------------------------------------------------------------------------
def closing_blockers(user: User) -> list[Business]:
    """Businesses she is the last owner of while others are members: her account cannot be
    closed until she makes one of them an owner (a business always has an owner)."""
    blocked = []
    for member in list_memberships(user):
        if member.role is not MemberRole.OWNER:
            continue
        owners, members = _counts(member.business_id)
        if owners <= 1 and members > 1:
            blocked.append(member.business)
    return blocked


def leave_all(user: User) -> None:
    """Her memberships end (an account being closed). A business she was the only member of
    stays as a record, since its permits and applications name it; it has no members then."""
    for member in list_memberships(user):
        db.session.delete(member)
    db.session.flush()


def _counts(business_id: int) -> tuple[int, int]:
    rows = db.session.execute(
        select(BusinessMember.role, func.count())
        .where(BusinessMember.business_id == business_id)
        .group_by(BusinessMember.role)
    ).all()
    counts = {MemberRole(role): n for role, n in rows}
    return counts.get(MemberRole.OWNER, 0), sum(counts.values())


def export_rows(user: User) -> list[dict[str, object]]:
    """Her businesses and memberships, for "Data saya"."""
    return [
        {
            "name": m.business.name,
            "legal_form": m.business.legal_form.value,
            "nib": m.business.nib,
            "npwp": m.business.npwp,
            "deed_number": m.business.deed_number,
            "address": m.business.address,
            "role": m.role.value,
            "member_since": m.created_at.isoformat(),
        }
        for m in list_memberships(user)
    ]
