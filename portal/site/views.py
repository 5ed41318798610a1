"""robots.txt, sitemap.xml and the accessibility statement."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, g, render_template, url_for

from portal.security import public
from portal.site import bp, seo

#: Paths no search engine needs: accounts, the application wizard, staff screens, files.
ROBOTS_DISALLOW = (
    "/admin",
    "/staff",
    "/backoffice",
    "/helpdesk",
    "/applications",
    "/account",
    "/login",
    "/register",
    "/language",
    "/notifications",
    "/documents",
    "/search",
)


#: When the accessibility statement was last checked against the tests it names.
STATEMENT_REVIEWED = date(2026, 12, 1)


@bp.route("/robots.txt")
@public
def robots() -> Response:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /"]
    lines += ["", "Sitemap: " + str(current_app.config["BASE_URL"]).rstrip("/") + url_for("site.sitemap"), ""]
    g.no_store = False
    response = Response("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/sitemap.xml")
@public
def sitemap() -> Response:
    body = render_template("site/sitemap.xml", entries=seo.sitemap_entries())
    g.no_store = False
    response = Response(body, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/accessibility")
@public
def accessibility() -> str:
    return render_template("site/accessibility.html", reviewed=STATEMENT_REVIEWED)
