"""Account rules: registration, email verification, authentication, password reset and change,
profile edits, and staff accounts. Callable without a request (tests, CLI, jobs)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.auth import consent, passwords
from portal.auth.demo import demo_accounts_allowed, is_demo_email
from portal.auth.models import STAFF_ROLES, AuthToken, Role, TokenPurpose, User, UserRole
from portal.auth.sessions import end_all_sessions
from portal.db import release_write_lock, rowcount, utcnow
from portal.errors import PortalError
from portal.extensions import db, limiter
from portal.notifications.services import queue_email_to_address
from portal.urls import absolute_url


class AccountError(PortalError, ValueError):
    """A rule refused the change; the message is for the user, in their language."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def citizen_account(
    email: str | None, error: type[PortalError], *, empty: Any, unknown: Any, staff: Any
) -> User:
    """The active, non-staff account registered with ``email`` (in any case), for one person
    naming another by email: a principal, a representative, a business member. Raises ``error``
    with the caller's own wording: ``empty`` when no email is given, ``unknown`` when no active
    account uses it, ``staff`` when it is an office staff account (staff do not act for
    citizens or businesses)."""
    address = (email or "").strip().lower()
    if not address:
        raise error(empty)
    person = db.session.scalar(select(User).where(func.lower(User.email) == address))
    if person is None or not person.is_active:
        raise error(unknown)
    if person.role_set & STAFF_ROLES:
        raise error(staff)
    return person


@dataclass
class Registration:
    full_name: str
    email: str
    nik: str
    phone: str
    password: str
    locale: str = "id"
    #: the privacy notice version the person agreed to (None: no consent recorded, e.g. the CLI)
    privacy_notice_version: str | None = None


def register_applicant(data: Registration) -> User | None:
    """Create an applicant account and queue the verification email.

    When the email (or the NIK) is already registered, nothing is created and the owner of
    that email gets a notice instead: the page says the same either way, so it does not tell
    a stranger who has an account. Every branch does the same work (one password hash, one
    email queued in the outbox, or none on any branch once the address reached its cap of
    registration emails), so the time taken does not tell either. Flushes; the caller
    commits. Returns the new user, or None when nothing was created.
    """
    problem = passwords.password_problem(data.password)
    if problem:
        raise AccountError(problem)
    email = normalize_email(data.email)
    # Hashed before the branches, so none of them is quicker than a real registration.
    password_hash = passwords.hash_password(data.password)
    may_mail = account_email_allowed("register", email)
    existing = get_user_by_email(email)
    if existing is not None:
        if may_mail:
            _queue_template(existing, "already_registered", _l("Someone tried to register with your email"))
        return None
    if db.session.scalar(select(func.count()).select_from(User).where(User.nik == data.nik)):
        if may_mail:
            _queue_to_address(
                email, data.full_name, data.locale, "nik_taken", _l("Your registration needs the help desk")
            )
        return None
    user = User(
        email=email,
        full_name=data.full_name.strip(),
        nik=data.nik,
        phone=data.phone,
        password_hash=password_hash,
        locale=data.locale,
    )
    user.roles.append(UserRole(role=Role.APPLICANT))
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # the same email or NIK registered a moment ago
        return None
    if data.privacy_notice_version:
        consent.record_consent(user, data.privacy_notice_version)
    if may_mail:
        send_verification(user)
    return user


def send_verification(user: User) -> None:
    """Queue a fresh verification link in the outbox (older unused links stay valid until they
    expire). Flushes; the caller commits, and the email leaves after the commit."""
    if user.email_verified:
        return
    token = issue_token(user, TokenPurpose.VERIFY_EMAIL)
    _queue_template(
        user,
        "verify_email",
        _l("Confirm your email address"),
        link=absolute_url("auth.verify_email", token=token),
    )


def account_email_allowed(kind: str, email: str) -> bool:
    """Count one account email of ``kind`` ("register" or "reset") to ``email`` against the
    per-address caps (``REGISTER_EMAIL_LIMIT_PER_ACCOUNT``, ``RESET_EMAIL_LIMIT_PER_ACCOUNT``:
    limits such as "3 per hour;10 per day"), and say whether it may still be sent.

    The caps follow the target address, whoever asks and from wherever, so one mailbox cannot
    be flooded from many client addresses. They live in the limiter's storage (Redis when
    configured), so every worker and host shares them. They count every request for the
    address, with or without an account, so reaching one tells nobody whether it exists.
    A limiter storage that cannot be reached lets the email through (like the other limits).
    """
    cfg = current_app.config
    spec = cfg.get(f"{kind.upper()}_EMAIL_LIMIT_PER_ACCOUNT")
    if not spec or not cfg.get("RATELIMIT_ENABLED", True):
        return True
    # The address itself is not kept in the limiter's storage, only a digest of it.
    target = hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]
    try:
        for item in parse_many(spec):
            if not limiter.limiter.hit(
                item, cfg.get("RATELIMIT_KEY_PREFIX") or "", "account-email", kind, target
            ):
                current_app.logger.info("account email cap (%s) reached for one address", kind)
                return False
    except Exception:  # noqa: BLE001 - see the docstring
        current_app.logger.exception("account email cap could not be checked")
    return True


def _unstored_link() -> None:
    """The work of issuing a reset link (a token, its digest, the link), for the branches that
    send none, so they take as long as the one that does."""
    token = secrets.token_urlsafe(32)
    _hash(token)
    absolute_url("auth.reset_password", token=token)


def issue_token(user: User, purpose: TokenPurpose) -> str:
    token = secrets.token_urlsafe(32)
    lifetime = current_app.config[
        "TOKEN_LIFETIME_VERIFY" if purpose is TokenPurpose.VERIFY_EMAIL else "TOKEN_LIFETIME_RESET"
    ]
    db.session.add(
        AuthToken(user_id=user.id, purpose=purpose, token_hash=_hash(token), expires_at=utcnow() + lifetime)
    )
    db.session.flush()
    return token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def consume_token(token: str, purpose: TokenPurpose, *, mark_used: bool = True) -> User | None:
    """The user of a valid, unused, unexpired token of ``purpose``, or None for anything else."""
    if not token or len(token) > 100:
        return None
    row = db.session.scalar(
        select(AuthToken).where(AuthToken.token_hash == _hash(token), AuthToken.purpose == purpose)
    )
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at < now:
        return None
    if mark_used:
        # One conditional UPDATE, so two requests racing with the same link cannot both win.
        used = db.session.execute(
            update(AuthToken)
            .where(AuthToken.id == row.id, AuthToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if rowcount(used) != 1:
            return None
        row.used_at = now
    return row.user


def _retire_reset_links(user: User) -> None:
    """A new password makes every reset link still in the mailbox useless."""
    db.session.execute(
        update(AuthToken)
        .where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == TokenPurpose.RESET_PASSWORD,
            AuthToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def verification_link_user(token: str, current: User | None = None) -> User | None:
    """The account a verification link belongs to, without using it up; None when the link is
    not valid or belongs to another account than the one logged in (``current``)."""
    user = consume_token(token, TokenPurpose.VERIFY_EMAIL, mark_used=False)
    if user is None or (current is not None and current.id != user.id):
        return None
    return user


def verify_email(token: str, current: User | None = None) -> User | None:
    """Mark the email verified. Refused (None) when the link is not valid or belongs to
    another account than the one logged in."""
    user = verification_link_user(token, current)
    if user is None:
        return None
    consume_token(token, TokenPurpose.VERIFY_EMAIL)
    if not user.email_verified:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Takes about as long for an
    unknown email as for a wrong password. The demo accounts are refused wherever the
    configuration does not allow them (production)."""
    user = get_user_by_email(email) if len(email) <= 254 else None
    if user is not None and is_demo_email(user.email) and not demo_accounts_allowed():
        user = None  # a demo account (production): refused like an unknown email
    stored = user.password_hash if user else None
    # The hash check takes a noticeable time by design: it must not hold SQLite's write lock
    # (a POST's transaction begins with it), or other people's writes wait and fail.
    release_write_lock(db.session)
    ok = passwords.verify_password(stored, password)
    if not ok or user is None or not user.is_active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        db.session.flush()
    return user


def request_password_reset(email: str, locale: str = "id") -> None:
    """Queue one email to ``email`` whatever the account's state: a reset link for an active
    account (verified or not), a note that the account is closed for a deactivated one, and a
    note that no account uses the address otherwise. The page says the same in every case and
    every branch does the same work, so neither tells a stranger who has an account. Past the
    address's cap of reset emails, no branch queues anything. Flushes; the caller commits.
    ``locale`` is the language of the note to an address without an account."""
    address = normalize_email(email)
    if len(address) > 254:
        return
    user = get_user_by_email(address)
    if not account_email_allowed("reset", address):
        return
    if user is None:
        _unstored_link()
        _queue_to_address(
            address,
            "",
            locale,
            "reset_no_account",
            _l("Password reset for SatuPintu"),
            register_link=absolute_url("auth.register"),
        )
        return
    if not user.is_active:
        _unstored_link()
        _queue_template(user, "reset_account_closed", _l("Password reset for SatuPintu"))
        return
    token = issue_token(user, TokenPurpose.RESET_PASSWORD)
    _queue_template(
        user,
        "reset_password",
        _l("Reset your password"),
        link=absolute_url("auth.reset_password", token=token),
    )


def reset_password(token: str, new_password: str) -> User | None:
    """Set a new password with a reset link; ends every session of the account."""
    problem = passwords.password_problem(new_password)
    if problem:
        raise AccountError(problem)
    user = consume_token(token, TokenPurpose.RESET_PASSWORD)
    if user is None:
        return None
    _set_password(user, new_password)
    _retire_reset_links(user)
    end_all_sessions(user)
    # Proving control of the mailbox also verifies it.
    if not user.email_verified:
        user.email_verified_at = utcnow()
    db.session.flush()
    return user


def change_password(
    user: User, current_password: str, new_password: str, keep_session: str | None = None
) -> None:
    if not passwords.verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is not correct."))
    problem = passwords.password_problem(new_password)
    if problem:
        raise AccountError(problem)
    _set_password(user, new_password)
    _retire_reset_links(user)
    end_all_sessions(user, keep_token=keep_session)
    db.session.flush()


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = utcnow()


def update_profile(
    user: User, full_name: str, phone: str, locale: str | None = None, *, address: str | None = None
) -> None:
    user.full_name = full_name.strip()
    user.phone = phone
    if address is not None:
        user.address = address.strip() or None
    if locale in current_app.config["LANGUAGES"]:
        user.locale = locale
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    if locale in current_app.config["LANGUAGES"] and user.locale != locale:
        user.locale = locale
        db.session.flush()


def create_staff(email: str, full_name: str, roles: list[Role], password: str) -> User:
    """A staff account (CLI or admin). The email is trusted as verified."""
    if get_user_by_email(email) is not None:
        raise AccountError(_("An account with this email already exists."))
    problem = passwords.password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        email=normalize_email(email),
        full_name=full_name.strip(),
        password_hash=passwords.hash_password(password),
        email_verified_at=utcnow(),
    )
    for role in dict.fromkeys(roles):
        user.roles.append(UserRole(role=role))
    db.session.add(user)
    db.session.flush()
    return user


def set_roles(user: User, roles: set[Role], acting: User) -> None:
    """Give and take roles. An admin cannot remove their own admin role, and the last active
    admin cannot lose it."""
    if Role.ADMIN in user.role_set and Role.ADMIN not in roles:
        if acting.id == user.id:
            raise AccountError(_("You cannot remove your own admin role."))
        admins = (
            db.session.scalar(
                select(func.count())
                .select_from(UserRole)
                .join(User)
                .where(UserRole.role == Role.ADMIN, User.is_active_account.is_(True))
            )
            or 0
        )
        if admins <= 1:
            raise AccountError(_("The portal needs at least one admin."))
    for link in list(user.roles):
        if link.role not in roles:
            user.roles.remove(link)
    for role in roles - user.role_set:
        user.roles.append(UserRole(role=role))
    db.session.flush()


def _queue_template(user: User, name: str, subject: str, **context: Any) -> None:
    _queue_to_address(
        user.email, user.full_name, user.locale or "id", name, subject, user_id=user.id, user=user, **context
    )


def _queue_to_address(
    email: str,
    full_name: str,
    locale: str,
    name: str,
    subject: str,
    *,
    user_id: int | None = None,
    **context: Any,
) -> None:
    """Render an account email in ``locale`` and write it to the outbox; it is sent after the
    caller's commit, like every other email."""
    with force_locale(locale):
        text = render_template(f"email/{name}.txt", full_name=full_name, office=current_app.config, **context)
        subject_text = str(subject)
    queue_email_to_address(email, full_name or None, subject_text, text, user_id=user_id)
