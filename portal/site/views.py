"""The public website's pages: robots.txt, sitemap.xml, the accessibility statement, the
office profile and officials, the contact page, and the pictures and theme they show."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, g, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from portal.errors import NotFoundError
from portal.permits import letterhead
from portal.security import public
from portal.site import bp, seo, services, theme
from portal.storage import get_storage
from portal.storage.serving import safe_download_response

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


# -- pictures, theme ----------------------------------------------------------------------------
PICTURE_MAX_AGE = 7 * 24 * 3600  # a new upload is a new picture id: the address never changes


@bp.route("/site/pictures/<id:image_id>")
@public
def picture(image_id: int) -> BaseResponse:
    image = services.get_picture_or_404(image_id)
    response = safe_download_response(
        image.key, f"picture-{image.id}", image.content_type, as_attachment=False
    )
    g.no_store = False
    response.headers["Cache-Control"] = f"public, max-age={PICTURE_MAX_AGE}"
    return response


@bp.route("/site/coat-of-arms")
@public
def coat_of_arms() -> BaseResponse:
    """The permit letters' coat of arms (portal.permits.letterhead), shown in the header."""
    logo = letterhead.current_logo()
    if logo is None:
        raise NotFoundError()
    response = safe_download_response(
        logo.logo_key, "coat-of-arms", _type_of(logo.logo_key), as_attachment=False
    )
    g.no_store = False
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _type_of(key: str) -> str:
    with get_storage().open(key) as fh:
        return "image/png" if fh.read(8).startswith(b"\x89PNG") else "image/jpeg"


@bp.route("/site/theme.css")
@public
def theme_css() -> Response:
    row = services.identity()
    primary, hover = theme.colours(row.theme, row.theme_colour)
    response = Response(theme.stylesheet(primary, hover), mimetype="text/css")
    g.no_store = False
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"  # the link names the colours
    return response


# -- profile, contact ---------------------------------------------------------------------------
@bp.route("/profile")
@public
def profile() -> str:
    return render_template(
        "site/profile.html", pages=services.profile_pages(), officials=services.officials()[:3]
    )


@bp.route("/profile/officials")
@public
def officials() -> str:
    return render_template(
        "site/officials.html", pages=services.profile_pages(), officials=services.officials()
    )


@bp.route("/profile/<slug>")
@public
def profile_page(slug: str) -> str:
    if not services.PROFILE_SLUG.fullmatch(slug):  # a NUL or any stray value never reaches the query
        raise NotFoundError()
    return render_template(
        "site/profile_page.html", page=services.get_profile_page_or_404(slug), pages=services.profile_pages()
    )


@bp.route("/contact")
@public
def contact() -> str:
    return render_template("site/contact.html")
