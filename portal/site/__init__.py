"""The office's public website around the portal: robots.txt and sitemap.xml, the
accessibility statement, and (registered here) the sitemap's sources for the pages of the
features below it: permits, video guides, news, the office profile."""

from flask import Blueprint, Flask

from portal import site_registry

bp = Blueprint("site", __name__)

from portal.site import seo, sources, views  # noqa: E402, F401


def init_app(app: Flask) -> None:
    sources.register(app)
    app.add_template_global(seo.page_url, "page_url")
    app.add_template_global(seo.alternates, "page_alternates")
    app.add_template_global(site_registry.nav_links, "nav_links")
