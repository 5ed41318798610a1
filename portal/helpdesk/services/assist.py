"""Assist codes and the assisted view: the applicant reads a 6-digit code to the help desk,
who may then see their draft (answers included) while the code is valid."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal.applications import services as app_services
from portal.applications.models import (
    Application,
    Document,
)
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.catalogue.models import PermitCategory
from portal.db import rowcount, short_write, utcnow
from portal.errors import AccessDenied
from portal.extensions import db
from portal.helpdesk.models import (
    AssistAttempt,
    AssistCode,
    AssistView,
    AttemptOutcome,
)
from portal.helpdesk.services.access import HelpdeskError, require_helpdesk
from portal.helpdesk.services.overview import (
    ErrorLine,
    StepState,
    recent_errors,
    steps_of,
)
from portal.tutorials.stages import stage_label

ASSIST_LIFETIME = timedelta(minutes=15)
CODE_DIGITS = 6
# Wrong tries by one help desk account before it is locked. Enumeration math: a code is one of
# 10**6 values and is bound to one applicant (the help desk enters it on that applicant's page),
# so a guess hits with probability 1e-6. A staff account may make at most 5 wrong tries in any
# 10 minutes and 20 in any 24 hours; a code lives 15 minutes, so one code meets at most
# ~8 guesses (p < 1e-5), and a whole day of guessing against one applicant who keeps a code
# open all day reaches at most 20 guesses (p = 2e-5). Every try is stored with the staff id.
WRONG_TRY_LIMIT = 5
WRONG_TRY_WINDOW = timedelta(minutes=10)
DAILY_WRONG_LIMIT = 20
DAILY_WINDOW = timedelta(hours=24)
_CODE_INPUT_RE = re.compile(r"[0-9]{6}")


class AssistCodeInvalid(HelpdeskError):
    """The code is wrong, expired, ended, or another applicant's (all look the same)."""


class AssistLocked(HelpdeskError):
    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__(
            _l(
                "Too many wrong codes. Wait %(minutes)d minutes and try again.",
                minutes=max(1, -(-retry_after // 60)),
            )
        )
        self.retry_after = retry_after


def _code_hash(user_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"assist:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def active_code(user_id: int, now: datetime | None = None) -> AssistCode | None:
    now = now or utcnow()
    return db.session.scalar(
        select(AssistCode)
        .where(AssistCode.user_id == user_id, AssistCode.ended_at.is_(None), AssistCode.expires_at > now)
        .order_by(AssistCode.id.desc())
        .limit(1)
    )


def create_assist_code(user: User) -> tuple[AssistCode, str]:
    """A new 6-digit code for ``user``, valid 15 minutes; any older code stops working.
    Returns the row and the code (shown once to the applicant; only its HMAC is stored)."""
    if not user.has_role(Role.APPLICANT):
        raise AccessDenied()
    now = utcnow()
    end_assist_code(user, now=now)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = AssistCode(
        user_id=user.id, code_hash=_code_hash(user.id, code), created_at=now, expires_at=now + ASSIST_LIFETIME
    )
    db.session.add(row)
    db.session.flush()
    return row, code


def end_assist_code(user: User, *, now: datetime | None = None) -> int:
    """End every code of ``user`` still open; the help desk's view stops at once."""
    now = now or utcnow()
    ended = rowcount(
        db.session.execute(
            update(AssistCode)
            .where(AssistCode.user_id == user.id, AssistCode.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session="fetch")
        )
    )
    return ended


def assist_log(user: User, limit: int = 50) -> list[AssistView]:
    """Who from the help desk looked at the user's drafts, and when (newest first)."""
    return list(
        db.session.scalars(
            select(AssistView)
            .where(AssistView.applicant_id == user.id)
            .options(selectinload(AssistView.staff))
            .order_by(AssistView.started_at.desc(), AssistView.id.desc())
            .limit(limit)
        )
    )


def _counted_failures(staff_id: int, since: datetime) -> list[datetime]:
    return list(
        db.session.scalars(
            select(AssistAttempt.created_at)
            .where(
                AssistAttempt.staff_id == staff_id,
                AssistAttempt.created_at >= since,
                AssistAttempt.outcome.in_((AttemptOutcome.PENDING, AttemptOutcome.WRONG)),
            )
            .order_by(AssistAttempt.created_at)
        )
    )


def lock_remaining(staff: User, now: datetime | None = None) -> int:
    """Seconds until this help desk person may try a code again (0 when not locked)."""
    now = now or utcnow()
    waits = []
    for limit, window in ((WRONG_TRY_LIMIT, WRONG_TRY_WINDOW), (DAILY_WRONG_LIMIT, DAILY_WINDOW)):
        failures = _counted_failures(staff.id, now - window)
        if len(failures) >= limit:
            # Free again when enough of the counted failures have left the window.
            oldest_needed = failures[len(failures) - limit]
            waits.append(int((oldest_needed + window - now).total_seconds()) + 1)
    return max(waits, default=0)


def open_assist(staff: User, applicant: User, code: str) -> AssistView:
    """Check the code the applicant read out and open the assisted view of their draft.

    The try is written first (as pending, so it counts as wrong until proven right) and the
    failures are counted after it: parallel tries cannot slip past the limit. Raises
    AssistLocked when this person made too many wrong tries, AssistCodeInvalid for a wrong,
    expired, ended or another applicant's code.

    The one service that commits, on purpose (like the outbox's claim): the pending try is
    committed before the failures are counted, so a parallel try sees it, and a wrong or locked
    try is committed before the refusal is raised, because the refused request (400, 429)
    commits nothing and the try must still count."""
    require_helpdesk(staff)
    now = utcnow()
    attempt = AssistAttempt(
        staff_id=staff.id, applicant_id=applicant.id, outcome=AttemptOutcome.PENDING, created_at=now
    )
    db.session.add(attempt)
    db.session.commit()
    recent = _counted_failures(staff.id, now - WRONG_TRY_WINDOW)
    daily = _counted_failures(staff.id, now - DAILY_WINDOW)
    if len(recent) > WRONG_TRY_LIMIT or len(daily) > DAILY_WRONG_LIMIT:
        attempt.outcome = AttemptOutcome.LOCKED
        db.session.commit()
        current_app.logger.warning("helpdesk: assist codes locked for staff %s", staff.id)
        raise AssistLocked(lock_remaining(staff, now))
    digits = re.sub(r"[\s\-]", "", code or "")[:20]
    row = active_code(applicant.id, now)
    if (
        row is None
        or not _CODE_INPUT_RE.fullmatch(digits)
        or not hmac.compare_digest(row.code_hash, _code_hash(applicant.id, digits))
    ):
        attempt.outcome = AttemptOutcome.WRONG
        db.session.commit()
        raise AssistCodeInvalid(
            _l(
                "The code is not right, or it has expired or been ended. "
                "Ask the applicant to read it again or to make a new one."
            )
        )
    attempt.outcome = AttemptOutcome.OK
    view = AssistView(
        code_id=row.id, staff_id=staff.id, applicant_id=applicant.id, started_at=now, last_seen_at=now
    )
    db.session.add(view)
    db.session.commit()
    return view


def assist_is_live(view: AssistView, now: datetime | None = None) -> bool:
    return view.code.is_active(now or utcnow())


def touch(view: AssistView, *, refresh: bool = False) -> None:
    """Log that the help desk person saw the draft now (a page load or a live refresh)."""

    def _write() -> None:
        view.last_seen_at = utcnow()
        if refresh:
            view.refreshes = (view.refreshes or 0) + 1

    short_write(db.session, _write)  # from GET pages: its own short write transaction


@dataclass
class AnswerLine:
    label: str
    value: str


@dataclass
class PageAnswers:
    key: str
    title: str
    done: bool
    answers: list[AnswerLine]


@dataclass
class DocumentLine:
    label: str
    required: bool
    files: list[Document]


@dataclass
class AssistSnapshot:
    """An applicant's draft as they see it: what the assisted view shows (answers included)."""

    application: Application
    category: PermitCategory
    stage_label: str
    steps: list[StepState]
    pages: list[PageAnswers]
    documents: list[DocumentLine]
    errors: list[ErrorLine]
    latest_errors: list[ErrorLine]
    others: list[Application]


def editable_applications(applicant_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(
                Application.applicant_id == applicant_id,
                Application.status.in_((S.DRAFT, S.NEEDS_CORRECTION)),
            )
            .options(selectinload(Application.category))
            .order_by(Application.updated_at.desc(), Application.id.desc())
        )
    )


def assist_snapshot(view: AssistView, application_id: int | None = None) -> AssistSnapshot | None:
    """The applicant's current draft (the one they touched last, or ``application_id`` among
    their drafts), read only while the code is valid; None when the code is no longer valid or
    there is no draft."""
    if not assist_is_live(view):
        return None
    drafts = editable_applications(view.applicant_id)
    if not drafts:
        return None
    application = next((a for a in drafts if a.id == application_id), drafts[0])
    spec = app_services.spec_of(application)
    documents = app_services.documents_of(application)
    answers = application.answers or {}
    completed = set(application.completed_pages or [])
    pages = []
    for page in spec.pages:
        lines = [
            AnswerLine(f.label, spec.display_value(f, answers.get(f.key)))
            for f in page.fields
            if spec.visible(f, answers)
        ]
        pages.append(PageAnswers(page.key, page.title, page.key in completed, lines))
    by_requirement: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_requirement[doc.requirement_key].append(doc)
    doc_lines = [DocumentLine(d.label, d.required, by_requirement.get(d.key, [])) for d in spec.documents]
    errors = recent_errors([application.id], {application.id: spec}).get(application.id, [])
    # "On the page now": the errors of the applicant's last save (one save writes its errors
    # within a moment of each other).
    latest = [
        e
        for e in errors
        if errors
        and (errors[0].when - e.when) <= timedelta(seconds=5)
        and e.stage == errors[0].stage
        and e.page_title == errors[0].page_title
    ]
    try:
        label = stage_label(application.stage)
    except KeyError:
        label = application.stage
    return AssistSnapshot(
        application=application,
        category=application.category,
        stage_label=label,
        steps=steps_of(application, spec, documents),
        pages=pages,
        documents=doc_lines,
        errors=errors,
        latest_errors=latest,
        others=[a for a in drafts if a.id != application.id],
    )
