"""Staff invitations: an account without a usable password and a one-time link to choose one."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.audit.services import audit
from portal.auth.models import AuthToken, Role, TokenPurpose, User, UserRole
from portal.auth.services import AccountError, get_user_by_email, issue_token, normalize_email
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.services import queue_email_to_address
from portal.urls import absolute_url

INVITE_LIFETIME = timedelta(days=7)


def invite_staff(email: str, full_name: str, roles: set[Role], locale: str, actor: User) -> User:
    """Create a staff account without a usable password and email a one-time link to set one
    (the password reset page; the link lasts INVITE_LIFETIME and works once)."""
    if not roles:
        raise AccountError(_("Give the new account at least one role."))
    if len(email or "") > 254 or get_user_by_email(email) is not None:
        raise AccountError(
            _("An account with this email already exists. Find it below and give it roles instead.")
        )
    user = User(
        email=normalize_email(email),
        full_name=full_name.strip(),
        # not an argon2 hash: no password matches it until the invitee sets one
        password_hash="!invited:" + secrets.token_hex(16),
        locale=locale if locale in current_app.config["LANGUAGES"] else "id",
    )
    for role in sorted(roles):
        user.roles.append(UserRole(role=Role(role)))
    db.session.add(user)
    db.session.flush()
    token = issue_token(user, TokenPurpose.RESET_PASSWORD)
    row = db.session.scalar(
        select(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.used_at.is_(None))
        .order_by(AuthToken.id.desc())
        .limit(1)
    )
    row.expires_at = utcnow() + current_app.config.get("INVITE_LIFETIME", INVITE_LIFETIME)
    link = absolute_url("auth.reset_password", token=token)
    audit(actor, "staff.invite", "user", user.id, user.email, roles=sorted(r.value for r in roles))
    with force_locale(user.locale):
        subject = _("You are invited to SatuPintu")
        # ``office`` (the office's name and contacts) comes from the app's template context.
        text = render_template(
            "email/staff_invite.txt",
            full_name=user.full_name,
            link=link,
            inviter=actor.full_name,
            roles=sorted(roles),
            days=INVITE_LIFETIME.days,
        )
    # Through the outbox: it leaves after the commit, and only if the account was stored.
    queue_email_to_address(user.email, user.full_name, subject, text, user_id=user.id)
    db.session.flush()
    return user
