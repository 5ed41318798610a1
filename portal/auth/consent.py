"""The privacy notice's version and the consent given to it at registration (UU 27/2022 on
personal data protection). The notice itself is the page ``auth.privacy_notice``; a change to
what it says gets a new version here, and the consent records which version a person saw."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.consent_models import PrivacyConsent
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db

#: The notice's version and the date it took effect (shown on the notice).
NOTICE_VERSION = "2026-12"
NOTICE_DATE = "2026-12-01"


def record_consent(user: User, version: str = NOTICE_VERSION) -> PrivacyConsent:
    """Explicit consent to the notice of ``version``, now. Flushes; the caller commits."""
    consent = PrivacyConsent(user_id=user.id, notice_version=version, given_at=utcnow())
    db.session.add(consent)
    db.session.flush()
    return consent


def consents_of(user: User) -> list[PrivacyConsent]:
    return list(
        db.session.scalars(
            select(PrivacyConsent).where(PrivacyConsent.user_id == user.id).order_by(PrivacyConsent.id)
        )
    )


def withdraw_consents(user: User) -> None:
    """Mark every consent of ``user`` withdrawn (the account is being closed). Flushes."""
    now = utcnow()
    for consent in consents_of(user):
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    db.session.flush()
