"""Finding applicants by name, email, NIK, phone or tracking number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select

from portal.applications.models import (
    Application,
)
from portal.auth.models import User
from portal.helpdesk.services.access import is_applicant
from portal.paging import fetch_page
from portal.validation import clean_display_text, normalize_phone

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


def search_applicants(
    query: str, kind: str = "auto", *, after: int | None = None, limit: int = PAGE_SIZE
) -> SearchResult:
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
    result.users, result.next_after = fetch_page(stmt, limit)
    return result


def search_statement(
    text: str, kind: str, *, after: int | None = None, limit: int = PAGE_SIZE
) -> Select[tuple[User]] | None:
    """The query for a cleaned search text of a known kind (one more row than a page, to know
    whether there is a next page), or None when the text cannot match anything. Separate so
    the benchmark can EXPLAIN exactly what the console runs."""
    stmt = select(User).where(is_applicant())
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
        stmt = stmt.where(
            User.id.in_(select(Application.applicant_id).where(Application.tracking_number == number))
        )
    else:
        stmt = stmt.where(func.lower(User.full_name).like(_like(text.lower()), escape="\\"))
    if after is not None:
        stmt = stmt.where(User.id > after)
    return stmt.order_by(User.id).limit(limit + 1)
