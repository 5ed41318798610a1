"""The public catalogue: the searchable list of permits and one page per permit."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from portal.catalogue import bp, listing, services
from portal.catalogue.models import Sector
from portal.i18n import current_language
from portal.security import public
from portal.storage import get_storage
from portal.storage.checks import CONTENT_TYPES, SNIFF_BYTES, FileKind, sniff
from portal.storage.serving import safe_download_response


@bp.route("/permits")
@public
def index():
    query = request.args.get("q", "")[: services.MAX_QUERY_CHARS]
    sector = request.args.get("sector", "")
    if sector not in {s.value for s in Sector}:
        sector = ""
    after = request.args.get("after")
    default_list = not (query or sector or after)
    if default_list:
        page: services.CategoryPage | listing.CardPage = listing.default_page(current_language())
    else:
        page = services.list_categories(query, sector or None, after=after, lang=current_language())
    return render_template(
        "catalogue/index.html",
        page=page,
        query=query,
        sector=sector,
        sectors=listing.sectors_in_use(),
        default_list=default_list,
    )


@bp.route("/permits/<slug>")
@public
def detail(slug: str):
    category = services.get_category_or_404(slug)
    version = category.current_version
    spec = version.spec if version is not None else None
    return render_template(
        "catalogue/detail.html", category=category, spec=spec, start_action=services.start_path(category.slug)
    )


@bp.route("/permits/<slug>/samples/<doc_key>")
@public
def sample(slug: str, doc_key: str):
    """The sample file of one document requirement: a file under static/ or a stored file."""
    category = services.get_category_or_404(slug)
    doc = services.get_sample_or_404(category, doc_key)
    if doc.sample_key.startswith("static/"):
        return redirect(url_for("static", filename=doc.sample_key.removeprefix("static/")))
    try:
        with get_storage().open(doc.sample_key) as fh:
            kind = sniff(fh.read(SNIFF_BYTES))
    except Exception:  # noqa: BLE001 - a missing or malformed key is a missing sample
        abort(404)
    if kind not in doc.allowed_types:
        abort(404)
    return safe_download_response(
        doc.sample_key, f"{doc.key}-sample.{'jpg' if kind == 'jpeg' else kind}", CONTENT_TYPES[FileKind(kind)]
    )
