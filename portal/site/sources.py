"""The sitemap's sources for the public pages of the portal's own features (other features
register theirs through portal.site_registry)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import site_registry
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.public.models import News
from portal.site.models import ProfilePage
from portal.site_registry import SitemapEntry
from portal.tutorials.models import Tutorial

#: The public pages that are always there.
FIXED_PAGES = (
    "public.home",
    "catalogue.index",
    "tutorials.library",
    "public.news_list",
    "public.faq",
    "public.information",
    "public.statistics",
    "permits.register_list",
    "auth.privacy_notice",
    "site.accessibility",
    "site.profile",
    "site.officials",
    "site.contact",
)


def fixed_pages() -> Iterator[SitemapEntry]:
    for endpoint in FIXED_PAGES:
        yield SitemapEntry(url_for(endpoint))


def permits() -> Iterator[SitemapEntry]:
    rows = db.session.execute(
        select(PermitCategory.slug, PermitCategory.updated_at)
        .where(PermitCategory.active.is_(True))
        .order_by(PermitCategory.id)
    )
    for slug, updated in rows:
        yield SitemapEntry(url_for("catalogue.detail", slug=slug), updated)


def guides() -> Iterator[SitemapEntry]:
    rows = db.session.execute(
        select(Tutorial.id, Tutorial.updated_at).where(Tutorial.published.is_(True)).order_by(Tutorial.id)
    )
    for tutorial_id, updated in rows:
        yield SitemapEntry(url_for("tutorials.watch", tutorial_id=tutorial_id), updated)


def news() -> Iterator[SitemapEntry]:
    rows = db.session.execute(
        select(News.id, News.updated_at)
        .where(News.published_at.is_not(None))
        .order_by(News.published_at.desc())
        .limit(1000)
    )
    for news_id, updated in rows:
        yield SitemapEntry(url_for("public.news_detail", news_id=news_id), updated)


def profile_pages() -> Iterator[SitemapEntry]:
    rows = db.session.execute(select(ProfilePage.slug, ProfilePage.updated_at).order_by(ProfilePage.position))
    for slug, updated in rows:
        yield SitemapEntry(url_for("site.profile_page", slug=slug), updated)


def register(app: Flask) -> None:
    for source in (fixed_pages, permits, guides, news, profile_pages):
        site_registry.register_sitemap_source(app, source)
    # The main menu's public links (other features add theirs the same way).
    site_registry.register_nav_link(app, "public.home", _l("Home"), order=10)
    site_registry.register_nav_link(app, "catalogue.index", _l("Permit types"), order=20)
    site_registry.register_nav_link(app, "tutorials.library", _l("Video guides"), order=30)
    site_registry.register_nav_link(app, "applications.status_check", _l("Check status"), order=90)
