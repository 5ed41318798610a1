"""The office's work on applications, one module per sub-feature, all through
portal.applications.workflow; callable without a request.

- ``access``: the staff roles, the loader that checks them (``get_application_for_staff_or_404``),
  the officers, ``BackofficeError``;
- ``queue``: the queue's filters, keyset cursors, pages and counts per status;
- ``assignment``: claiming and assigning;
- ``review``: document verdicts, answer flags and internal notes while in review;
- ``decisions``: start the review, request corrections, recommend, approve or reject;
- ``workload``: each officer's open, due-soon and overdue applications, the deadline digest's lists;
- ``exports``: the downloads' rows (imported as ``services.exports``).

Every public name is re-exported here, so callers use ``from portal.backoffice import services``.
"""

from portal.backoffice.services.access import (
    STAFF_ROLES,
    BackofficeError,
    get_application_for_staff_or_404,
    officers,
)
from portal.backoffice.services.assignment import (
    assign,
    claim,
)
from portal.backoffice.services.decisions import (
    decide,
    recommend,
    recommendation_problem,
    request_corrections,
    start_review,
)
from portal.backoffice.services.queue import (
    DUE_SOON_DAYS,
    PAGE_SIZES,
    QUEUE_STATUSES,
    SORTS,
    WAITING,
    BadFilter,
    QueueFilters,
    QueuePage,
    QueueRow,
    decode_cursor,
    encode_cursor,
    parse_filters,
    queue_page,
    status_counts,
)
from portal.backoffice.services.review import (
    add_note,
    flag_field,
    notes,
    open_flags,
    set_document_verdict,
    unflag,
)
from portal.backoffice.services.workload import Load, workload

__all__ = [
    "BackofficeError",
    "BadFilter",
    "Load",
    "DUE_SOON_DAYS",
    "PAGE_SIZES",
    "QUEUE_STATUSES",
    "QueueFilters",
    "QueuePage",
    "QueueRow",
    "SORTS",
    "STAFF_ROLES",
    "WAITING",
    "add_note",
    "assign",
    "claim",
    "decide",
    "decode_cursor",
    "encode_cursor",
    "flag_field",
    "get_application_for_staff_or_404",
    "notes",
    "officers",
    "open_flags",
    "parse_filters",
    "queue_page",
    "recommendation_problem",
    "recommend",
    "request_corrections",
    "set_document_verdict",
    "start_review",
    "status_counts",
    "unflag",
    "workload",
]
