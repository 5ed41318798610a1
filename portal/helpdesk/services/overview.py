"""The read-only applicant overview: applications, the steps a draft reached, the latest
validation errors (field and code, never a value) and tutorial progress. No answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.history import HistoryLine, sentence
from portal.applications.models import (
    Application,
    AuditEvent,
    Document,
    DocumentState,
    ValidationEvent,
)
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import User
from portal.catalogue.formspec import FormSpec
from portal.catalogue.models import FormVersion, PermitCategory
from portal.extensions import db
from portal.storage.errors import UPLOAD_CODE_LABELS
from portal.tutorials import services as tutorial_services
from portal.tutorials.models import Tutorial
from portal.tutorials.stages import stage_label

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
    # refused uploads: every code the storage layer can give
    **UPLOAD_CODE_LABELS,
}
#: A code recorded by a version of the portal that knew more reasons than this one.
OTHER_ERROR = _l("another problem")

#: The wizard's stages in order; a submitted application has passed all of them.
FUNNEL_STAGES = (
    app_services.STAGE_REQUIREMENTS,
    app_services.STAGE_FORM,
    app_services.STAGE_DOCUMENTS,
    app_services.STAGE_REVIEW,
)
STAGE_RANK = {key: i for i, key in enumerate(FUNNEL_STAGES)}
SUBMITTED_RANK = len(FUNNEL_STAGES)


def error_message(code: str) -> str:
    message = ERROR_MESSAGES.get(code)
    return str(message if message is not None else OTHER_ERROR)


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
    #: What the applicant's own page shows of the history, in the same plain words (staff are
    #: "the office"), never the audit log's action codes.
    events: list[HistoryLine]
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


def field_label(spec: FormSpec | None, key: str) -> str:
    if spec is None:
        return key
    if key in spec.by_key:
        return spec.by_key[key].label
    for doc in spec.documents:
        if doc.key == key:
            return doc.label
    return key


def page_title(spec: FormSpec | None, page_key: str | None) -> str:
    if spec is None or not page_key or page_key not in spec.pages_by_key:
        return ""
    return spec.pages_by_key[page_key].title


_NO_SPEC = FormSpec([], [])


def specs_of_versions(version_ids: set[int]) -> dict[int, FormSpec]:
    if not version_ids:
        return {}
    rows = db.session.scalars(select(FormVersion).where(FormVersion.id.in_(version_ids)))
    return {row.id: row.spec for row in rows}


def steps_of(application: Application, spec: FormSpec, documents: list[Document]) -> list[StepState]:
    submitted = application.submitted_at is not None
    rank = SUBMITTED_RANK if submitted else STAGE_RANK.get(application.stage, 0)
    have = {d.requirement_key for d in documents}
    required_docs = [d.key for d in spec.documents if d.required]
    completed = set(application.completed_pages or [])
    states = []
    for step in app_services.steps(spec):
        reached = rank >= STAGE_RANK.get(step.stage, 0)
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


def recent_errors(
    application_ids: list[int], specs_by_app: dict[int, FormSpec | None], per_application: int = 10
) -> dict[int, list[ErrorLine]]:
    """The latest validation errors of each application (field and code, never a value), in
    one query."""
    if not application_ids:
        return {}
    ranked = (
        select(
            ValidationEvent,
            func.row_number()
            .over(
                partition_by=ValidationEvent.application_id,
                order_by=(ValidationEvent.created_at.desc(), ValidationEvent.id.desc()),
            )
            .label("rn"),
        )
        .where(ValidationEvent.application_id.in_(application_ids))
        .subquery()
    )
    event = aliased(ValidationEvent, ranked)
    rows = db.session.scalars(
        select(event)
        .where(ranked.c.rn <= per_application)
        .order_by(ranked.c.created_at.desc(), ranked.c.id.desc())
    )
    result: dict[int, list[ErrorLine]] = defaultdict(list)
    for row in rows:
        spec = specs_by_app.get(row.application_id)
        result[row.application_id].append(
            ErrorLine(
                when=row.created_at,
                stage=row.stage,
                page_title=page_title(spec, row.page_key),
                field_label=field_label(spec, row.field_key),
                code=row.error_code,
            )
        )
    return result


def application_summaries(applicant: User) -> list[ApplicationSummary]:
    """The applicant's applications with status, timeline, for drafts the stage reached and the
    pages done, and the latest errors. A fixed number of queries, however many applications."""
    applications = app_services.list_own_applications(applicant)
    if not applications:
        return []
    ids = [a.id for a in applications]
    specs = specs_of_versions({a.form_version_id for a in applications})
    specs_by_app = {a.id: specs.get(a.form_version_id) for a in applications}
    documents: dict[int, list[Document]] = defaultdict(list)
    for doc in db.session.scalars(select(Document).where(Document.application_id.in_(ids))):
        documents[doc.application_id].append(doc)
    events: dict[int, list[AuditEvent]] = defaultdict(list)
    for event in db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id.in_(ids), AuditEvent.visible_to_applicant.is_(True))
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
        summaries.append(
            ApplicationSummary(
                application=application,
                category=application.category,
                status_label=workflow.STATUS_LABELS[application.status],
                events=[
                    HistoryLine(
                        e.created_at, sentence(e, application, spec or _NO_SPEC, {}, staff_names=False), False
                    )
                    for e in events[application.id]
                ],
                steps=steps_of(application, spec, docs) if spec else [],
                errors=errors.get(application.id, []),
                documents_uploaded=sum(1 for key in required if key in have),
                documents_required=len(required),
            )
        )
    return summaries


def tutorial_progress(applicant: User, lang: str) -> list[TutorialProgress]:
    """Which tutorials the applicant watched, how far, and which chapters they finished."""
    rows = []
    for view in tutorial_services.progress_for(applicant.id):
        tutorial = view.tutorial
        watched = tutorial_services.watched_chapters(view)
        chapters = [
            ChapterProgress(ch["id"], chapter_title(ch, lang), ch["id"] in watched)
            for ch in tutorial.chapters_json or []
        ]
        rows.append(
            TutorialProgress(
                tutorial,
                tutorial.title(lang),
                view.furthest_seconds or 0.0,
                tutorial.duration_seconds or 0.0,
                chapters,
                view.updated_at,
            )
        )
    return rows


def chapter_title(chapter: dict[str, Any], lang: str) -> str:
    titles = chapter.get("title") or {}
    if isinstance(titles, str):
        return titles
    title: str = titles.get(lang) or titles.get("id") or chapter.get("id", "")
    return title
