"""The public catalogue: the searchable list of permits and one page per permit."""

from __future__ import annotations

from flask import render_template, request

from portal.catalogue import bp, services
from portal.catalogue.models import Sector
from portal.i18n import current_language
from portal.security import public


@bp.route("/permits")
@public
def index():
    query = request.args.get("q", "")[: services.MAX_QUERY_CHARS]
    sector = request.args.get("sector", "")
    if sector not in {s.value for s in Sector}:
        sector = ""
    page = services.list_categories(query, sector or None, after=request.args.get("after"),
                                    lang=current_language())
    return render_template("catalogue/index.html", page=page, query=query, sector=sector,
                           sectors=services.sectors_in_use())


@bp.route("/permits/<slug>")
@public
def detail(slug: str):
    category = services.get_category_or_404(slug)
    version = category.current_version
    spec = version.spec if version is not None else None
    return render_template("catalogue/detail.html", category=category, spec=spec,
                           start_action=services.start_path(category.slug))
