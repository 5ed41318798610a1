"""The help desk's rules: finding applicants, the read-only applicant overview, resending the
verification email, sending a tutorial chapter, support notes, assist codes and the assisted
view, and the "where people get stuck" report. Callable without a request (tests, CLI).

Who may call what: the console functions are for help desk staff (the views check the role
with ``roles_required(Role.HELPDESK)`` and the loaders here check it again); the report is for
help desk staff and admins (there is no separate "lead" role: every help desk person and every
admin may see it); assist codes are created and ended by the applicant themselves.

Nothing here changes an application, a document, a profile or a role. The console overview
never reads answers or document names; only the assisted view does, and only while the
applicant's assist code is valid.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import aliased, selectinload

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import (
    Application,
    AuditEvent,
    Document,
    DocumentState,
    ValidationEvent,
)
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User, UserRole
from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import FormVersion, PermitCategory
from portal.db import utcnow
from portal.extensions import db
from portal.helpdesk.models import (
    AssistAttempt,
    AssistCode,
    AssistView,
    AttemptOutcome,
    Channel,
    SupportNote,
)
from portal.tutorials.models import StageTutorial, Tutorial, TutorialView
from portal.tutorials.stages import stage_label
from portal.validation import clean_display_text, normalize_phone

CHANNEL_LABELS = {
    Channel.PHONE: _l("Phone"),
    Channel.WHATSAPP: _l("WhatsApp"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.EMAIL: _l("Email"),
}

DOCUMENT_STATE_LABELS = {
    DocumentState.PENDING: _l("waiting for the office's check"),
    DocumentState.ACCEPTED: _l("accepted"),
    DocumentState.FLAGGED: _l("needs a new file"),
}

#: What each validation error code means, for help desk staff (the applicant saw the
#: field's own message; the code is what is stored, never the value typed).
ERROR_MESSAGES = {
    "required": _l("left empty"),
    "too_long": _l("too long"),
    "too_short": _l("too short"),
    "invalid_number": _l("not a number"),
    "not_finite": _l("not a number"),
    "out_of_range": _l("number outside the allowed range"),
    "invalid_date": _l("not a valid date"),
    "date_not_future": _l("date must be today or later"),
    "date_not_past": _l("date must be today or earlier"),
    "invalid_choice": _l("not one of the choices"),
    "invalid_email": _l("not a valid email address"),
    "invalid_phone": _l("not a valid mobile number"),
    "invalid_nik": _l("not a valid NIK"),
    "invalid_npwp": _l("not a valid NPWP"),
    "invalid_nib": _l("not a valid NIB"),
    "pattern": _l("wrong format"),
    # refused uploads
    "no_file": _l("no file chosen"),
    "empty": _l("the file is empty"),
    "too_large": _l("the file is too large"),
    "wrong_type": _l("wrong file type"),
    "too_many_pixels": _l("the image is too large (pixels)"),
    "image_broken": _l("the image cannot be read"),
    "pdf_broken": _l("the PDF cannot be read"),
    "pdf_encrypted": _l("the PDF is password-protected"),
    "pdf_active_content": _l("the PDF contains scripts or attachments"),
}

#: The wizard's stages in order; a submitted application has passed all of them.
FUNNEL_STAGES = (app_services.STAGE_REQUIREMENTS, app_services.STAGE_FORM,
                 app_services.STAGE_DOCUMENTS, app_services.STAGE_REVIEW)
_STAGE_RANK = {key: i for i, key in enumerate(FUNNEL_STAGES)}
_SUBMITTED_RANK = len(FUNNEL_STAGES)


class HelpdeskError(ValueError):
    """Refused by a rule; ``str(error)`` is for the help desk person, in their language."""


def error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(code)
    return str(message) if message is not None else code


# -- loaders, with the access check in one place ---------------------------------------------------
def _require_helpdesk(staff: User) -> None:
    if staff is None or not staff.has_role(Role.HELPDESK):
        abort(403)


def _is_applicant():
    return exists().where(UserRole.user_id == User.id, UserRole.role == Role.APPLICANT)


def get_applicant_or_404(user_id: int, staff: User) -> User:
    """An applicant's account for a help desk person (403 for anyone else; 404 when the id is
    not an applicant's)."""
    _require_helpdesk(staff)
    user = db.session.scalar(select(User).where(User.id == user_id, _is_applicant()))
    if user is None:
        abort(404)
    return user


def get_note_or_404(note_id: int, staff: User) -> SupportNote:
    _require_helpdesk(staff)
    note = db.session.get(SupportNote, note_id)
    if note is None:
        abort(404)
    return note


def get_assist_view_or_404(view_id: int, staff: User) -> AssistView:
    """An assisted view this help desk person opened with a code; anyone else's is a 404
    (a view id alone never shows a draft: the code must have been entered by this person)."""
    _require_helpdesk(staff)
    view = db.session.scalar(select(AssistView).where(AssistView.id == view_id,
                                                      AssistView.staff_id == staff.id))
    if view is None:
        abort(404)
    return view


# -- search ----------------------------------------------------------------------------------------
SEARCH_KINDS = ("auto", "name", "email", "nik", "phone", "tracking")
PAGE_SIZE = 20
#: Longer search text is not a name, email, NIK, phone or tracking number: nothing is found.
MAX_QUERY_LENGTH = 254
_TRACKING_RE = re.compile(r"[A-Z]{2}-\d{4}-\d{1,10}")
_NIK_INPUT_RE = re.compile(r"[0-9][0-9 .\-]{14,30}")


@dataclass
class SearchResult:
    query: str
    kind: str
    users: list[User] = field(default_factory=list)
    next_after: int | None = None


def _like(text: str) -> str:
    """A LIKE pattern that matches ``text`` literally anywhere (wildcards escaped)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def detect_kind(query: str) -> str:
    """Guess what was typed: an email, a tracking number, a NIK, a phone number, else a name."""
    if "@" in query:
        return "email"
    if _TRACKING_RE.fullmatch(query.upper()):
        return "tracking"
    digits = re.sub(r"[\s.\-]", "", query)
    if digits.isdigit() and len(digits) == 16:
        return "nik"
    try:
        normalize_phone(query)
    except ValueError:
        return "name"
    return "phone"


def search_applicants(query: str, kind: str = "auto", *, after: int | None = None,
                      limit: int = PAGE_SIZE) -> SearchResult:
    """Applicants matching ``query``: exact email, NIK, phone (any Indonesian mobile form) or
    tracking number; part of the name, case-insensitive, with ``%`` and ``_`` matched literally.
    Pages by user id (keyset): pass the last result's id as ``after``. Text that cannot be
    what was asked for (too long, a malformed NIK or phone) finds nothing."""
    text = clean_display_text(query or "").strip()
    if kind not in SEARCH_KINDS:
        kind = "auto"
    if not text:
        return SearchResult(text, kind)
    if len(text) > MAX_QUERY_LENGTH:
        return SearchResult(text[:MAX_QUERY_LENGTH], kind)
    if kind == "auto":
        kind = detect_kind(text)
    result = SearchResult(text, kind)
    stmt = search_statement(text, kind, after=after, limit=limit)
    if stmt is None:
        return result
    users = list(db.session.scalars(stmt))
    if len(users) > limit:
        users = users[:limit]
        result.next_after = users[-1].id
    result.users = users
    return result


def search_statement(text: str, kind: str, *, after: int | None = None, limit: int = PAGE_SIZE):
    """The query for a cleaned search text of a known kind (one more row than a page, to know
    whether there is a next page), or None when the text cannot match anything. Separate so
    the benchmark can EXPLAIN exactly what the console runs."""
    stmt = select(User).where(_is_applicant())
    if kind == "email":
        stmt = stmt.where(User.email == text.lower())
    elif kind == "nik":
        digits = re.sub(r"[\s.\-]", "", text)
        if not (digits.isdigit() and len(digits) == 16):
            return None
        stmt = stmt.where(User.nik == digits)
    elif kind == "phone":
        try:
            phone = normalize_phone(text)
        except ValueError:
            return None
        stmt = stmt.where(User.phone == phone)
    elif kind == "tracking":
        number = text.upper()
        if len(number) > 20:
            return None
        stmt = stmt.where(User.id.in_(
            select(Application.applicant_id).where(Application.tracking_number == number)))
    else:
        stmt = stmt.where(func.lower(User.full_name).like(_like(text.lower()), escape="\\"))
    if after is not None:
        stmt = stmt.where(User.id > after)
    return stmt.order_by(User.id).limit(limit + 1)


# -- the applicant overview (read-only, no answers) --------------------------------------------------
def mask_nik(nik: str | None) -> str:
    """First two and last four digits: enough to confirm who is calling."""
    if not nik:
        return ""
    return nik[:2] + "•" * max(len(nik) - 6, 0) + nik[-4:]


def mask_phone(phone: str | None) -> str:
    """+62 and the operator prefix, then the last three digits."""
    if not phone:
        return ""
    return phone[:6] + "•" * max(len(phone) - 9, 0) + phone[-3:]


@dataclass
class StepState:
    title: Any
    stage: str
    done: bool
    reached: bool


@dataclass
class ErrorLine:
    when: datetime
    stage: str
    page_title: str
    field_label: str
    code: str

    @property
    def message(self) -> str:
        return error_message(self.code)

    @property
    def stage_label(self) -> str:
        try:
            return stage_label(self.stage)
        except KeyError:
            return self.stage


@dataclass
class ApplicationSummary:
    application: Application
    category: PermitCategory
    status_label: Any
    events: list[AuditEvent]
    steps: list[StepState]
    errors: list[ErrorLine]
    documents_uploaded: int
    documents_required: int

    @property
    def is_draft(self) -> bool:
        return self.application.status is S.DRAFT

    @property
    def stage_label(self) -> str:
        try:
            return stage_label(self.application.stage)
        except KeyError:
            return self.application.stage


@dataclass
class ChapterProgress:
    id: str
    title: str
    watched: bool


@dataclass
class TutorialProgress:
    tutorial: Tutorial
    title: str
    furthest_seconds: float
    duration_seconds: float
    chapters: list[ChapterProgress]
    updated_at: datetime

    @property
    def percent(self) -> int:
        if not self.duration_seconds:
            return 0
        return min(100, round(100 * self.furthest_seconds / self.duration_seconds))


def _field_label(spec: FormSpec | None, key: str) -> str:
    if spec is None:
        return key
    if key in spec.by_key:
        return spec.by_key[key].label
    for doc in spec.documents:
        if doc.key == key:
            return doc.label
    return key


def _page_title(spec: FormSpec | None, page_key: str | None) -> str:
    if spec is None or not page_key or page_key not in spec.pages_by_key:
        return ""
    return spec.pages_by_key[page_key].title


def _specs(version_ids: set[int]) -> dict[int, FormSpec]:
    if not version_ids:
        return {}
    rows = db.session.scalars(select(FormVersion).where(FormVersion.id.in_(version_ids)))
    return {row.id: row.spec for row in rows}


def _steps_of(application: Application, spec: FormSpec, documents: list[Document]
              ) -> list[StepState]:
    submitted = application.submitted_at is not None
    rank = _SUBMITTED_RANK if submitted else _STAGE_RANK.get(application.stage, 0)
    have = {d.requirement_key for d in documents}
    required_docs = [d.key for d in spec.documents if d.required]
    completed = set(application.completed_pages or [])
    states = []
    for step in app_services.steps(spec):
        reached = rank >= _STAGE_RANK.get(step.stage, 0)
        if step.stage == app_services.STAGE_FORM:
            done = step.page_key in completed
        elif step.stage == app_services.STAGE_DOCUMENTS:
            done = all(key in have for key in required_docs)
        elif step.stage == app_services.STAGE_REVIEW:
            done = submitted
        else:
            done = reached and rank > 0
        states.append(StepState(step.title, step.stage, done, reached))
    return states


def recent_errors(application_ids: list[int], specs_by_app: dict[int, FormSpec],
                  per_application: int = 10) -> dict[int, list[ErrorLine]]:
    """The latest validation errors of each application (field and code, never a value), in
    one query."""
    if not application_ids:
        return {}
    ranked = select(
        ValidationEvent,
        func.row_number().over(
            partition_by=ValidationEvent.application_id,
            order_by=(ValidationEvent.created_at.desc(), ValidationEvent.id.desc()),
        ).label("rn"),
    ).where(ValidationEvent.application_id.in_(application_ids)).subquery()
    event = aliased(ValidationEvent, ranked)
    rows = db.session.scalars(select(event).where(ranked.c.rn <= per_application)
                              .order_by(ranked.c.created_at.desc(), ranked.c.id.desc()))
    result: dict[int, list[ErrorLine]] = defaultdict(list)
    for row in rows:
        spec = specs_by_app.get(row.application_id)
        result[row.application_id].append(ErrorLine(
            when=row.created_at, stage=row.stage, page_title=_page_title(spec, row.page_key),
            field_label=_field_label(spec, row.field_key), code=row.error_code))
    return result


def application_summaries(applicant: User) -> list[ApplicationSummary]:
    """The applicant's applications with status, timeline, for drafts the stage reached and the
    pages done, and the latest errors. A fixed number of queries, however many applications."""
    applications = app_services.list_own_applications(applicant)
    if not applications:
        return []
    ids = [a.id for a in applications]
    specs = _specs({a.form_version_id for a in applications})
    specs_by_app = {a.id: specs.get(a.form_version_id) for a in applications}
    documents: dict[int, list[Document]] = defaultdict(list)
    for doc in db.session.scalars(select(Document).where(Document.application_id.in_(ids))):
        documents[doc.application_id].append(doc)
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.application_id.in_(ids),
                                 AuditEvent.visible_to_applicant.is_(True))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ):
        events[event.application_id].append(event)
    errors = recent_errors(ids, specs_by_app)
    summaries = []
    for application in applications:
        spec = specs_by_app[application.id]
        docs = documents[application.id]
        required = [d.key for d in spec.documents if d.required] if spec else []
        have = {d.requirement_key for d in docs}
        summaries.append(ApplicationSummary(
            application=application, category=application.category,
            status_label=workflow.STATUS_LABELS[application.status],
            events=events[application.id],
            steps=_steps_of(application, spec, docs) if spec else [],
            errors=errors.get(application.id, []),
            documents_uploaded=sum(1 for key in required if key in have),
            documents_required=len(required),
        ))
    return summaries


def tutorial_progress(applicant: User, lang: str) -> list[TutorialProgress]:
    """Which tutorials the applicant watched, how far, and which chapters they finished."""
    from portal.tutorials import services as tutorial_services

    rows = []
    for view in tutorial_services.progress_for(applicant.id):
        tutorial = view.tutorial
        watched = tutorial_services.watched_chapters(view)
        chapters = [ChapterProgress(ch["id"], _chapter_title(ch, lang), ch["id"] in watched)
                    for ch in tutorial.chapters_json or []]
        rows.append(TutorialProgress(tutorial, tutorial.title(lang), view.furthest_seconds or 0.0,
                                     tutorial.duration_seconds or 0.0, chapters, view.updated_at))
    return rows


def _chapter_title(chapter: dict, lang: str) -> str:
    titles = chapter.get("title") or {}
    if isinstance(titles, str):
        return titles
    return titles.get(lang) or titles.get("id") or chapter.get("id", "")


# -- actions on the applicant's behalf (none changes their records) -----------------------------------
def resend_verification(applicant: User, staff: User) -> bool:
    """Send the applicant a fresh verification link; False when the email is already verified."""
    from portal.auth import services as auth_services

    _require_helpdesk(staff)
    if applicant.email_verified:
        return False
    auth_services.send_verification(applicant)
    db.session.commit()
    current_app.logger.info("helpdesk: %s resent verification to user %s", staff.id, applicant.id)
    return True


def absolute_url(endpoint: str, **values) -> str:
    """A link on the configured public address (BASE_URL), never the request's Host header."""
    base = current_app.config["BASE_URL"].rstrip("/")
    with current_app.test_request_context(base_url=base):
        path = url_for(endpoint, **values)
    return base + path


def tutorial_choices(lang: str) -> list[tuple[str, str]]:
    """Every published tutorial, whole or from one chapter, as (value, label) for a select."""
    from portal.tutorials import services as tutorial_services

    choices = []
    for tutorial in tutorial_services.published_tutorials():
        title = tutorial.title(lang)
        choices.append((f"{tutorial.id}:", f"{title}: {_l('from the start')}"))
        for chapter in tutorial.chapters_json or []:
            choices.append((f"{tutorial.id}:{chapter['id']}",
                            f"{title}: {_chapter_title(chapter, lang)}"))
    return choices


def send_tutorial(applicant: User, staff: User, choice: str) -> str:
    """Email the applicant a link to a published tutorial, opened at a chapter, with an in-app
    notice. ``choice`` is "<tutorial id>:<chapter id or empty>". Returns the link."""
    _require_helpdesk(staff)
    tutorial_part, _sep, chapter_id = (choice or "").partition(":")
    if not tutorial_part.isdigit() or len(choice) > 120:
        raise HelpdeskError(_l("Choose a video guide."))
    tutorial = db.session.get(Tutorial, int(tutorial_part))
    if tutorial is None or not tutorial.published:
        raise HelpdeskError(_l("Choose a video guide."))
    chapter = tutorial.chapter(chapter_id) if chapter_id else None
    if chapter_id and chapter is None:
        raise HelpdeskError(_l("That chapter is not in this video guide."))
    values: dict[str, Any] = {"tutorial_id": tutorial.id}
    if chapter is not None:
        values["chapter"] = chapter["id"]
    link = absolute_url("tutorials.watch", **values)
    lang = applicant.locale or "id"
    title = tutorial.title(lang)
    chapter_title = _chapter_title(chapter, lang) if chapter else ""
    from portal.notifications.services import queue_email

    queue_email(applicant, "helpdesk_tutorial", _l("A video guide from the help desk"),
                link=link, notice=_l("The help desk sent you a video guide: %(title)s",
                                     title=title),
                tutorial_title=title, chapter_title=chapter_title)
    db.session.commit()
    return link


# -- support notes ------------------------------------------------------------------------------------
TOPIC_MAX = 120
TEXT_MAX = 4000


def add_note(applicant: User, staff: User, channel: str, topic: str, text: str,
             resolved: bool = False) -> SupportNote:
    """Record one contact with the applicant."""
    _require_helpdesk(staff)
    try:
        channel_value = Channel(channel)
    except ValueError:
        raise HelpdeskError(_l("Choose how the applicant contacted us.")) from None
    topic = clean_display_text(topic or "").strip()
    text = (text or "").replace("\x00", "").strip()
    if not topic:
        raise HelpdeskError(_l("Write the topic in a few words."))
    if not text:
        raise HelpdeskError(_l("Write what was said."))
    if len(topic) > TOPIC_MAX or len(text) > TEXT_MAX:
        raise HelpdeskError(_l("The note is too long."))
    now = utcnow()
    note = SupportNote(applicant_id=applicant.id, author_id=staff.id, channel=channel_value,
                       topic=topic, text=text, resolved=bool(resolved),
                       resolved_at=now if resolved else None,
                       resolved_by_id=staff.id if resolved else None, created_at=now)
    db.session.add(note)
    db.session.commit()
    return note


def resolve_note(note: SupportNote, staff: User) -> None:
    _require_helpdesk(staff)
    if note.resolved:
        return
    note.resolved = True
    note.resolved_at = utcnow()
    note.resolved_by_id = staff.id
    db.session.commit()


def notes_for(applicant: User) -> list[SupportNote]:
    return list(db.session.scalars(
        select(SupportNote).where(SupportNote.applicant_id == applicant.id)
        .options(selectinload(SupportNote.author))
        .order_by(SupportNote.created_at.desc(), SupportNote.id.desc())
    ))


@dataclass
class NotePage:
    notes: list[SupportNote]
    next_before: int | None


def open_cases(before: int | None = None, limit: int = PAGE_SIZE) -> NotePage:
    """Unresolved notes of every applicant, newest first, paged by id (keyset)."""
    stmt = (select(SupportNote).where(SupportNote.resolved.is_(False))
            .options(selectinload(SupportNote.applicant), selectinload(SupportNote.author)))
    if before is not None:
        stmt = stmt.where(SupportNote.id < before)
    notes = list(db.session.scalars(stmt.order_by(SupportNote.id.desc()).limit(limit + 1)))
    next_before = None
    if len(notes) > limit:
        notes = notes[:limit]
        next_before = notes[-1].id
    return NotePage(notes, next_before)


# -- assist codes ----------------------------------------------------------------------------------------
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
    def __init__(self, retry_after: int):
        super().__init__(_l("Too many wrong codes. Wait %(minutes)d minutes and try again.",
                            minutes=max(1, -(-retry_after // 60))))
        self.retry_after = retry_after


def _code_hash(user_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"assist:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def active_code(user_id: int, now: datetime | None = None) -> AssistCode | None:
    now = now or utcnow()
    return db.session.scalar(
        select(AssistCode).where(AssistCode.user_id == user_id, AssistCode.ended_at.is_(None),
                                 AssistCode.expires_at > now)
        .order_by(AssistCode.id.desc()).limit(1)
    )


def create_assist_code(user: User) -> tuple[AssistCode, str]:
    """A new 6-digit code for ``user``, valid 15 minutes; any older code stops working.
    Returns the row and the code (shown once to the applicant; only its HMAC is stored)."""
    if not user.has_role(Role.APPLICANT):
        abort(403)
    now = utcnow()
    end_assist_code(user, commit=False, now=now)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    row = AssistCode(user_id=user.id, code_hash=_code_hash(user.id, code), created_at=now,
                     expires_at=now + ASSIST_LIFETIME)
    db.session.add(row)
    db.session.commit()
    return row, code


def end_assist_code(user: User, *, commit: bool = True, now: datetime | None = None) -> int:
    """End every code of ``user`` still open; the help desk's view stops at once."""
    now = now or utcnow()
    ended = db.session.execute(
        update(AssistCode).where(AssistCode.user_id == user.id, AssistCode.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session="fetch")
    ).rowcount
    if commit:
        db.session.commit()
    return ended


def assist_log(user: User, limit: int = 50) -> list[AssistView]:
    """Who from the help desk looked at the user's drafts, and when (newest first)."""
    return list(db.session.scalars(
        select(AssistView).where(AssistView.applicant_id == user.id)
        .options(selectinload(AssistView.staff))
        .order_by(AssistView.started_at.desc(), AssistView.id.desc()).limit(limit)
    ))


def _counted_failures(staff_id: int, since: datetime) -> list[datetime]:
    return list(db.session.scalars(
        select(AssistAttempt.created_at).where(
            AssistAttempt.staff_id == staff_id, AssistAttempt.created_at >= since,
            AssistAttempt.outcome.in_((AttemptOutcome.PENDING, AttemptOutcome.WRONG)))
        .order_by(AssistAttempt.created_at)
    ))


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
    expired, ended or another applicant's code."""
    _require_helpdesk(staff)
    now = utcnow()
    attempt = AssistAttempt(staff_id=staff.id, applicant_id=applicant.id,
                            outcome=AttemptOutcome.PENDING, created_at=now)
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
    if (row is None or not _CODE_INPUT_RE.fullmatch(digits)
            or not hmac.compare_digest(row.code_hash, _code_hash(applicant.id, digits))):
        attempt.outcome = AttemptOutcome.WRONG
        db.session.commit()
        raise AssistCodeInvalid(_l("The code is not right, or it has expired or been ended. "
                                   "Ask the applicant to read it again or to make a new one."))
    attempt.outcome = AttemptOutcome.OK
    view = AssistView(code_id=row.id, staff_id=staff.id, applicant_id=applicant.id,
                      started_at=now, last_seen_at=now)
    db.session.add(view)
    db.session.commit()
    return view


def assist_is_live(view: AssistView, now: datetime | None = None) -> bool:
    return view.code.is_active(now or utcnow())


def touch(view: AssistView, *, refresh: bool = False) -> None:
    """Log that the help desk person saw the draft now (a page load or a live refresh)."""
    view.last_seen_at = utcnow()
    if refresh:
        view.refreshes = (view.refreshes or 0) + 1
    db.session.commit()


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
    return list(db.session.scalars(
        select(Application).where(Application.applicant_id == applicant_id,
                                  Application.status.in_((S.DRAFT, S.NEEDS_CORRECTION)))
        .options(selectinload(Application.category))
        .order_by(Application.updated_at.desc(), Application.id.desc())
    ))


def assist_snapshot(view: AssistView, application_id: int | None = None
                    ) -> AssistSnapshot | None:
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
        lines = [AnswerLine(f.label, spec.display_value(f, answers.get(f.key)))
                 for f in page.fields if spec.visible(f, answers)]
        pages.append(PageAnswers(page.key, page.title, page.key in completed, lines))
    by_requirement: dict[str, list[Document]] = defaultdict(list)
    for doc in documents:
        by_requirement[doc.requirement_key].append(doc)
    doc_lines = [DocumentLine(d.label, d.required, by_requirement.get(d.key, []))
                 for d in spec.documents]
    errors = recent_errors([application.id], {application.id: spec}).get(application.id, [])
    # "On the page now": the errors of the applicant's last save (one save writes its errors
    # within a moment of each other).
    latest = [e for e in errors if errors and (errors[0].when - e.when) <= timedelta(seconds=5)
              and e.stage == errors[0].stage and e.page_title == errors[0].page_title]
    try:
        label = stage_label(application.stage)
    except KeyError:
        label = application.stage
    return AssistSnapshot(application=application, category=application.category,
                          stage_label=label, steps=_steps_of(application, spec, documents),
                          pages=pages, documents=doc_lines, errors=errors, latest_errors=latest,
                          others=[a for a in drafts if a.id != application.id])


# -- where people get stuck ------------------------------------------------------------------------------
MAX_REPORT_DAYS = 400


@dataclass
class FunnelRow:
    category: PermitCategory
    started: int
    reached: list[int]  # per FUNNEL_STAGES: applications that got at least that far
    submitted: int


@dataclass
class FieldErrorRow:
    category: PermitCategory | None
    stage: str
    field_label: str
    code: str
    count: int

    @property
    def message(self) -> str:
        return error_message(self.code)


@dataclass
class TimingRow:
    category: PermitCategory
    count: int
    to_first_upload: float | None  # median hours from start to the first document kept
    upload_to_submit: float | None  # median hours from that upload to submission
    start_to_submit: float | None  # median hours from start to submission


@dataclass
class TutorialShareRow:
    category: PermitCategory
    stage: str
    tutorial: Tutorial
    through_watched: int
    through_total: int
    stopped_watched: int
    stopped_total: int

    @staticmethod
    def _pct(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def through_percent(self) -> int | None:
        return self._pct(self.through_watched, self.through_total)

    @property
    def stopped_percent(self) -> int | None:
        return self._pct(self.stopped_watched, self.stopped_total)


@dataclass
class StuckReport:
    start: date
    end: date
    funnel: list[FunnelRow]
    fields: list[FieldErrorRow]
    timings: list[TimingRow]
    tutorials: list[TutorialShareRow]
    stages: tuple[str, ...] = FUNNEL_STAGES

    def stage_label(self, key: str) -> str:
        return stage_label(key)


def report_bounds(start: date, end: date, tz_name: str | None = None) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end`` in the office's zone."""
    tz = ZoneInfo(tz_name or current_app.config["TIMEZONE"])
    lower = datetime.combine(start, time.min, tz)
    upper = datetime.combine(end + timedelta(days=1), time.min, tz)
    return lower, upper


def _rank(stage: str, submitted: bool) -> int:
    return _SUBMITTED_RANK if submitted else _STAGE_RANK.get(stage, 0)


def stuck_report(start: date, end: date, user: User) -> StuckReport:
    """The office's view of where applicants get stuck, for applications started between
    ``start`` and ``end`` (office time zone), for help desk staff and admins.

    What is measured:
    - funnel: Application.stage is the last wizard stage a draft was at (the wizard records it
      as the applicant moves; going back to a form page moves it back), a submitted application
      (submitted_at set) has passed every stage. "Reached" a stage = got at least that far.
    - fields: ValidationEvent rows (field key and error code) written in the range.
    - times, for submitted applications only: start = Application.created_at; the first upload
      = the earliest Document.uploaded_at still kept (a replaced file keeps only its newest
      upload, so this may be later than the real first upload); submission = submitted_at.
      Medians in hours.
    - tutorials: for each stage with a tutorial (the category's own, else the general one),
      applicants who got past the stage vs those whose draft stopped at it, and how many of each
      have any progress recorded in that tutorial (TutorialView with a position above 0).
    """
    if not user.has_role(Role.HELPDESK, Role.ADMIN):
        abort(403)
    lower, upper = report_bounds(start, end)
    in_range = (Application.created_at >= lower, Application.created_at < upper)
    categories = {c.id: c for c in db.session.scalars(select(PermitCategory))}
    submitted_col = Application.submitted_at.is_not(None)

    # funnel
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for category_id, stage, submitted, n in db.session.execute(
        select(Application.category_id, Application.stage, submitted_col, func.count())
        .where(*in_range).group_by(Application.category_id, Application.stage, submitted_col)
    ):
        counts[category_id][_rank(stage, bool(submitted))] += n
    funnel = []
    for category_id, by_rank in sorted(counts.items(),
                                       key=lambda kv: categories[kv[0]].name_id.lower()):
        reached = [sum(n for r, n in by_rank.items() if r >= i) for i in range(len(FUNNEL_STAGES))]
        funnel.append(FunnelRow(categories[category_id], sum(by_rank.values()), reached,
                                by_rank.get(_SUBMITTED_RANK, 0)))

    # fields with the most errors
    field_rows = db.session.execute(
        select(ValidationEvent.category_id, ValidationEvent.stage, ValidationEvent.field_key,
               ValidationEvent.error_code, func.count().label("n"))
        .where(ValidationEvent.created_at >= lower, ValidationEvent.created_at < upper)
        .group_by(ValidationEvent.category_id, ValidationEvent.stage, ValidationEvent.field_key,
                  ValidationEvent.error_code)
        .order_by(func.count().desc(), ValidationEvent.field_key).limit(15)
    ).all()
    current_specs = _specs({c.current_version_id for c in categories.values()
                            if c.current_version_id})
    fields = []
    for category_id, stage, field_key, code, n in field_rows:
        category = categories.get(category_id)
        spec = current_specs.get(category.current_version_id) if category else None
        fields.append(FieldErrorRow(category, stage, _field_label(spec, field_key), code, n))

    # median times
    first_upload = func.min(Document.uploaded_at)
    timing_rows = db.session.execute(
        select(Application.category_id, Application.created_at, Application.submitted_at,
               first_upload)
        .outerjoin(Document, Document.application_id == Application.id)
        .where(*in_range, Application.submitted_at.is_not(None))
        .group_by(Application.id, Application.category_id, Application.created_at,
                  Application.submitted_at)
    ).all()
    spans: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for category_id, created, submitted, uploaded in timing_rows:
        hours = spans[category_id]
        hours["total"].append((submitted - created).total_seconds() / 3600)
        if uploaded is not None and created <= uploaded <= submitted:
            hours["form"].append((uploaded - created).total_seconds() / 3600)
            hours["docs"].append((submitted - uploaded).total_seconds() / 3600)

    def _median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    timings = [TimingRow(categories[cid], len(h["total"]), _median(h["form"]), _median(h["docs"]),
                         _median(h["total"]))
               for cid, h in sorted(spans.items(), key=lambda kv: categories[kv[0]].name_id.lower())]

    # tutorial watched share
    mapping = _stage_tutorials()
    watched: dict[tuple[int, int, int], int] = defaultdict(int)  # (category, rank, tutorial)
    for category_id, stage, submitted, tutorial_id, n in db.session.execute(
        select(Application.category_id, Application.stage, submitted_col,
               TutorialView.tutorial_id, func.count(func.distinct(Application.id)))
        .join(TutorialView, (TutorialView.user_id == Application.applicant_id)
              & (TutorialView.furthest_seconds > 0))
        .where(*in_range)
        .group_by(Application.category_id, Application.stage, submitted_col,
                  TutorialView.tutorial_id)
    ):
        watched[(category_id, _rank(stage, bool(submitted)), tutorial_id)] += n
    tutorials = []
    for row in funnel:
        cid = row.category.id
        by_rank = counts[cid]
        for i, stage in enumerate(FUNNEL_STAGES):
            tutorial = mapping.get((stage, cid)) or mapping.get((stage, None))
            if tutorial is None:
                continue
            through = [r for r in by_rank if r > i]
            tutorials.append(TutorialShareRow(
                category=row.category, stage=stage, tutorial=tutorial,
                through_watched=sum(watched.get((cid, r, tutorial.id), 0) for r in through),
                through_total=sum(by_rank[r] for r in through),
                stopped_watched=watched.get((cid, i, tutorial.id), 0),
                stopped_total=by_rank.get(i, 0),
            ))
    return StuckReport(start, end, funnel, fields, timings, tutorials)


def _stage_tutorials() -> dict[tuple[str, int | None], Tutorial]:
    rows = db.session.scalars(
        select(StageTutorial).join(StageTutorial.tutorial).where(Tutorial.published.is_(True))
    )
    return {(row.stage_key, row.category_id): row.tutorial for row in rows}


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=29), today


def check_range(start: date, end: date) -> None:
    if start > end:
        raise HelpdeskError(_l("The start date must be on or before the end date."))
    if (end - start).days > MAX_REPORT_DAYS:
        raise HelpdeskError(_l("Choose at most %(days)d days.", days=MAX_REPORT_DAYS))
