"""The staff second factor: TOTP (pyotp) enrolment, codes, recovery codes, the lock after wrong
codes, a remembered device, and the admin's reset. Callable without a request.

Who needs it: every staff role (officer, approver, help desk, admin). The help desk is staff
who see personal data (DESIGN.md: it looks up applicants and their applications, NIKs and ID
scans included), so a password alone is not enough there either.

Where it is enforced: ``auth.sessions.load_session_user`` (Flask-Login's loader) gives no user
for a staff account whose login session has not passed the second factor, so until it passes
the browser is anonymous on every page: each staff URL, GET or POST, refuses as it refuses a
stranger. The code prompt and the enrolment pages find the waiting session themselves.

Services flush; the request commits (a wrong code's count is kept: the code prompt answers
200 with the message, so the request's commit keeps it).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import pyotp
import segno
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import CursorResult, delete, select, update

from portal.auth.demo import DEMO_TOTP_SECRET, demo_accounts_allowed
from portal.auth.models import STAFF_ROLES, LoginSession, User
from portal.auth.second_factor_models import RecoveryCode, SecondFactor
from portal.db import utcnow
from portal.errors import PortalError
from portal.extensions import db

#: Roles whose login needs the second factor (all staff; see the module's docstring).
SECOND_FACTOR_ROLES = STAFF_ROLES
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
_RECOVERY_LENGTH = 10
_ISSUER = "SatuPintu"
_DEVICE_SALT = "satupintu-second-factor-device"
#: a remembered device never skips the code for longer than this, whatever the config says
MAX_REMEMBER = timedelta(hours=12)


class SecondFactorError(PortalError):
    """A code was refused; the message says why and what to do."""

    status_code = 400


class SecondFactorLocked(SecondFactorError):
    status_code = 429


def needs_second_factor(user: User) -> bool:
    return bool(user.role_set & SECOND_FACTOR_ROLES)


def factor_of(user: User) -> SecondFactor | None:
    return db.session.get(SecondFactor, user.id)


def is_enrolled(user: User) -> bool:
    factor = factor_of(user)
    return factor is not None and factor.enrolled_at is not None and factor.secret is not None


# --- enrolment -------------------------------------------------------------------------------


def enrolment_secret(user: User) -> str:
    """The secret waiting for its first code (made now if there is none): reloading the page
    shows the same QR code, so a scan already made stays good."""
    factor = factor_of(user)
    if factor is None:
        factor = SecondFactor(user_id=user.id, version=1, failed_count=0)
        db.session.add(factor)
    if factor.enrolled_at is not None and factor.secret:
        raise SecondFactorError(_("Two-step login is already set up for this account."))
    if not factor.secret:
        factor.secret = pyotp.random_base32()
    db.session.flush()
    return factor.secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=_ISSUER)


def qr_svg(uri: str) -> bytes:
    """The QR code of ``uri`` as an SVG image (segno, the library the permits' QR codes use)."""
    out = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(out, kind="svg", scale=5, border=2, xmldecl=False)
    return out.getvalue()


def finish_enrolment(user: User, code: str, *, now: datetime | None = None) -> list[str]:
    """Check the first code against the waiting secret; on success the account is enrolled and
    its recovery codes are returned (to be shown once; only their digests are stored)."""
    factor = factor_of(user)
    if factor is None or not factor.secret or factor.enrolled_at is not None:
        raise SecondFactorError(_("Start again: open the two-step login set-up page."))
    _check_code(user, factor, code, now or utcnow())
    factor.enrolled_at = utcnow()
    codes = new_recovery_codes(user)
    db.session.flush()
    return codes


def new_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; returns them in plain text."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(user.id, raw)))
    db.session.flush()
    return codes


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


# --- checking a code -------------------------------------------------------------------------


@dataclass
class Accepted:
    """What passed: ``"totp"`` or ``"recovery"``."""

    kind: str


def verify(user: User, code: str, *, now: datetime | None = None) -> Accepted:
    """Check a code from the authenticator app, or a recovery code, for an enrolled account.
    Raises SecondFactorError with the reason (a wrong code counts towards the lock)."""
    factor = factor_of(user)
    if factor is None or factor.enrolled_at is None or not factor.secret:
        raise SecondFactorError(_("Two-step login is not set up for this account yet."))
    now = now or utcnow()
    text = (code or "").strip().replace(" ", "")
    if _looks_like_recovery_code(text):
        _check_unlocked(factor, now)
        _check_recovery(user, factor, text, now)
        return Accepted("recovery")
    _check_code(user, factor, text, now)
    return Accepted("totp")


def _looks_like_recovery_code(text: str) -> bool:
    raw = text.replace("-", "").upper()
    return len(raw) == _RECOVERY_LENGTH and all(ch in string.ascii_uppercase + string.digits for ch in raw)


def _check_code(user: User, factor: SecondFactor, text: str, now: datetime) -> None:
    if not text:
        raise SecondFactorError(_("Enter the 6-digit code from your authenticator app."))
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        raise SecondFactorError(
            _("The code is 6 digits (0-9) from your authenticator app, or a recovery code like ABCDE-FGHJK.")
        )
    _check_unlocked(factor, now)
    secret = factor.secret or ""
    if secret == DEMO_TOTP_SECRET and not demo_accounts_allowed():
        _count_failure(factor, now)  # the published demo secret is nobody's secret here
        raise SecondFactorError(_("The code is not correct. Check the time on your phone and try again."))
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    matched = None
    for offset in (-1, 0, 1):  # a phone's clock a little early or late
        if hmac.compare_digest(totp.generate_otp(current + offset), text):
            matched = current + offset
            break
    if matched is None:
        _count_failure(factor, now)
        raise SecondFactorError(_("The code is not correct. Check the time on your phone and try again."))
    if factor.last_step is not None and matched <= factor.last_step:
        raise SecondFactorError(
            _("This code was already used. Wait for the next code in your app (at most 30 seconds).")
        )
    # One conditional UPDATE, so two requests racing with the same code cannot both pass.
    last = SecondFactor.last_step
    won = cast(
        CursorResult[Any],
        db.session.execute(
            update(SecondFactor)
            .where(SecondFactor.user_id == user.id, (last.is_(None)) | (last < matched))
            .values(last_step=matched, failed_count=0, locked_until=None)
            .execution_options(synchronize_session=False)
        ),
    )
    if won.rowcount != 1:
        raise SecondFactorError(
            _("This code was already used. Wait for the next code in your app (at most 30 seconds).")
        )
    factor.last_step, factor.failed_count, factor.locked_until = matched, 0, None


def _check_recovery(user: User, factor: SecondFactor, text: str, now: datetime) -> None:
    raw = text.replace("-", "").upper()
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _recovery_hash(user.id, raw)
        )
    )
    if row is None:
        _count_failure(factor, now)
        raise SecondFactorError(_("This recovery code is not correct. Check it and try again."))
    used = cast(
        CursorResult[Any],
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if used.rowcount != 1:
        _count_failure(factor, now)
        raise SecondFactorError(
            _("This recovery code was already used. Each recovery code works once: use another one.")
        )
    row.used_at = now
    factor.failed_count, factor.locked_until = 0, None
    db.session.flush()


def _check_unlocked(factor: SecondFactor, now: datetime) -> None:
    if factor.locked_until is not None and factor.locked_until > now:
        raise SecondFactorLocked(
            _(
                "Too many wrong codes. Two-step login for this account is locked until %(time)s; "
                "try again then, or ask an admin to reset it.",
                time=format_datetime(factor.locked_until, "HH:mm"),
            )
        )


def _count_failure(factor: SecondFactor, now: datetime) -> None:
    factor.failed_count = (factor.failed_count or 0) + 1
    if factor.failed_count >= current_app.config["SECOND_FACTOR_MAX_FAILURES"]:
        factor.locked_until = now + current_app.config["SECOND_FACTOR_LOCK"]
        factor.failed_count = 0
    db.session.flush()


def _recovery_hash(user_id: int, raw: str) -> str:
    return hashlib.sha256(f"{user_id}:{raw.upper()}".encode()).hexdigest()


# --- the login session -----------------------------------------------------------------------


def mark_passed(token: str) -> None:
    """The login session of ``token`` passed the second factor."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
        .values(second_factor_at=utcnow())
        .execution_options(synchronize_session=False)
    )


# --- a remembered device ---------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_DEVICE_SALT)


def remember_lifetime() -> timedelta:
    configured: timedelta = current_app.config["SECOND_FACTOR_REMEMBER"]
    return min(configured, MAX_REMEMBER)


def device_token(user: User) -> str:
    """A signed value for the "remember this device" cookie: this user, this enrolment."""
    factor = factor_of(user)
    version = factor.version if factor else 0
    return str(_serializer().dumps({"u": user.id, "v": version}))


def device_remembered(user: User, token: str | None) -> bool:
    """True when ``token`` was signed for this user's current enrolment within the lifetime."""
    if not token or len(token) > 500 or not is_enrolled(user):
        return False
    try:
        data = _serializer().loads(token, max_age=int(remember_lifetime().total_seconds()))
    except BadSignature:
        return False
    factor = factor_of(user)
    return (
        isinstance(data, dict)
        and data.get("u") == user.id
        and factor is not None
        and data.get("v") == factor.version
    )


# --- reset -----------------------------------------------------------------------------------


def reset(user: User) -> None:
    """Forget the account's authenticator, recovery codes and remembered devices: the next login
    enrols again. (The admin's service ends the sessions and writes the audit event.)"""
    factor = factor_of(user)
    if factor is None:
        factor = SecondFactor(user_id=user.id, version=1, failed_count=0)
        db.session.add(factor)
    factor.secret = None
    factor.enrolled_at = None
    factor.last_step = None
    factor.failed_count = 0
    factor.locked_until = None
    factor.version = (factor.version or 0) + 1
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()


def enrol_with_secret(user: User, secret: str) -> None:
    """Enrol ``user`` with a known secret (the demo accounts' published one; the CLI). Flushes."""
    factor = factor_of(user)
    if factor is None:
        factor = SecondFactor(user_id=user.id, version=1, failed_count=0)
        db.session.add(factor)
    factor.secret = secret
    factor.enrolled_at = utcnow()
    factor.last_step = None
    db.session.flush()
