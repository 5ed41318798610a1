"""The application lifecycle: the one place that changes an application's status.

    draft -> submitted -> in_review -> needs_correction -> resubmitted -> in_review
                                    -> recommended -> approved | rejected
    (before a decision) -> withdrawn, by the applicant

``transition`` checks the role and the current state against TRANSITIONS, changes the row
with optimistic locking (a conditional UPDATE on id, status and version: of two people acting
at once, one wins and the other gets StaleApplication), runs the service-level clock, writes
the audit event and sends the signals of applications/signals.py (permits issue the permit on
approval, notify.py queues the emails), all in the caller's transaction. Nothing else writes
``status``; the workflow imports neither permits nor notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from portal import cache
from portal.applications import counts, rollup, signals, waiting
from portal.applications.models import Application, AuditEvent, CoApplicant, CoApplicantState
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.errors import PortalError
from portal.extensions import db
from portal.sequences import next_value

APPLICANT = "applicant-owner"  # the applicant who owns the application, not any applicant


@dataclass(frozen=True)
class Rule:
    who: frozenset[str]
    action: str


def _rule(action: str, *who: str) -> Rule:
    return Rule(frozenset(who), action)


TRANSITIONS: dict[tuple[S, S], Rule] = {
    (S.DRAFT, S.SUBMITTED): _rule("submit", APPLICANT),
    (S.SUBMITTED, S.IN_REVIEW): _rule("start_review", Role.OFFICER),
    (S.RESUBMITTED, S.IN_REVIEW): _rule("start_review", Role.OFFICER),
    (S.IN_REVIEW, S.NEEDS_CORRECTION): _rule("request_correction", Role.OFFICER),
    (S.NEEDS_CORRECTION, S.RESUBMITTED): _rule("resubmit", APPLICANT),
    (S.IN_REVIEW, S.RECOMMENDED): _rule("recommend", Role.OFFICER),
    (S.RECOMMENDED, S.APPROVED): _rule("approve", Role.APPROVER),
    (S.RECOMMENDED, S.REJECTED): _rule("reject", Role.APPROVER),
    (S.DRAFT, S.WITHDRAWN): _rule("withdraw", APPLICANT),
    (S.SUBMITTED, S.WITHDRAWN): _rule("withdraw", APPLICANT),
    (S.IN_REVIEW, S.WITHDRAWN): _rule("withdraw", APPLICANT),
    (S.NEEDS_CORRECTION, S.WITHDRAWN): _rule("withdraw", APPLICANT),
    (S.RESUBMITTED, S.WITHDRAWN): _rule("withdraw", APPLICANT),
    (S.RECOMMENDED, S.WITHDRAWN): _rule("withdraw", APPLICANT),
}

#: States in which the office holds the file and the service-level clock runs.
CLOCK_RUNNING = frozenset({S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED, S.RECOMMENDED})
FINAL = frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN})

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.IN_REVIEW: _l("In review"),
    S.NEEDS_CORRECTION: _l("Correction needed"),
    S.RESUBMITTED: _l("Resubmitted"),
    S.RECOMMENDED: _l("Recommended"),
    S.APPROVED: _l("Approved"),
    S.REJECTED: _l("Rejected"),
    S.WITHDRAWN: _l("Withdrawn"),
}


STALE_MESSAGE = _l(
    "Someone else changed this application a moment ago. Reload the page to see "
    "its current state, then try again."
)


#: The office cannot review or decide an application its co-applicant has not confirmed.
WAITS_FOR_CO_APPLICANT = frozenset({S.IN_REVIEW, S.RECOMMENDED, S.APPROVED, S.REJECTED})
CO_APPLICANT_PENDING = _l(
    "This application waits for its co-applicant to confirm it; it cannot be reviewed or decided before."
)


def co_applicant_confirmed(application: Application) -> bool:
    """True when the category needs no co-applicant, or the co-applicant confirmed."""
    category = db.session.get_one(PermitCategory, application.category_id)
    if category.co_applicant_role_en is None:
        return True
    confirmed = db.session.scalar(
        select(CoApplicant.id).where(
            CoApplicant.application_id == application.id, CoApplicant.state == CoApplicantState.CONFIRMED
        )
    )
    return confirmed is not None


class WorkflowError(PortalError):
    """A transition was refused; ``str(error)`` is a message for the person who tried."""

    status_code = 409


class TransitionNotAllowed(WorkflowError):
    pass


class NotPermitted(WorkflowError):
    status_code = 403


class StaleApplication(WorkflowError):
    pass


def allowed_transitions(application: Application, actor: User) -> list[S]:
    """The statuses ``actor`` may move ``application`` to now (for showing buttons; the
    check that counts is the one in ``transition``)."""
    return [
        to
        for (frm, to), rule in TRANSITIONS.items()
        if frm == application.status and _may(rule, application, actor)
    ]


def _may(rule: Rule, application: Application, actor: User) -> bool:
    if APPLICANT in rule.who:
        return actor.id == application.applicant_id
    if actor.id == application.applicant_id:
        return False  # nobody decides on their own application
    return actor.has_role(*(Role(r) for r in rule.who))


def transition(
    application: Application,
    to: S,
    actor: User,
    *,
    note: str | None = None,
    expected_version: int | None = None,
    visible_to_applicant: bool = True,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Move ``application`` to ``to`` on behalf of ``actor``.

    ``expected_version`` is the version the actor saw (from the page); by default the one
    loaded. ``changes`` are extra column values written in the same UPDATE. Raises
    TransitionNotAllowed, NotPermitted or StaleApplication and changes nothing then.
    """
    frm = application.status
    if expected_version is not None and expected_version != application.version:
        # The person acted on a page that is out of date: whatever changed, say so first.
        raise StaleApplication(STALE_MESSAGE)
    rule = TRANSITIONS.get((frm, to))
    if rule is None:
        raise TransitionNotAllowed(
            _l("This application is %(status)s; that action is not possible now.", status=STATUS_LABELS[frm])
        )
    if not _may(rule, application, actor):
        raise NotPermitted(_l("You are not allowed to do this for this application."))
    if to in WAITS_FOR_CO_APPLICANT and not co_applicant_confirmed(application):
        raise TransitionNotAllowed(CO_APPLICANT_PENDING)
    version = application.version if expected_version is None else expected_version

    before = rollup.state_of(application)
    waiting_before = waiting.locked_state(application.id)  # as stored: a claim moves no version
    values: dict[str, Any] = dict(changes or {})
    values.update(_clock_changes(application, frm, to))
    values.update(status=to, version=Application.version + 1, updated_at=utcnow())
    result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Application)
        .where(Application.id == application.id, Application.status == frm, Application.version == version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise StaleApplication(STALE_MESSAGE)
    # In this transaction, not in a signal handler after it: the counts move with the status.
    counts.record_transition(application.category_id, frm, to)
    cache.mark_changed(db.session, cache.FIGURES)  # cached statistics are dropped once this commits
    followups = _after_update(application, to)
    if followups:
        db.session.execute(
            update(Application)
            .where(Application.id == application.id)
            .values(**followups)
            .execution_options(synchronize_session=False)
        )
    db.session.refresh(application)
    rollup.record_change(before, rollup.state_of(application))  # the statistics' daily figures
    waiting.record_change(waiting_before, waiting.state_of(application))  # the officers' workload
    audit = AuditEvent(
        application_id=application.id,
        actor_id=actor.id,
        action=rule.action,
        from_status=frm.value,
        to_status=to.value,
        note=note,
        visible_to_applicant=visible_to_applicant,
    )
    db.session.add(audit)
    db.session.flush()
    if to is S.APPROVED:
        signals.application_approved.send(application, actor=actor)
    signals.status_changed.send(application, audit=audit)
    return audit


def _clock_changes(application: Application, frm: S, to: S) -> dict[str, Any]:
    """Start, pause, resume and stop the service-level clock."""
    now = utcnow()
    if to is S.SUBMITTED:
        limit = db.session.get_one(PermitCategory, application.category_id).time_limit_days
        return {"submitted_at": now, "due_date": clock.add_working_days(clock.office_today(now), limit)}
    if to is S.NEEDS_CORRECTION:
        return {"sla_paused_at": now}
    if frm is S.NEEDS_CORRECTION and application.sla_paused_at and application.due_date:
        paused = clock.working_days_between(
            clock.office_today(application.sla_paused_at), clock.office_today(now)
        )
        return {"sla_paused_at": None, "due_date": clock.add_working_days(application.due_date, paused)}
    if to in (S.APPROVED, S.REJECTED):
        return {"decided_at": now}
    return {}


def _after_update(application: Application, to: S) -> dict[str, Any]:
    """Values taken only once the row is ours (after the conditional UPDATE locked it), so a
    losing double-click never consumes a tracking number."""
    if to is S.SUBMITTED and application.tracking_number is None:
        return {"tracking_number": next_tracking_number()}
    return {}


def next_tracking_number() -> str:
    year = clock.office_today().year
    return f"SP-{year}-{next_value(f'tracking:{year}'):06d}"


def record(
    application: Application,
    actor: User | None,
    action: str,
    note: str | None = None,
    *,
    visible_to_applicant: bool = False,
) -> AuditEvent:
    """An audit event that is not a status change (document verdicts, flags, assignments)."""
    event = AuditEvent(
        application_id=application.id,
        actor_id=actor.id if actor else None,
        action=action,
        note=note,
        visible_to_applicant=visible_to_applicant,
    )
    db.session.add(event)
    return event
