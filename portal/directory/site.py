"""The directory's place on the public website: its main-menu link and its sitemap entries
(portal.site_registry)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import site_registry
from portal.directory.models import Agency
from portal.extensions import db
from portal.site_registry import SitemapEntry


def sitemap() -> Iterator[SitemapEntry]:
    newest = db.session.scalar(select(func.max(Agency.updated_at)).where(Agency.active.is_(True)))
    yield SitemapEntry(url_for("directory.index"), newest)
    rows = db.session.execute(
        select(Agency.slug, Agency.updated_at)
        .where(Agency.active.is_(True))
        .order_by(Agency.position, Agency.id)
    )
    for slug, updated in rows:
        yield SitemapEntry(url_for("directory.agency", slug=slug), updated)


def register(app: Flask) -> None:
    site_registry.register_nav_link(app, "directory.index", _l("Service mall"), order=40)
    site_registry.register_sitemap_source(app, sitemap)
