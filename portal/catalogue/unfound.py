"""Searches that found nothing the citizen wanted ("Saya tidak menemukan izin saya"): kept as
words only, without anything that could identify a person, and counted for the help desk's
"where people get stuck" report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from portal.catalogue.models import UnfoundSearch
from portal.catalogue.search_text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, words_of
from portal.extensions import db

# -- "I cannot find my permit" ------------------------------------------------------------------
_EMAIL_RE = re.compile(r"\S+@\S+")
_DIGITS_RE = re.compile(r"\d[\d\s.\-]{4,}\d")


def scrub(raw_query: str | None) -> str:
    """The query without what could identify a person (emails, NIK, phone numbers, tracking
    numbers: any run of 6 or more digits), as words only, at most 100 characters."""
    cleaned = _DIGITS_RE.sub(" ", _EMAIL_RE.sub(" ", (raw_query or "")[: MAX_QUERY_CHARS * 2]))
    return " ".join(words_of(cleaned, limit=MAX_QUERY_WORDS * 2))[:MAX_QUERY_CHARS]


def record_unfound(raw_query: str | None) -> UnfoundSearch | None:
    """Remember that someone could not find a permit with these words (no personal data, no
    account, no address). Anyone may. Returns None for an entry with no words left."""
    query = scrub(raw_query)
    if not query:
        return None
    row = UnfoundSearch(query=query)
    db.session.add(row)
    db.session.flush()
    return row


@dataclass
class UnfoundRow:
    query: str
    count: int


def top_unfound(start, end, limit: int = 10) -> list[UnfoundRow]:
    """The searches people most often reported as not finding their permit between two UTC
    datetimes, for the "where people get stuck" report."""
    rows = db.session.execute(
        select(UnfoundSearch.query, func.count().label("n"))
        .where(UnfoundSearch.created_at >= start, UnfoundSearch.created_at < end)
        .group_by(UnfoundSearch.query)
        .order_by(func.count().desc(), UnfoundSearch.query)
        .limit(limit)
    ).all()
    return [UnfoundRow(r.query, r.n) for r in rows]
