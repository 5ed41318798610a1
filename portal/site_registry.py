"""What the public website is made of, registered by the features that own the pages: the main
menu's links and the sources of ``sitemap.xml``. A feature adds its menu link and its URLs in
its own ``init_app`` (or blueprint ``record_once``), so the layout and the sitemap never import
the feature:

    site_registry.register_nav_link(app, "mall.directory", _l("Service mall"), order=35)
    site_registry.register_sitemap_source(app, lambda: [SitemapEntry(url_for("mall.directory"))])

The menu shows the links in ``order`` (then by registration); the sitemap lists every URL each
source yields, with each language's version (``?lang=id`` / ``?lang=en``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app

_NAV = "site_registry.nav"
_SITEMAP = "site_registry.sitemap"


@dataclass(frozen=True)
class NavLink:
    endpoint: str
    label: object  # a lazy string (flask_babel.lazy_gettext), translated when shown
    order: int = 50


@dataclass(frozen=True)
class SitemapEntry:
    path: str  # the page's path, as url_for gives it (no ?lang=: the sitemap adds each language)
    lastmod: datetime | None = None


SitemapSource = Callable[[], Iterable[SitemapEntry]]


def register_nav_link(app: Flask, endpoint: str, label: object, order: int = 50) -> None:
    """Add a link to the public main menu (everyone sees it, logged in or not)."""
    links: list[NavLink] = app.extensions.setdefault(_NAV, [])
    if any(link.endpoint == endpoint for link in links):
        return
    links.append(NavLink(endpoint, label, order))
    links.sort(key=lambda link: link.order)  # stable: equal orders keep registration order


def nav_links() -> list[NavLink]:
    return list(current_app.extensions.get(_NAV, []))


def register_sitemap_source(app: Flask, source: SitemapSource) -> None:
    """Add a source of public URLs to ``sitemap.xml`` (called with an app and request context)."""
    app.extensions.setdefault(_SITEMAP, []).append(source)


def sitemap_sources() -> list[SitemapSource]:
    return list(current_app.extensions.get(_SITEMAP, []))
