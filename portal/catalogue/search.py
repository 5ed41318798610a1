"""Search that understands citizens' own words: permits (with the everyday words and synonyms
admins give them), permits other offices issue (signposts) and video guides with their chapters.

How it works, the same on SQLite and PostgreSQL:
- Every searchable thing is cut into words, each word reduced to its stem by the Sastrawi
  stemmer ("makanan rumahan" -> "makan rumah", "pemasangan" -> "pasang"), and written to
  ``search_terms`` with a weight by where it came from (name and keywords count most), plus
  the two-word phrases of names and keywords ("bangun rumah", "rumah makan").
- A query is cut and stemmed the same way. Each stem and two-word phrase is looked up; a word
  the index does not hold is matched to the closest indexed words (a typo: "wareng" -> "warung"):
  pg_trgm's similarity on PostgreSQL when the extension is there, rapidfuzz otherwise, both
  scored by rapidfuzz so both databases rank alike.
- Rank = the sum over matched terms of weight x rarity (a word every permit has counts little),
  times how many of the query's words matched.

The index follows changes by itself: a flush that adds, changes or removes a permit, its
keywords, a signpost or a video guide rewrites that thing's rows (``_after_flush``).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import case, delete, event, func, insert, select, text
from sqlalchemy.orm import Session

from portal.catalogue.models import (
    CategoryKeywords,
    PermitCategory,
    SearchTerm,
    Signpost,
)
from portal.catalogue.search_text import (  # noqa: F401  (re-exported: search.stem, ...)
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_WORD_CHARS,
    STOP_WORDS,
    _phrases,
    stem,
    stems_of,
    words_of,
)
from portal.catalogue.unfound import UnfoundRow, record_unfound, scrub, top_unfound  # noqa: F401
from portal.extensions import db

RESULT_LIMIT = 20
#: A typo is matched to an indexed word at least this similar (rapidfuzz ratio, 0-100).
FUZZY_CUTOFF = 75
FUZZY_MIN_CHARS = 4

CATEGORY, SIGNPOST, TUTORIAL = "category", "signpost", "tutorial"  # tutorial: see portal.tutorials

# Field weights: the name and the office's keywords say most about what a permit is for.
W_NAME, W_KEYWORD, W_PHRASE, W_SUMMARY, W_BODY = 3.0, 3.0, 5.0, 1.5, 0.5


# -- building the index -------------------------------------------------------------------------
def weighted_terms(weighted: Iterable[tuple[str | None, float, bool]]) -> dict[str, float]:
    """term -> weight (the highest of the fields it occurs in). Each item: text, weight, and
    whether its two-word phrases count (names and keywords)."""
    terms: dict[str, float] = {}
    for text_, weight, phrases in weighted:
        for line in (text_ or "").splitlines():
            stems = stems_of(line)
            for s in stems:
                if s not in STOP_WORDS:
                    terms[s] = max(terms.get(s, 0.0), weight)
            if phrases:
                content = [s for s in stems if s not in STOP_WORDS]
                for p in _phrases(content):
                    terms[p] = max(terms.get(p, 0.0), W_PHRASE)
    return {t: w for t, w in terms.items() if len(t) <= 120}


def category_terms(category: PermitCategory, keywords: str = "") -> dict[str, float]:
    return weighted_terms(
        [
            (category.name_id, W_NAME, True),
            (category.name_en, W_NAME, True),
            (category.code, W_NAME, False),
            (keywords, W_KEYWORD, True),
            (category.summary_id, W_SUMMARY, False),
            (category.summary_en, W_SUMMARY, False),
            (category.description_id, W_BODY, False),
            (category.description_en, W_BODY, False),
        ]
    )


def signpost_terms(signpost: Signpost) -> dict[str, float]:
    return weighted_terms(
        [
            (signpost.name_id, W_NAME, True),
            (signpost.name_en, W_NAME, True),
            (signpost.keywords, W_KEYWORD, True),
            (signpost.summary_id, W_SUMMARY, False),
            (signpost.summary_en, W_SUMMARY, False),
        ]
    )


def _write(conn, kind: str, ref_id: int, terms: dict[str, float] | None) -> None:
    _forget_vocabulary()
    conn.execute(delete(SearchTerm).where(SearchTerm.kind == kind, SearchTerm.ref_id == ref_id))
    if terms:
        conn.execute(
            insert(SearchTerm),
            [{"kind": kind, "ref_id": ref_id, "term": t, "weight": w} for t, w in terms.items()],
        )


def _index_category(conn, category_id: int) -> dict[str, float] | None:
    category = conn.execute(select(PermitCategory.__table__).where(PermitCategory.id == category_id)).first()
    if category is None or not category.active:
        return None
    keywords = (
        conn.execute(
            select(CategoryKeywords.keywords).where(CategoryKeywords.category_id == category_id)
        ).scalar()
        or ""
    )
    return category_terms(category, keywords)


def _index_signpost(conn, signpost_id: int) -> dict[str, float] | None:
    row = conn.execute(select(Signpost.__table__).where(Signpost.id == signpost_id)).first()
    return signpost_terms(row) if row is not None and row.active else None


@dataclass(frozen=True)
class Source:
    """One kind of searchable thing. ``terms(conn, id)`` gives its index terms (None when it is
    hidden or gone); ``watch`` maps each model whose flush changes it to the id it changes;
    ``visible()`` is the clause that keeps hidden rows out of results. Features register their
    own (the tutorials package registers the video guides), so this module imports none."""

    kind: str
    model: type
    terms: Callable
    watch: dict
    visible: Callable


SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    SOURCES[source.kind] = source


register_source(
    Source(
        CATEGORY,
        PermitCategory,
        _index_category,
        {PermitCategory: lambda o: o.id, CategoryKeywords: lambda o: o.category_id},
        lambda: PermitCategory.active.is_(True),
    )
)
register_source(
    Source(SIGNPOST, Signpost, _index_signpost, {Signpost: lambda o: o.id}, lambda: Signpost.active.is_(True))
)


def _index(conn, kind: str, ref_id: int) -> None:
    _write(conn, kind, ref_id, SOURCES[kind].terms(conn, ref_id))


def reindex(kind: str, ref_id: int, session: Session | None = None) -> None:
    """Rewrite the index rows of one permit, signpost or video guide (deleted or hidden: none)."""
    _index((session or db.session).connection(), kind, ref_id)


def rebuild_index(session: Session | None = None) -> int:
    """Rewrite the whole index (CLI ``flask search reindex``, the demo seed); returns the number
    of things indexed."""
    session = session or db.session
    session.flush()
    conn = session.connection()
    conn.execute(delete(SearchTerm))
    count = 0
    for source in SOURCES.values():
        for ref_id in conn.execute(select(source.model.id)).scalars().all():
            _index(conn, source.kind, ref_id)
            count += 1
    return count


def _watched(obj) -> list[tuple[str, Callable]]:
    return [
        (source.kind, key)
        for source in SOURCES.values()
        for model, key in source.watch.items()
        if isinstance(obj, model)
    ]


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context, instances) -> None:
    # Ids of new rows are known only after the flush: remember the objects, read ids later.
    pending = session.info.setdefault("search_pending", [])
    for obj in [*session.new, *session.dirty, *session.deleted]:
        watched = _watched(obj)
        if not watched:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        pending.extend((obj, kind, key) for kind, key in watched)


@event.listens_for(Session, "after_flush_postexec")
def _after_flush(session: Session, flush_context) -> None:
    pending = session.info.pop("search_pending", None)
    if not pending:
        return
    todo = {(kind, key(obj)) for obj, kind, key in pending}
    conn = session.connection()
    for kind, ref_id in sorted(t for t in todo if t[1] is not None):
        _index(conn, kind, ref_id)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("search_pending", None)


# -- searching ----------------------------------------------------------------------------------
@dataclass
class Query:
    """A search box entry made safe: its words (at most MAX_QUERY_WORDS), their stems without
    stop words, and their two-word phrases."""

    text: str
    words: list[str]
    stems: list[str]
    phrases: list[str]

    @classmethod
    def parse(cls, raw: str | None) -> Query:
        raw = (raw or "")[:MAX_QUERY_CHARS]
        words = words_of(raw, limit=MAX_QUERY_WORDS)
        stems = []
        for w in words:
            s = stem(w)
            if s not in STOP_WORDS and w not in STOP_WORDS and s not in stems:
                stems.append(s)
        return cls(" ".join(words), words, stems, _phrases(stems))


@dataclass
class Hit:
    kind: str
    ref_id: int
    score: float
    matched: set[str] = field(default_factory=set)
    obj: object = None
    chapter_ids: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    query: Query
    permits: list[Hit]  # our permits and other offices' (signposts), best first
    tutorials: list[Hit]
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> indexed word

    @property
    def empty(self) -> bool:
        return not self.permits and not self.tutorials


def _has_trgm(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    cache = session.info.setdefault("pg_trgm", {})
    if "ok" not in cache:
        cache["ok"] = bool(
            session.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).scalar()
        )
    return cache["ok"]


#: SQLite (and PostgreSQL without pg_trgm) correct typos against the indexed words of names and
#: keywords, read once and kept for VOCABULARY_SECONDS per process (and dropped whenever this
#: process writes the index): a keyword added elsewhere is found at once, typo correction
#: towards it follows within minutes.
VOCABULARY_SECONDS = 300
_vocabulary: dict[str, tuple[float, dict[int, list[str]]]] = {}


def _forget_vocabulary() -> None:
    _vocabulary.clear()


def _vocabulary_by_length(session: Session) -> dict[int, list[str]]:
    bind = session.get_bind()
    key = str(getattr(bind, "engine", bind).url)
    cached = _vocabulary.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    by_length: dict[int, list[str]] = defaultdict(list)
    for term in session.execute(
        select(SearchTerm.term).distinct().where(SearchTerm.weight >= W_NAME, SearchTerm.term.not_like("% %"))
    ).scalars():
        by_length[len(term)].append(term)
    _vocabulary[key] = (time.monotonic() + VOCABULARY_SECONDS, by_length)
    return by_length


def _close_words(session: Session, word: str) -> list[tuple[str, float]]:
    """Indexed single words of names and keywords closest to ``word`` (a typo), with rapidfuzz's
    ratio. Only names and keywords: a typo corrected to a word deep in a description finds
    nonsense ("nelayan" -> "layan", from "pelayanan")."""
    n = len(word)
    if _has_trgm(session):
        rows = (
            session.execute(
                text(
                    "SELECT DISTINCT term FROM search_terms "
                    "WHERE term % :w AND length(term) BETWEEN :lo AND :hi AND weight >= :min LIMIT 50"
                ),
                {"w": word, "lo": n - 2, "hi": n + 2, "min": W_NAME},
            )
            .scalars()
            .all()
        )
    else:
        vocabulary = _vocabulary_by_length(session)
        rows = [t for length in range(n - 2, n + 3) for t in vocabulary.get(length, ())]
    found = process.extract(
        word, [r for r in rows if " " not in r], scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=2
    )
    return [(term, score / 100.0) for term, score, _ in found]


def search(
    raw_query: str | None, *, limit: int = RESULT_LIMIT, session: Session | None = None
) -> SearchResults:
    """Permits, signposts and video guides for a search box entry, best first. Anyone may search;
    nothing is written. Any text is safe: it is only ever cut into words, and the words reach
    the database only as bound parameters.

    Four statements: how many things hold each wanted term (rarity), the typo candidates of
    words the index lacks, the ranking itself (summed and ordered in SQL, so a common word held
    by thousands of permits costs no Python loop), and loading the hits."""
    session = session or db.session
    query = Query.parse(raw_query)
    results = SearchResults(query, [], [])
    if not query.stems:
        return results
    # term -> (factor, the query word it stands for; None for a two-word phrase)
    wanted: dict[str, tuple[float, str | None]] = {s: (1.0, s) for s in query.stems}
    wanted.update({p: (1.0, None) for p in query.phrases})
    df = dict(
        session.execute(
            select(SearchTerm.term, func.count())
            .where(SearchTerm.term.in_(list(wanted)))
            .group_by(SearchTerm.term)
        ).all()
    )
    fuzzy: set[str] = set()
    if _has_trgm(session):
        session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', '0.25', true)"))
    for s in query.stems:
        if s in df or len(s) < FUZZY_MIN_CHARS or not s.isalpha():
            continue
        for term, similarity in _close_words(session, s):
            if term not in wanted or wanted[term][0] < similarity:
                wanted[term] = (similarity * 0.9, s)
                fuzzy.add(term)
            results.corrected.setdefault(s, term)
    if fuzzy:
        df.update(
            session.execute(
                select(SearchTerm.term, func.count())
                .where(SearchTerm.term.in_(list(fuzzy)))
                .group_by(SearchTerm.term)
            ).all()
        )
    wanted = {t: v for t, v in wanted.items() if df.get(t)}
    if not wanted:
        return results
    total = (
        sum(
            session.execute(select(func.count()).select_from(src.model).where(src.visible())).scalar() or 0
            for src in SOURCES.values()
        )
        or 1
    )
    factor = case(
        {t: f * math.log(1 + total / df[t]) for t, (f, _) in wanted.items()}, value=SearchTerm.term, else_=0.0
    )
    weight = SearchTerm.weight
    if fuzzy:  # a corrected typo counts only where it is a name or a keyword
        weight = case(
            (SearchTerm.term.in_(list(fuzzy)) & (SearchTerm.weight < W_NAME), 0.0), else_=SearchTerm.weight
        )
    word_of = case({t: w for t, (_, w) in wanted.items() if w}, value=SearchTerm.term, else_=None)
    score = func.sum(weight * factor) * (
        0.4 + 0.6 * func.count(func.distinct(word_of)) / float(len(query.stems))
    )
    rows = session.execute(
        select(SearchTerm.kind, SearchTerm.ref_id, score.label("score"))
        .where(SearchTerm.term.in_(list(wanted)))
        .group_by(SearchTerm.kind, SearchTerm.ref_id)
        .having(func.sum(weight * factor) > 0)
        .order_by(score.desc(), SearchTerm.kind, SearchTerm.ref_id)
        .limit(limit * 3)
    ).all()
    hits = [Hit(r.kind, r.ref_id, float(r.score)) for r in rows]
    permits = [h for h in hits if h.kind != TUTORIAL][:limit]
    tutorials = [h for h in hits if h.kind == TUTORIAL][:limit]
    _load(session, permits + tutorials)
    results.permits = [h for h in permits if h.obj is not None]
    results.tutorials = [h for h in tutorials if h.obj is not None]
    for hit in results.tutorials:
        hit.chapter_ids = matching_chapters(hit.obj, set(wanted))
    return results


def _load(session: Session, hits: list[Hit]) -> None:
    by_kind: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        by_kind[hit.kind].append(hit)
    for kind, group in by_kind.items():
        source = SOURCES[kind]
        objs = {
            o.id: o
            for o in session.scalars(
                select(source.model).where(source.model.id.in_([h.ref_id for h in group]), source.visible())
            )
        }
        for hit in group:
            hit.obj = objs.get(hit.ref_id)


def matching_chapters(tutorial, terms: set[str]) -> list[str]:
    """The ids of the chapters whose title or transcript hold one of ``terms`` (stems)."""
    found = []
    for ch in tutorial.chapters_json or []:
        texts = (tutorial.chapter_transcripts or {}).get(ch["id"], {})
        stems = set(stems_of(" ".join([*ch.get("title", {}).values(), *texts.values()])))
        stems |= set(_phrases(list(stems)))
        if stems & terms:
            found.append(ch["id"])
    return found


def suggestions(
    raw_query: str | None, *, limit: int = 3, session: Session | None = None
) -> list[PermitCategory | Signpost]:
    """For a search that found nothing: the permits whose names or keywords are closest to what
    was typed (rapidfuzz over names and keywords), else the most requested ones."""
    session = session or db.session
    query = Query.parse(raw_query)
    choices: dict[str, tuple[str, int]] = {}
    for c in session.execute(
        select(PermitCategory.id, PermitCategory.name_id, PermitCategory.name_en, CategoryKeywords.keywords)
        .outerjoin(CategoryKeywords)
        .where(PermitCategory.active.is_(True))
        .limit(2000)
    ):
        for phrase in [c.name_id, c.name_en, *(c.keywords or "").splitlines()]:
            if phrase.strip():
                choices[f"{CATEGORY}:{c.id}:{phrase.lower()}"] = (phrase.lower(), c.id)
    picked: list[tuple[str, int]] = []
    if query.text:
        found = process.extract(
            query.text, {k: v[0] for k, v in choices.items()}, scorer=fuzz.WRatio, limit=20
        )
        for _, _, key in found:
            ref = (CATEGORY, choices[key][1])
            if ref not in picked:
                picked.append(ref)
            if len(picked) >= limit:
                break
    ids = [ref_id for _, ref_id in picked]
    if not ids:
        ids = list(
            session.scalars(
                select(PermitCategory.id)
                .where(PermitCategory.active.is_(True))
                .order_by(PermitCategory.popularity.desc())
                .limit(limit)
            )
        )
    objs = {o.id: o for o in session.scalars(select(PermitCategory).where(PermitCategory.id.in_(ids)))}
    return [objs[i] for i in ids if i in objs]
