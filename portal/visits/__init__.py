"""Visits, privately: page views per office day and per public page, counted on the server by
a same-origin beacon image the page carries (so a page answered from nginx's micro-cache or the
browser's still counts), with no cookie, no third-party script and nothing personal stored.
Admins read them at /helpdesk/visits, next to the help desk's "where people get stuck"."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, Flask

bp = Blueprint("visits", __name__)


def init_app(app: Flask, cacheable_pages: Iterable[str]) -> None:
    """Count the views of ``cacheable_pages`` (the endpoints the composition root lets shared
    caches keep) and of the public pages without URL values; give templates ``visit_beacon()``."""
    app.extensions["visits_pages"] = frozenset(cacheable_pages)
    app.add_template_global(services.beacon_url, "visit_beacon")
    app.register_blueprint(bp)


from portal.visits import services, views  # noqa: E402, F401
