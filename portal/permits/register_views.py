"""The public register of issued permits: one page anyone may read (no login), cached like the
other public pages. Thin: read the filters, call permits.register."""

from __future__ import annotations

from flask import render_template, request

from portal.paging import int_arg
from portal.permits import bp, register
from portal.security import public


@bp.route("/issued-permits")
@public
def register_list():
    """Permits issued in the categories an admin opted in: search by number, filter by type."""
    query = register.clean_query(request.args.get("q"))
    category = (request.args.get("category") or "").strip()[:80] or None
    page = register.register_page(query, category, before=int_arg("before"))
    args = {k: v for k, v in (("q", query), ("category", category)) if v}
    return render_template("permits/register.html", page=page, query=query, category=category, args=args)
