"""The office's public website around the portal: robots.txt and sitemap.xml, the
accessibility statement, and (registered here) the sitemap's sources for the pages of the
features below it: permits, video guides, news, the office profile."""

from flask import Blueprint, Flask

from portal import site_registry

bp = Blueprint("site", __name__)

from portal.maintenance import inventory  # noqa: E402
from portal.site import context, seo, sources, views  # noqa: E402, F401
from portal.site.models import stored_files  # noqa: E402


def init_app(app: Flask) -> None:
    # The maintenance inventory (backups, storage verify) learns which files the website keeps.
    inventory.register_files(app, "site_pictures", stored_files)
    sources.register(app)
    context.init_app(app)
    app.add_template_global(seo.page_url, "page_url")
    app.add_template_global(seo.canonical, "canonical_url")
    app.add_template_global(seo.alternates, "page_alternates")
    app.add_template_global(site_registry.nav_links, "nav_links")
