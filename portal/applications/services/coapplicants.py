"""Co-applicants: a category can require a second party (the land owner for a PBG) to confirm
each application. After submitting, the applicant names the co-applicant's email; a one-time
link goes out (only its hash is stored, it expires); the office cannot review the application
until the co-applicant, logged in with the invited email's account, confirms. A decline returns
it to the applicant with the reason, who may invite again."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal.applications import workflow
from portal.applications.models import Application, CoApplicant, CoApplicantState
from portal.applications.models import ApplicationStatus as S
from portal.applications.services.errors import ApplicationError
from portal.auth.models import User
from portal.catalogue.models import PermitCategory
from portal.db import rowcount, utcnow
from portal.extensions import db
from portal.i18n import localized
from portal.notifications.services import queue_email, queue_email_to_address
from portal.transaction import atomic_service
from portal.urls import absolute_url

LINK_LIFETIME = timedelta(days=7)
#: Invitations per application in any 24 hours: each one emails a link to an address the
#: applicant types, so a declined applicant cannot turn the portal into a mail cannon.
MAX_INVITES_A_DAY = 5

LINK_INVALID = _l("This co-applicant link is not valid. Ask the applicant to send a new one.")
LINK_USED = _l("This co-applicant link was already used. Nothing more to do here.")
LINK_EXPIRED = _l("This co-applicant link has expired. Ask the applicant to send a new one.")
OTHER_ACCOUNT = _l(
    "This link was sent to another email address. Log out and log in (or register) with the "
    "address the invitation was sent to."
)


class CoApplicantError(ApplicationError):
    """A co-applicant link or invitation refused, with a message for the person."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def latest(application: Application) -> CoApplicant | None:
    return db.session.scalar(
        select(CoApplicant)
        .where(CoApplicant.application_id == application.id)
        .order_by(CoApplicant.id.desc())
        .limit(1)
    )


def may_invite(application: Application, category: PermitCategory) -> bool:
    """The applicant may (again) name a co-applicant: required, submitted, none pending or
    confirmed."""
    if category.co_applicant_role_en is None or application.status not in (S.SUBMITTED, S.RESUBMITTED):
        return False
    last = latest(application)
    return last is None or last.state is CoApplicantState.DECLINED


@atomic_service
def invite(application: Application, actor: User, email: str) -> CoApplicant:
    category = db.session.get_one(PermitCategory, application.category_id)
    if actor.id != application.applicant_id:
        raise workflow.NotPermitted(_l("You are not allowed to do this for this application."))
    if not may_invite(application, category):
        raise CoApplicantError(_l("A co-applicant cannot be invited for this application now."))
    sent = db.session.scalar(
        select(func.count())
        .select_from(CoApplicant)
        .where(
            CoApplicant.application_id == application.id,
            CoApplicant.created_at > utcnow() - timedelta(days=1),
        )
    )
    if (sent or 0) >= MAX_INVITES_A_DAY:
        raise CoApplicantError(
            _l(
                "You have invited a co-applicant %(n)d times in the last 24 hours for this application, "
                "the most allowed. Try again tomorrow, or ask the help desk.",
                n=MAX_INVITES_A_DAY,
            )
        )
    email = (email or "").strip().lower()
    if not email or "@" not in email or len(email) > 254:
        raise CoApplicantError(_l("Enter the co-applicant's email address."))
    if email == actor.email.lower():
        raise CoApplicantError(_l("The co-applicant must be someone else, not you."))
    token = secrets.token_urlsafe(32)
    row = CoApplicant(
        application_id=application.id,
        email=email,
        token_hash=_hash(token),
        expires_at=utcnow() + LINK_LIFETIME,
    )
    db.session.add(row)
    link = absolute_url("applications.co_applicant", token=token)
    subject = _("Please confirm an application on SatuPintu")
    body = _(
        "%(name)s names you as %(role)s on the application %(number)s (%(category)s).\n\n"
        "Open this link, log in or register with this email address, and confirm or decline:\n"
        "%(link)s\n\nThe link works once and expires in %(days)s days.",
        name=actor.full_name,
        role=localized(category, "co_applicant_role"),
        number=application.tracking_number or "",
        category=localized(category, "name"),
        link=link,
        days=LINK_LIFETIME.days,
    )
    queue_email_to_address(email, None, subject, body)
    workflow.record(application, actor, "co_applicant.invite", email, visible_to_applicant=False)
    db.session.flush()
    return row


def open_link(token: str, user: User) -> CoApplicant:
    """The pending invitation of ``token`` for ``user``, or CoApplicantError (invalid, used,
    expired, another account)."""
    row = db.session.scalar(select(CoApplicant).where(CoApplicant.token_hash == _hash(token or "")))
    if row is None or len(token or "") > 100:
        raise CoApplicantError(LINK_INVALID)
    if row.state is not CoApplicantState.PENDING:
        raise CoApplicantError(LINK_USED)
    if row.expires_at <= utcnow():
        raise CoApplicantError(LINK_EXPIRED)
    if user.email.lower() != row.email:
        raise CoApplicantError(OTHER_ACCOUNT)
    return row


@atomic_service
def answer(token: str, user: User, *, confirm: bool, reason: str = "") -> CoApplicant:
    row = open_link(token, user)
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise CoApplicantError(_l("Write why you decline; the applicant will see it."))
    # One conditional UPDATE: of two answers racing with the same link, only one counts.
    done = db.session.execute(
        update(CoApplicant)
        .where(CoApplicant.id == row.id, CoApplicant.state == CoApplicantState.PENDING)
        .values(
            state=CoApplicantState.CONFIRMED if confirm else CoApplicantState.DECLINED,
            user_id=user.id,
            answered_at=utcnow(),
            reason=reason or None,
        )
        .execution_options(synchronize_session=False)
    )
    if rowcount(done) != 1:
        raise CoApplicantError(LINK_USED)
    db.session.refresh(row)
    application = db.session.get_one(Application, row.application_id)
    action = "co_applicant.confirm" if confirm else "co_applicant.decline"
    workflow.record(application, user, action, reason or None, visible_to_applicant=False)
    _tell_applicant(application, row, user)
    db.session.flush()
    return row


def _tell_applicant(application: Application, row: CoApplicant, co_applicant: User) -> None:
    """The applicant learns of the answer (an in-app notice and an email, in her language)."""
    applicant = db.session.get_one(User, application.applicant_id)
    category = db.session.get_one(PermitCategory, application.category_id)
    number = application.tracking_number or "-"
    who = f"{co_applicant.full_name} ({row.email})"
    if row.state is CoApplicantState.CONFIRMED:
        subject = _l("Co-applicant confirmed: %(number)s", number=number)
        notice = _l("%(who)s confirmed your application %(number)s.", who=who, number=number)
    else:
        subject = _l("Co-applicant declined: %(number)s", number=number)
        notice = _l(
            "%(who)s declined to confirm your application %(number)s. See the reason and invite again.",
            who=who,
            number=number,
        )
    queue_email(
        applicant,
        f"co_applicant_{row.state.value}",
        subject,
        dedupe_key=f"co-applicant:{row.id}:{row.state.value}",
        link=absolute_url("applications.detail", application_id=application.id),
        notice=notice,
        application=application,
        category=category,
        who=who,
        reason=row.reason,
    )
