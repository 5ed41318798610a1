"""What is still missing, submitting a draft (all or nothing, once) and withdrawing."""

from __future__ import annotations

import time

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from portal.applications import workflow
from portal.applications.models import Application
from portal.applications.models import ApplicationStatus as S
from portal.applications.progress import documents_of
from portal.applications.services.errors import ApplicationError, Missing, MissingItems
from portal.applications.services.mandates import refuse_flagged_power_of_attorney
from portal.applications.steps import STAGE_REVIEW, spec_of
from portal.auth.models import User
from portal.db import utcnow
from portal.extensions import db

DECLARATION_MISSING = _l("Tick the declaration box to confirm that your answers are true.")


# -- what is missing, submit ----------------------------------------------------------------------


def missing_items(application: Application) -> Missing:
    spec = spec_of(application)
    pages = spec.missing(application.answers or {})
    for page in spec.pages:
        has_required = any(f.required for f in page.fields)
        if has_required and page.key not in (application.completed_pages or []) and page.key not in pages:
            # never visited: list its required fields that apply
            keys = [f.key for f in page.fields if f.required and spec.visible(f, application.answers or {})]
            if keys:
                pages[page.key] = keys
    have = {d.requirement_key for d in documents_of(application)}
    documents = [d.key for d in spec.documents if d.required and d.key not in have]
    return Missing(pages, documents)


def submit(
    application: Application, actor: User, *, declaration: bool, expected_version: int | None = None
) -> Application:
    """Submit a draft: all or nothing, once. Needs a verified email, the declaration, every
    required answer and document. A second, simultaneous submit finds the work done and changes
    nothing (workflow's optimistic lock)."""
    if not actor.email_verified:
        raise ApplicationError(
            _l(
                "Confirm your email address before submitting: open the message we sent you "
                "and press the link."
            )
        )
    if application.status is not S.DRAFT:
        if application.tracking_number:
            return application  # already submitted (a double click): nothing to do
        raise ApplicationError(_l("This application cannot be submitted now."))
    refuse_flagged_power_of_attorney(application, documents_of(application))
    if not declaration:
        raise ApplicationError(DECLARATION_MISSING)
    missing = missing_items(application)
    if missing:
        raise MissingItems(missing)
    for attempt in range(_LOCK_RETRIES):
        try:
            workflow.transition(
                application,
                S.SUBMITTED,
                actor,
                expected_version=expected_version,
                changes={"declaration_accepted_at": utcnow(), "stage": STAGE_REVIEW},
            )
            # On purpose: a SQLite lock error can come from the commit itself, and is retried.
            db.session.commit()
            return application
        except (workflow.StaleApplication, OperationalError) as exc:
            # Another request (a double click) may have got there first. On SQLite the loser
            # can learn it from a lock error instead of the version check: wait and look again.
            db.session.rollback()
            if isinstance(exc, OperationalError) and not _is_lock_error(exc):
                raise
            if isinstance(exc, OperationalError):
                time.sleep(0.05 * (attempt + 1))
            fresh = db.session.get_one(Application, application.id)
            db.session.refresh(fresh)
            if fresh.status is not S.DRAFT:
                return fresh
            if isinstance(exc, workflow.StaleApplication):
                raise
            application = fresh
    raise ApplicationError(_l("The portal is busy. Wait a moment and press “Submit application” again."))
    return application


_LOCK_RETRIES = 40


def _is_lock_error(exc: OperationalError) -> bool:
    return "database is locked" in str(exc) or "could not serialize" in str(exc)


def withdraw(
    application: Application, actor: User, *, expected_version: int | None = None, note: str | None = None
) -> None:
    workflow.transition(application, S.WITHDRAWN, actor, expected_version=expected_version, note=note)
