"""The help desk's rules, one module per sub-feature; callable without a request (tests, CLI).

- ``access``: the role check and the loaders (``get_<thing>_or_404``) that apply it;
- ``search``: finding applicants by name, email, NIK, phone or tracking number;
- ``overview``: the read-only applicant overview (no answers, no document names);
- ``outreach``: resending the verification email, sending a tutorial chapter;
- ``notes``: support notes and the open cases;
- ``assist``: assist codes and the assisted view of a draft;
- ``stuck``: the "where people get stuck" report.

Who may call what: the console functions are for help desk staff (the views check the role
with ``roles_required(Role.HELPDESK)`` and the loaders here check it again); the report is for
help desk staff and admins (there is no separate "lead" role: every help desk person and every
admin may see it); assist codes are created and ended by the applicant themselves.

Nothing here changes an application, a document, a profile or a role. The console overview
never reads answers or document names; only the assisted view does, and only while the
applicant's assist code is valid. Every public name is re-exported here, so callers use
``from portal.helpdesk import services``.
"""

from portal.helpdesk.services.access import (
    HelpdeskError,
    get_applicant_or_404,
    get_assist_view_or_404,
    get_note_or_404,
    is_applicant,
    require_helpdesk,
)
from portal.helpdesk.services.assist import (
    ASSIST_LIFETIME,
    CODE_DIGITS,
    DAILY_WINDOW,
    DAILY_WRONG_LIMIT,
    WRONG_TRY_LIMIT,
    WRONG_TRY_WINDOW,
    AnswerLine,
    AssistCodeInvalid,
    AssistLocked,
    AssistSnapshot,
    DocumentLine,
    PageAnswers,
    active_code,
    assist_is_live,
    assist_log,
    assist_snapshot,
    create_assist_code,
    editable_applications,
    end_assist_code,
    lock_remaining,
    open_assist,
    touch,
)
from portal.helpdesk.services.notes import (
    CHANNEL_LABELS,
    TEXT_MAX,
    TOPIC_MAX,
    NotePage,
    add_note,
    notes_for,
    open_cases,
    resolve_note,
)
from portal.helpdesk.services.outreach import (
    resend_verification,
    send_tutorial,
    tutorial_choices,
)
from portal.helpdesk.services.overview import (
    DOCUMENT_STATE_LABELS,
    ERROR_MESSAGES,
    FUNNEL_STAGES,
    STAGE_RANK,
    SUBMITTED_RANK,
    ApplicationSummary,
    ChapterProgress,
    ErrorLine,
    StepState,
    TutorialProgress,
    application_summaries,
    chapter_title,
    error_message,
    field_label,
    mask_nik,
    mask_phone,
    page_title,
    recent_errors,
    specs_of_versions,
    steps_of,
    tutorial_progress,
)
from portal.helpdesk.services.search import (
    MAX_QUERY_LENGTH,
    PAGE_SIZE,
    SEARCH_KINDS,
    SearchResult,
    detect_kind,
    search_applicants,
    search_statement,
)
from portal.helpdesk.services.stuck import (
    MAX_REPORT_DAYS,
    FieldErrorRow,
    FunnelRow,
    StuckReport,
    TimingRow,
    TutorialShareRow,
    check_range,
    default_range,
    report_bounds,
    stuck_report,
)

__all__ = [
    "ASSIST_LIFETIME",
    "AnswerLine",
    "ApplicationSummary",
    "AssistCodeInvalid",
    "AssistLocked",
    "AssistSnapshot",
    "CHANNEL_LABELS",
    "CODE_DIGITS",
    "ChapterProgress",
    "DAILY_WINDOW",
    "DAILY_WRONG_LIMIT",
    "DOCUMENT_STATE_LABELS",
    "DocumentLine",
    "ERROR_MESSAGES",
    "ErrorLine",
    "FUNNEL_STAGES",
    "FieldErrorRow",
    "FunnelRow",
    "HelpdeskError",
    "MAX_QUERY_LENGTH",
    "MAX_REPORT_DAYS",
    "NotePage",
    "PAGE_SIZE",
    "PageAnswers",
    "SEARCH_KINDS",
    "STAGE_RANK",
    "SUBMITTED_RANK",
    "SearchResult",
    "StepState",
    "StuckReport",
    "TEXT_MAX",
    "TOPIC_MAX",
    "TimingRow",
    "TutorialProgress",
    "TutorialShareRow",
    "WRONG_TRY_LIMIT",
    "WRONG_TRY_WINDOW",
    "active_code",
    "add_note",
    "application_summaries",
    "assist_is_live",
    "assist_log",
    "assist_snapshot",
    "chapter_title",
    "check_range",
    "create_assist_code",
    "default_range",
    "detect_kind",
    "editable_applications",
    "end_assist_code",
    "error_message",
    "field_label",
    "get_applicant_or_404",
    "get_assist_view_or_404",
    "get_note_or_404",
    "is_applicant",
    "lock_remaining",
    "mask_nik",
    "mask_phone",
    "notes_for",
    "open_assist",
    "open_cases",
    "page_title",
    "recent_errors",
    "report_bounds",
    "require_helpdesk",
    "resend_verification",
    "resolve_note",
    "search_applicants",
    "search_statement",
    "send_tutorial",
    "specs_of_versions",
    "steps_of",
    "stuck_report",
    "touch",
    "tutorial_choices",
    "tutorial_progress",
]
