"""Video guides in the permit search (portal.catalogue.search): their titles, chapter titles,
descriptions and transcripts are indexed while they are published."""

from __future__ import annotations

from sqlalchemy import select

from portal.catalogue.search import (
    TUTORIAL,
    W_BODY,
    W_NAME,
    W_SUMMARY,
    Source,
    register_source,
    weighted_terms,
)
from portal.tutorials.models import Tutorial


def tutorial_terms(conn, tutorial_id: int) -> dict[str, float] | None:
    row = conn.execute(select(Tutorial.__table__).where(Tutorial.id == tutorial_id)).first()
    if row is None or not row.published:
        return None
    chapter_titles = "\n".join(t for ch in row.chapters_json or [] for t in ch.get("title", {}).values())
    return weighted_terms(
        [
            (row.title_id, W_NAME, True),
            (row.title_en, W_NAME, True),
            (chapter_titles, W_SUMMARY, True),
            (row.description_id, W_SUMMARY, False),
            (row.description_en, W_SUMMARY, False),
            (row.transcript_id, W_BODY, False),
            (row.transcript_en, W_BODY, False),
        ]
    )


register_source(
    Source(
        TUTORIAL, Tutorial, tutorial_terms, {Tutorial: lambda o: o.id}, lambda: Tutorial.published.is_(True)
    )
)
