"""Closing an account on the person's request (UU 27/2022): the account is anonymised and its
drafts deleted; what the law requires stays (issued permits, the office's decisions on
submitted applications, the audit trail). Refused while an application is being reviewed."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select

from portal.applications.models import Application, ApplicationStatus, Document
from portal.applications.services.mandates import access_clause, revoke_all_mandates
from portal.audit.services import audit
from portal.auth import passwords
from portal.auth.consent import withdraw_consents
from portal.auth.models import AuthToken, User
from portal.auth.sessions import end_all_sessions
from portal.business import services as business_services
from portal.db import utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.notifications.models import Notice
from portal.storage import get_storage
from portal.transaction import atomic, delete_file_after_commit
from portal.vault import services as vault

S = ApplicationStatus
IN_REVIEW = (S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION, S.RESUBMITTED, S.RECOMMENDED)

#: What stays after closing, and why: shown before the person confirms.
KEPT = (
    _l("Issued permits, with the holder's name printed on them: they stay valid and verifiable."),
    _l("The office's decisions on your submitted applications: public records the office must keep."),
    _l("The record of who did what and when (the audit trail): the law asks the office to keep it."),
)
ANONYMISED_NAME = "(akun ditutup)"


class PrivacyError(PortalError):
    status_code = 409


def deletion_blockers(user: User) -> list[Application]:
    """Applications being reviewed (hers, and those filed for her under a mandate): while there
    is one, the account cannot be closed."""
    return list(
        db.session.scalars(
            select(Application)
            .where(
                # Hers, and those filed for her under a mandate (a business's application that
                # another member filed does not hold her account open).
                or_(
                    Application.applicant_id == user.id,
                    and_(Application.mandate_id.is_not(None), access_clause(user, as_principal=True)),
                ),
                Application.status.in_(IN_REVIEW),
            )
            .order_by(Application.id)
        )
    )


def delete_drafts(applications: list[Application]) -> int:
    """Delete drafts, their documents and stored files (the files once the change commits)."""
    storage = get_storage()
    ids = [a.id for a in applications]
    if not ids:
        return 0
    for document in db.session.scalars(select(Document).where(Document.application_id.in_(ids))):
        for key in (document.storage_key, document.thumbnail_key):
            if key:
                delete_file_after_commit(storage, key)
    db.session.execute(delete(Document).where(Document.application_id.in_(ids)))
    db.session.execute(delete(Application).where(Application.id.in_(ids)))
    db.session.flush()
    return len(ids)


def close_account(user: User, password: str) -> None:
    """Anonymise ``user`` and delete their drafts, after checking the password. Flushes; the
    request commits. Raises PrivacyError when refused."""
    if not passwords.verify_password(user.password_hash, password or ""):
        raise PrivacyError(_("The password is not correct. Type your current password to close the account."))
    blockers = deletion_blockers(user)
    if blockers:
        numbers = ", ".join(a.tracking_number or "-" for a in blockers)
        raise PrivacyError(
            _(
                "Your application %(numbers)s is being reviewed, so the account cannot be closed now. "
                "Wait for the decision, or withdraw the application first.",
                numbers=numbers,
            )
        )
    sole_owner = business_services.closing_blockers(user)
    if sole_owner:
        raise PrivacyError(
            _(
                "You are the only owner of %(names)s, which has other members. Make one of them an owner "
                "under My businesses first, so the business keeps an owner; then close your account.",
                names=", ".join(b.name for b in sole_owner),
            )
        )
    with atomic():
        drafts = list(
            db.session.scalars(
                select(Application).where(Application.applicant_id == user.id, Application.status == S.DRAFT)
            )
        )
        deleted = delete_drafts(drafts)
        withdraw_consents(user)
        revoke_all_mandates(user)  # given and held: nobody files for or as a closed account
        business_services.leave_all(user)  # the businesses stay, with their other owners
        end_all_sessions(user)
        db.session.execute(delete(AuthToken).where(AuthToken.user_id == user.id))
        db.session.execute(delete(Notice).where(Notice.user_id == user.id))
        user.full_name = ANONYMISED_NAME
        user.email = f"closed-{user.id}@closed.invalid"
        user.nik = None
        user.phone = None
        user.address = None
        for item in vault.list_own_items(user):  # "Dokumen saya": the rows, and the files once committed
            vault.delete_item(item)
        user.password_hash = "!closed"  # noqa: S105 - not a hash: matches no password
        user.is_active_account = False
        user.email_verified_at = None
        audit(
            user,
            "account.close",
            "user",
            user.id,
            "closed by the account holder",
            drafts_deleted=deleted,
            at=utcnow().isoformat(),
        )
        db.session.flush()
