"""Staff accounts: the list, finding a user, roles, deactivation. (Invitations are
auth.invites; the admin page calls them.)"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.admin.services.common import PAGE_SIZE, AdminError, require_admin
from portal.audit.services import audit
from portal.auth import second_factor
from portal.auth import services as auth_services
from portal.auth.models import STAFF_ROLES, Role, User, UserRole
from portal.auth.sessions import end_all_sessions
from portal.errors import NotFoundError
from portal.extensions import db
from portal.paging import fetch_page


def get_user_or_404(user_id: int, actor: User) -> User:
    require_admin(actor)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    return user


def list_staff(after: int | None = None, limit: int = PAGE_SIZE) -> tuple[list[User], int | None]:
    """Accounts holding a staff role, by id (keyset). Roles come with the user (selectin)."""
    staff_ids = select(UserRole.user_id).where(UserRole.role.in_(list(STAFF_ROLES)))
    stmt = select(User).where(User.id.in_(staff_ids))
    if after is not None:
        stmt = stmt.where(User.id > after)
    return fetch_page(stmt.order_by(User.id), limit)


def find_user(email: str) -> User | None:
    return auth_services.get_user_by_email(email) if len(email or "") <= 254 else None


def change_roles(user: User, roles: set[Role], actor: User) -> None:
    """Give and take roles (auth.services.set_roles refuses removing your own admin role and the
    last admin). Raises AdminError."""
    before = sorted(r.value for r in user.role_set)
    audit(
        actor, "staff.roles", "user", user.id, user.email, before=before, after=sorted(r.value for r in roles)
    )
    try:
        auth_services.set_roles(user, set(roles), actor)
    except auth_services.AccountError as exc:
        db.session.rollback()
        raise AdminError(str(exc)) from None


def set_staff_profile(user: User, *, position: str, rank: str, nip: str, actor: User) -> None:
    """What a permit letter prints under the person's name (position, rank, NIP); empty
    values are cleared."""
    require_admin(actor)
    values = {"position": position.strip() or None, "rank": rank.strip() or None, "nip": nip.strip() or None}
    before = {key: getattr(user, key) for key in values}
    if before == values:
        return
    for key, value in values.items():
        setattr(user, key, value)
    audit(actor, "staff.profile", "user", user.id, user.email, before=before, after=values)
    db.session.flush()


def _active_admins() -> int:
    return (
        db.session.scalar(
            select(func.count(func.distinct(User.id)))
            .select_from(UserRole)
            .join(User)
            .where(UserRole.role == Role.ADMIN, User.is_active_account.is_(True))
        )
        or 0
    )


def set_user_active(user: User, active: bool, actor: User) -> None:
    """Deactivate (every session ends at once) or reactivate an account. You cannot deactivate
    yourself, nor the last active admin."""
    if not active:
        if user.id == actor.id:
            raise AdminError(_("You cannot deactivate your own account."))
        if Role.ADMIN in user.role_set and user.is_active_account and _active_admins() <= 1:
            raise AdminError(_("The portal needs at least one admin."))
        user.is_active_account = False
        end_all_sessions(user)
    else:
        user.is_active_account = True
    audit(actor, "staff.activate" if active else "staff.deactivate", "user", user.id, user.email)
    db.session.flush()


def second_factor_state(user: User) -> str:
    """``"enrolled"``, ``"not_enrolled"`` or ``"not_needed"`` (not a staff account)."""
    if not second_factor.needs_second_factor(user):
        return "not_needed"
    return "enrolled" if second_factor.is_enrolled(user) else "not_enrolled"


def reset_second_factor(user: User, actor: User) -> None:
    """Forget another staff member's authenticator and recovery codes (a lost phone): their
    sessions end and their next login sets up two-step login again. Flushes; the request
    commits."""
    require_admin(actor)
    if user.id == actor.id:
        raise AdminError(_("You cannot reset your own two-step login. Ask another admin."))
    second_factor.reset(user)
    end_all_sessions(user)
    audit(actor, "staff.second_factor_reset", "user", user.id, user.email)
    db.session.flush()
