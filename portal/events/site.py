"""The agenda's place on the public website: its main-menu link and sitemap entries."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import site_registry
from portal.events.models import Event
from portal.events.services import newest_change
from portal.extensions import db
from portal.site_registry import SitemapEntry


def sitemap() -> Iterator[SitemapEntry]:
    newest = newest_change()
    yield SitemapEntry(url_for("events.index"), newest)
    yield SitemapEntry(url_for("events.past"), newest)
    rows = db.session.execute(
        select(Event.id, Event.updated_at)
        .where(Event.published.is_(True))
        .order_by(Event.starts_at.desc())
        .limit(1000)
    )
    for event_id, updated in rows:
        yield SitemapEntry(url_for("events.detail", event_id=event_id), updated)


def register(app: Flask) -> None:
    site_registry.register_nav_link(app, "events.index", _l("Events"), order=45)
    site_registry.register_sitemap_source(app, sitemap)
