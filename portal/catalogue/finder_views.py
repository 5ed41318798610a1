"""Public pages of the finder: search results in citizens' own words, "Help me choose a
permit" (plain links, no JavaScript needed), other offices' permits, and "I cannot find my
permit". Thin: the rules are in search.py and finder.py."""

from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for

from portal.catalogue import bp, finder, search
from portal.extensions import limiter
from portal.i18n import current_language
from portal.security import public


def whatsapp_link(number: str | None) -> str | None:
    """A wa.me link for the office's WhatsApp number as written in the settings
    ("0811 0000 0000" -> https://wa.me/6281100000000), or None when it has no digits."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return None
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return f"https://wa.me/{digits}"


@bp.app_template_global("whatsapp_link")
def _whatsapp_link(number: str | None) -> str | None:
    return whatsapp_link(number)


def search_page(raw_query: str, *, reported: bool = False):
    """The search results page (also the no-result page with suggestions and help)."""
    query = (raw_query or "")[: search.MAX_QUERY_CHARS]
    results = search.search(query)
    suggestions = search.suggestions(query) if query.strip() and not results.permits else []
    return render_template(
        "public/search.html", query=query, results=results, suggestions=suggestions, reported=reported
    )


@bp.route("/search/not-found", methods=["POST"])
@public
@limiter.limit("30 per hour", methods=["POST"])
def report_unfound():
    """ "Saya tidak menemukan izin saya": remember the words (never who), thank, offer help."""
    query = (request.form.get("q") or "")[: search.MAX_QUERY_CHARS]
    search.record_unfound(query)
    return redirect(url_for("public.search", q=query, reported=1))


@bp.route("/finder")
@bp.route("/finder/<key>")
@public
def finder_step(key: str | None = None):
    step = finder.get_step(key)
    if step is None and key is not None:
        return redirect(url_for("catalogue.finder_step"))
    return render_template("catalogue/finder.html", step=step)


@bp.route("/other-offices/<slug>")
@public
def signpost(slug: str):
    return render_template("catalogue/signpost.html", signpost=finder.get_signpost_or_404(slug))


@bp.app_template_global("localized_key")
def localized_key(item: dict, field: str) -> str:
    """``item[field + '_id' | '_en']`` by the page's language, falling back to Indonesian."""
    return item.get(f"{field}_{current_language()}") or item.get(f"{field}_id") or ""
