"""Where an applicant is with a draft: the furthest stage reached (for the help desk), the step
to resume at, what each status means in plain words, and the values filled in from the account.
Re-exported by ``services``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.applications.models import Application, Document
from portal.applications.models import ApplicationStatus as S
from portal.applications.steps import (
    STAGE_DOCUMENTS,
    STAGE_FORM,
    STAGE_REQUIREMENTS,
    STAGE_REVIEW,
    Step,
    spec_of,
    steps,
)
from portal.auth.models import User
from portal.db import short_write
from portal.extensions import db


def documents_of(application: Application) -> list[Document]:
    """The application's documents, read fresh (the relationship never lazy-loads)."""
    return list(
        db.session.scalars(
            select(Document).where(Document.application_id == application.id).order_by(Document.id)
        )
    )


def resume_step(application: Application) -> tuple[int, int, Step]:
    """Where a draft goes on: the first unfinished step after the furthest one reached (a form
    page not done yet, the documents while a required one is missing, else the review), as
    (its number counted from 1, the number of steps, the step). A draft never taken past the
    requirements starts there."""
    spec = spec_of(application)
    all_steps = steps(spec)
    done = set(application.completed_pages or [])
    started = bool(done) or application.stage not in (None, STAGE_REQUIREMENTS)
    if not started:
        return 1, len(all_steps), all_steps[0]
    have = {d.requirement_key for d in documents_of(application)}
    for number, step in enumerate(all_steps, 1):
        if step.stage == STAGE_FORM and step.page_key not in done:
            return number, len(all_steps), step
        if step.stage == STAGE_DOCUMENTS and any(d.required and d.key not in have for d in spec.documents):
            return number, len(all_steps), step
    return len(all_steps), len(all_steps), all_steps[-1]


#: What each status means for the applicant, and what happens next, in plain words.
STATUS_EXPLAINED = {
    S.DRAFT: _l("Not sent yet. The office cannot see it until you submit it."),
    S.SUBMITTED: _l("Sent. The office will check it; you do not need to do anything now."),
    S.IN_REVIEW: _l("An officer is checking it. You do not need to do anything now."),
    S.NEEDS_CORRECTION: _l("The office asks you to fix something. Open it to see what."),
    S.RESUBMITTED: _l("Your corrections were sent. The office will check them."),
    S.RECOMMENDED: _l("Checked and recommended. It is waiting for the final decision."),
    S.APPROVED: _l("Approved. You can download your permit."),
    S.REJECTED: _l("Not approved. Open it to read the reason."),
    S.WITHDRAWN: _l("You withdrew it. Nothing more will happen."),
}


def prefilled_values(application: Application, page_key: str, user: User) -> dict[str, Any]:
    """Values from the applicant's account for the page's fields marked "fill in from the
    account" that have no answer yet. Shown in the form only: they are saved (and checked by
    the field's rules, like anything typed) when the page is posted."""
    answers = application.answers or {}
    values = {}
    for field in spec_of(application).pages_by_key[page_key].fields:
        if field.prefill and field.key not in answers:
            value = getattr(user, field.prefill, None)
            if value:
                values[field.key] = value
    return values


def record_stage(application: Application, stage: str) -> None:
    """Remember the furthest stage a draft reached (for the help desk). Called from GET
    pages: the write, when there is one, is a short write transaction of its own
    (portal.db.short_write), never an upgrade of the page's read transaction."""
    if application.status is not S.DRAFT or not _would_advance(application.stage, stage):
        return
    reached = _STAGE_ORDER[_STAGE_ORDER.index(stage) :]
    short_write(
        db.session,
        lambda: db.session.execute(
            update(Application)
            .where(
                Application.id == application.id,
                Application.status == S.DRAFT,
                Application.stage.not_in(reached),
            )
            .values(stage=stage)
            .execution_options(synchronize_session=False)
        ),
    )


_STAGE_ORDER = (STAGE_REQUIREMENTS, STAGE_FORM, STAGE_DOCUMENTS, STAGE_REVIEW)


def _would_advance(current: str | None, stage: str) -> bool:
    current = current if current in _STAGE_ORDER else STAGE_REQUIREMENTS
    return _STAGE_ORDER.index(stage) > _STAGE_ORDER.index(current)


def _advance_stage(application: Application, stage: str) -> bool:
    """Keep the furthest stage reached (going back to an earlier page does not lower it)."""
    if _would_advance(application.stage, stage):
        application.stage = stage
        return True
    return False
