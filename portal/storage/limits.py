"""The per-account upload rate limit, one budget shared by every endpoint that takes a file
(an applicant's documents, staff's public information, admin's samples and tutorial media).

Keyed on the account, not the address: one account cannot flood the content checks (PDF
parsing, image re-encoding) from many addresses. Only requests that carry a file count.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from portal.extensions import limiter

#: Enough for an application with many documents and a few second tries.
DEFAULT_UPLOAD_LIMIT = "30 per 10 minutes;200 per day"


def _account_key() -> str:
    user_id = getattr(current_user, "id", None) if current_user.is_authenticated else None
    return f"uploads:account:{user_id}" if user_id is not None else f"uploads:address:{request.remote_addr}"


def _limit() -> str:
    return current_app.config.get("UPLOAD_LIMIT_PER_ACCOUNT") or DEFAULT_UPLOAD_LIMIT


def _no_file_sent() -> bool:
    return not any(f.filename for f in request.files.values())


upload_rate_limit = limiter.shared_limit(
    _limit, scope="uploads", key_func=_account_key, methods=["POST"], exempt_when=_no_file_sent
)
