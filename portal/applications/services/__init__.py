"""The applicant's side of an application, one module per sub-feature; callable without a request.

- ``drafts``: loading the applicant's own applications (404 for others'), starting a draft,
  saving a form page;
- ``documents``: uploads (checked outside any transaction, written under the row lock), removal;
- ``submit``: what is missing, submit, withdraw;
- ``corrections``: the office's correction request, the applicant's corrections, resubmit;
- ``coapplicants``: the second party a category may require (the land owner for a PBG),
  invited by a one-time link, who confirms or declines;
- ``errors``: ``ApplicationError`` and ``MissingItems``.

The wizard's stages and steps are ``portal.applications.steps``, the timeline and the public
status check ``tracking``, where a draft stands ``progress``. Every public name of these is
re-exported here, so callers use ``from portal.applications import services``.
"""

from portal.applications.progress import (
    STATUS_EXPLAINED,
    documents_of,
    prefilled_values,
    record_stage,
    resume_step,
)
from portal.applications.services.corrections import (
    open_correction,
    request_correction,
    resubmit,
    save_correction,
)
from portal.applications.services.documents import (
    UPLOAD_AFTER_WITHDRAWAL,
    UPLOAD_OUTDATED,
    UPLOAD_TOO_LATE,
    add_document,
    document_spec,
    log_upload_error,
    remove_document,
    upload_chosen_files,
)
from portal.applications.services.drafts import (
    get_own_application_or_404,
    list_own_applications,
    save_page,
    start_application,
)
from portal.applications.services.errors import (
    ApplicationError,
    Missing,
    MissingItems,
)
from portal.applications.services.mandates import (
    POA_KEY,
    MandateError,
    PrincipalFilter,
    applications_filed_for,
    holds_mandates,
    power_of_attorney_blocker,
    principal_of,
)
from portal.applications.services.submit import (
    DECLARATION_MISSING,
    missing_items,
    submit,
    withdraw,
)
from portal.applications.steps import (
    STAGE_DOCUMENTS,
    STAGE_FORM,
    STAGE_REQUIREMENTS,
    STAGE_REVIEW,
    Step,
    category_of,
    spec_of,
    steps,
)
from portal.applications.tracking import public_status, timeline

__all__ = [
    "ApplicationError",
    "MandateError",
    "POA_KEY",
    "PrincipalFilter",
    "holds_mandates",
    "applications_filed_for",
    "power_of_attorney_blocker",
    "principal_of",
    "DECLARATION_MISSING",
    "Missing",
    "MissingItems",
    "STAGE_DOCUMENTS",
    "STAGE_FORM",
    "STAGE_REQUIREMENTS",
    "STAGE_REVIEW",
    "STATUS_EXPLAINED",
    "Step",
    "UPLOAD_AFTER_WITHDRAWAL",
    "UPLOAD_OUTDATED",
    "UPLOAD_TOO_LATE",
    "add_document",
    "category_of",
    "document_spec",
    "documents_of",
    "get_own_application_or_404",
    "list_own_applications",
    "log_upload_error",
    "missing_items",
    "open_correction",
    "prefilled_values",
    "public_status",
    "record_stage",
    "remove_document",
    "request_correction",
    "resubmit",
    "resume_step",
    "save_correction",
    "save_page",
    "spec_of",
    "start_application",
    "steps",
    "submit",
    "timeline",
    "upload_chosen_files",
    "withdraw",
]
