"""Permits: issuing one on approval (number, validity, PDF certificate), the public
verification view of it, and revocation. Callable without a request.

``issue_permit`` runs on the workflow's ``application_approved`` signal (connected at app
creation), right after an application moves to APPROVED, inside the same transaction: the
permit exists exactly when the approval does. The certificate is written to storage first and
the row recorded after it; if the transaction then rolls back, the file is deleted again (see
``transaction.delete_file_on_rollback``), so no row points to a missing file and no file is left behind
for nothing.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import secrets
import string
from dataclasses import dataclass
from datetime import date, datetime

from cryptography.hazmat.primitives import serialization
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.applications import workflow
from portal.applications.models import Application, ApplicationStatus
from portal.applications.services.mandates import access_clause, principal_of
from portal.auth.models import Role, User
from portal.business.models import Business
from portal.calendar import clock
from portal.catalogue.models import DEFAULT_PERMIT_NUMBER_PATTERN, PermitCategory
from portal.db import rowcount, utcnow
from portal.errors import AccessDenied, NotFoundError, PortalError
from portal.extensions import db
from portal.permits import letter, letter_data, pdf, signing
from portal.permits.models import Permit, PermitState
from portal.permits.signing import keys, pades
from portal.sequences import next_value
from portal.storage import get_storage
from portal.transaction import atomic_service, delete_file_on_rollback
from portal.urls import absolute_url

PDF_CONTENT_TYPE = "application/pdf"
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 random bits
#: What a well-formed token looks like; anything else is "not found" without a query.
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_REASON_LENGTH = 1000
SHORT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

STATE_LABELS = {
    PermitState.VALID: _l("VALID"),
    PermitState.EXPIRED: _l("EXPIRED"),
    PermitState.REVOKED: _l("REVOKED"),
}


class PermitError(PortalError):
    """Refused by a rule; ``str(error)`` is a message for the person who tried."""


class PermitNumberPatternError(PortalError, ValueError):
    """A category's permit number pattern cannot make unique numbers."""


# -- numbers and dates ------------------------------------------------------------------------------
_PATTERN_FIELDS = {"code", "year", "seq", "month"}


def validate_number_pattern(pattern: str) -> list[str]:
    """Problems with a permit number pattern (empty list: usable). A pattern may use {code},
    {year}, {month} and {seq} with a format such as {seq:05}; it must hold {code}, {year} and
    {seq} so that numbers are unique across categories and years. For the admin form too."""
    problems: list[str] = []
    seen: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        # Python's own text ("Single '}' encountered") is not for the admin: say what to fix.
        return [
            str(
                _l(
                    "a brace { or } is not closed or not paired; write placeholders as "
                    "{code}, {year}, {month} or {seq}"
                )
            )
        ]
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in _PATTERN_FIELDS or conversion:
            problems.append(str(_l("{%(name)s} is not a placeholder this pattern can use", name=name)))
            continue
        if spec and not re.fullmatch(r"0?\d{1,2}d?", spec):
            problems.append(
                str(
                    _l(
                        "{%(name)s:%(spec)s} is not a format this pattern can use; "
                        "write for example {seq:05}",
                        name=name,
                        spec=spec,
                    )
                )
            )
        seen.add(name)
    for needed in ("code", "year", "seq"):
        if needed not in seen:
            problems.append(str(_l("the pattern needs {%(name)s}", name=needed)))
    if len(pattern) > 80:
        problems.append(str(_l("the pattern is longer than 80 characters")))
    return problems


def format_permit_number(pattern: str, *, code: str, year: int, month: int, seq: int) -> str:
    """The number made from ``pattern`` (only the known placeholders, no attribute access:
    the pattern is typed by staff). A bad pattern falls back to the default one."""
    if validate_number_pattern(pattern):
        current_app.logger.warning("permit number pattern %r is not usable; using the default", pattern)
        pattern = DEFAULT_PERMIT_NUMBER_PATTERN
    values = {"code": code, "year": year, "month": month, "seq": seq}
    out = []
    for literal, name, spec, _conversion in string.Formatter().parse(pattern):
        out.append(literal)
        if name is not None:
            out.append(format(values[name], spec or ""))
    return "".join(out)


def add_months(start: date, months: int) -> date:
    """``start`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    total = start.month - 1 + months
    year, month = start.year + total // 12, total % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def new_verification_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def verify_url(token: str) -> str:
    """The public verification link on the configured address, never the request's Host."""
    return absolute_url("permits.verify", token=token)


# -- masking ---------------------------------------------------------------------------------------
def _mask_word(word: str) -> str:
    if len(word) <= 2:
        return word[0] + "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


def mask_name(name: str) -> str:
    """Enough of a name to recognise, not enough to learn it: the first word stays, the others
    keep their first and last letters ("Siti Rahmawati" -> "Siti R*******i"). A name of one
    word is masked too, or it would be shown whole."""
    words = (name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return _mask_word(words[0])
    return " ".join([words[0], *(_mask_word(w) for w in words[1:])])


def mask_nik(nik: str | None) -> str:
    """A NIK with only its first four and last two digits ("6472**********01")."""
    digits = (nik or "").strip()
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


# -- loading ----------------------------------------------------------------------------------------
def permit_for_application(application_id: int) -> Permit | None:
    return db.session.scalar(select(Permit).where(Permit.application_id == application_id))


def get_own_permit_or_404(application_id: int, user: User) -> Permit:
    """The permit of ``user``'s own application (or one filed for her, or by her under a mandate
    not revoked), or 404 (someone else's looks missing)."""
    permit = db.session.scalar(
        select(Permit)
        .join(Application, Application.id == Permit.application_id)
        .where(Permit.application_id == application_id, access_clause(user, as_principal=True))
    )
    if permit is None:
        raise NotFoundError()
    return permit


def get_permit_for_approver_or_404(permit_id: int, user: User) -> Permit:
    """A permit for an approver to act on; 403 for anyone else, 404 when it does not exist."""
    if not user.has_role(Role.APPROVER):
        raise AccessDenied()
    permit = db.session.get(Permit, permit_id)
    if permit is None:
        raise NotFoundError()
    return permit


def find_by_token(token: str) -> Permit | None:
    """The permit with this verification token, or None. A malformed token is looked up like
    any other (one query either way), so the answer takes the same time and says the same."""
    candidate = token if TOKEN_RE.fullmatch(token or "") else "-" * 43
    return db.session.scalar(select(Permit).where(Permit.verification_token == candidate))


# -- issuing ---------------------------------------------------------------------------------------
def on_application_approved(application: Application, *, actor: User, **_: object) -> None:
    """The receiver of ``applications.signals.application_approved``."""
    issue_permit(application, actor)


def issue_permit(application: Application, approver: User) -> Permit:
    """Issue the permit of an approved application: number, validity, the signed letter.

    Runs on the workflow's approval signal, inside the approval's transaction (the caller
    commits). Idempotent: a second call returns the permit already issued. Raises PermitError
    when the application is not approved, and SigningUnavailable (nothing issued, the caller's
    transaction rolls back with the number) when the letter cannot be signed."""
    existing = permit_for_application(application.id)
    if existing is not None:
        return existing
    if application.status is not ApplicationStatus.APPROVED:
        raise PermitError(_l("A permit is issued only for an approved application."))
    # The key is checked before a number is drawn: a refusal here touches nothing.
    signer = signing.signer_from_config()
    category = db.session.get_one(PermitCategory, application.category_id)
    # The holder: the principal when a representative filed it, else the applicant.
    applicant = principal_of(application) or db.session.get_one(User, application.applicant_id)
    now = utcnow()
    today = clock.office_today(now)
    # A business permit is issued to the business: its name and NIB as they are today.
    business = (
        db.session.get_one(Business, application.holder_business_id)
        if application.holder_business_id is not None
        else None
    )
    seq = next_value(f"permit:{category.code}:{today.year}")
    permit = Permit(
        application_id=application.id,
        number=format_permit_number(
            category.permit_number_pattern or DEFAULT_PERMIT_NUMBER_PATTERN,
            code=category.code,
            year=today.year,
            month=today.month,
            seq=seq,
        ),
        category_id=category.id,
        holder_name=(business.name if business is not None else applicant.full_name)[:120],
        holder_nib=business.nib if business is not None else None,
        holder_business_id=business.id if business is not None else None,
        issued_at=now,
        valid_until=add_months(today, category.validity_months) if category.validity_months else None,
        verification_token=new_verification_token(),
        short_code=new_short_code(),
        approved_by_id=approver.id,
    )
    logo = letter_data.letterhead_logo()
    body, box = letter.render_letter(
        letter_data.letter_data(permit, application, category, applicant, approver, lang="id", logo=logo),
        font_dirs=_font_dirs(),
    )
    config = current_app.config
    signed = pades.sign_pdf(
        body,
        signer,
        box=box,
        reason=f"{category.name_id} {permit.number}",
        location=config["OFFICE_CITY"],
        timestamp_url=config.get("PERMIT_TIMESTAMP_URL") or None,
    )
    permit.sha256 = hashlib.sha256(signed).hexdigest()
    permit.signer_name = keys.common_name(signer.certificate)[:300]
    permit.signed_at = utcnow()
    permit.signer_certificate = signer.certificate.public_bytes(serialization.Encoding.DER)
    english, _box = letter.render_letter(
        letter_data.letter_data(permit, application, category, applicant, approver, lang="en", logo=logo),
        font_dirs=_font_dirs(),
    )
    storage = get_storage()
    stored = storage.save(io.BytesIO(signed), key_prefix="permits/")
    delete_file_on_rollback(storage, stored.key)
    permit.pdf_key = stored.key
    stored_en = storage.save(io.BytesIO(english), key_prefix="permits/")
    delete_file_on_rollback(storage, stored_en.key)
    permit.pdf_en_key = stored_en.key
    db.session.add(permit)
    db.session.flush()
    return permit


def new_short_code() -> str:
    """The code printed under the QR code: 8 letters and digits easy to read aloud
    ("K7QM-4TXD"; no 0/O or 1/I), 40 random bits."""
    raw = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def find_by_short_code(code: str) -> Permit | None:
    cleaned = re.sub(r"[^A-Za-z0-9]", "", code or "").upper()
    if len(cleaned) != 8:
        return None
    return db.session.scalar(select(Permit).where(Permit.short_code == f"{cleaned[:4]}-{cleaned[4:]}"))


def _font_dirs() -> tuple[str, ...]:
    configured = current_app.config.get("PDF_FONT_DIR")
    return (configured, *pdf.DEFAULT_FONT_DIRS) if configured else pdf.DEFAULT_FONT_DIRS


# -- the public view -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Verification:
    """What /verify/<token> shows: nothing more than a holder of the QR code needs."""

    number: str
    category: PermitCategory
    holder_masked: str
    #: A business permit: the business's NIB (its name is shown whole: a business is public).
    holder_nib: str | None
    issued_on: date
    valid_until: date | None
    state: PermitState
    revoked_on: date | None
    revocation_reason: str | None


def verification_of(permit: Permit, today: date | None = None) -> Verification:
    today = today or clock.office_today()
    category = db.session.get_one(PermitCategory, permit.category_id)
    return Verification(
        number=permit.number,
        category=category,
        holder_masked=permit.holder_name if permit.holder_nib else mask_name(permit.holder_name),
        holder_nib=permit.holder_nib,
        issued_on=clock.office_today(permit.issued_at),
        valid_until=permit.valid_until,
        state=permit.state(today),
        revoked_on=clock.office_today(permit.revoked_at) if permit.revoked_at else None,
        revocation_reason=permit.revocation_reason,
    )


# -- revocation -------------------------------------------------------------------------------------
@atomic_service
def revoke_permit(permit: Permit, approver: User, reason: str | None) -> Permit:
    """Revoke ``permit`` with a reason (shown on the verification page and to the applicant).

    Approver role only, never on one's own permit; the caller commits. Raises PermitError
    (nothing changed) when not allowed, without a reason, or already revoked."""
    application = db.session.get_one(Application, permit.application_id)
    if not approver.has_role(Role.APPROVER) or approver.id == application.applicant_id:
        raise PermitError(_l("Only an approver can revoke a permit."))
    reason = (reason or "").strip()
    if not reason:
        raise PermitError(_l("Give the reason for revoking the permit."))
    if len(reason) > MAX_REASON_LENGTH:
        raise PermitError(
            _l("The reason is too long (at most %(limit)s characters).", limit=MAX_REASON_LENGTH)
        )
    now: datetime = utcnow()
    result = db.session.execute(
        update(Permit)
        .where(Permit.id == permit.id, Permit.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by_id=approver.id, revocation_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise PermitError(_l("This permit has already been revoked."))
    workflow.record(application, approver, "revoke_permit", note=reason, visible_to_applicant=True)
    db.session.flush()
    db.session.refresh(permit)
    return permit


def download_name(permit: Permit, *, english: bool = False) -> str:
    """The letter's file name: "Izin-503-TST-DPMPTSP-2026-00001.pdf" (its translation:
    "...-EN.pdf")."""
    stem = "Izin-" + re.sub(r"[^A-Za-z0-9._-]+", "-", permit.number).strip("-")
    return stem + ("-EN" if english else "") + ".pdf"
