"""The public catalogue's default list (every open permit type, no search, first page) and
its sector filter, kept per process: every visitor of /permits sees the same rows, and reading
them was a quarter of the page's CPU.

What is kept is a copy of the values the page shows (:class:`CategoryCard`), never ORM objects
of another request's session. A permit type added, edited, published or closed drops the copy
in this process once that change commits (``cache.mark_changed``); other processes read it
again within ``LISTING_CACHE_SECONDS``, the same minute the page may be kept by browsers and
the nginx micro-cache (Cache-Control: public, max-age=60). Searches and later pages are read
each time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import cache
from portal.catalogue import services
from portal.catalogue.models import FormVersion, PermitCategory, Sector

LISTING_CACHE_SECONDS = 60


@dataclass(frozen=True)
class CategoryCard:
    """What a catalogue card shows of a permit type (the attribute names of PermitCategory,
    so ``localized(card, 'name')`` and the macros work on it)."""

    id: int
    slug: str
    name_id: str
    name_en: str | None
    summary_id: str | None
    summary_en: str | None
    sector: Sector
    time_limit_days: int
    cost_rupiah: int

    @property
    def sector_label(self) -> str:
        return Sector(self.sector).label


@dataclass(frozen=True)
class CardPage:
    items: list[CategoryCard]
    next_after: str | None


def _cards(lang: str) -> CardPage:
    page = services.list_categories(lang=lang)
    return CardPage(
        [
            CategoryCard(
                c.id,
                c.slug,
                c.name_id,
                c.name_en,
                c.summary_id,
                c.summary_en,
                Sector(c.sector),
                c.time_limit_days,
                c.cost_rupiah,
            )
            for c in page.items
        ],
        page.next_after,
    )


def default_page(lang: str) -> CardPage:
    """The first page of every open permit type, ordered by name in ``lang``."""
    return cache.local(f"catalogue:list:{lang}", LISTING_CACHE_SECONDS, lambda: _cards(lang))


def cached_cards(lang: str, caller: Callable[[], Markup]) -> Markup:
    """The default list's cards as HTML (template global ``cached_catalogue_cards``, used with
    ``{% call %}``): rendered once per language and process, and kept as long as the rows they
    show (dropped with them when a permit type changes). The cards are the same for every
    visitor and every logged-in person; rendering them was a third of the page's CPU."""
    # the caller's output: the template's already escaped Markup, kept as it is
    return cache.local(f"catalogue:cards:{lang}", LISTING_CACHE_SECONDS, caller)


def sectors_in_use() -> list[Sector]:
    return cache.local("catalogue:sectors", LISTING_CACHE_SECONDS, services.sectors_in_use)


@event.listens_for(Session, "before_flush")
def _catalogue_changed(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PermitCategory | FormVersion):
            cache.mark_changed(session)
            return
