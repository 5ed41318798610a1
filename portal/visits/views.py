"""The beacon image and the admins' visits page. Thin: the rules are in services."""

from __future__ import annotations

import base64

from flask import make_response, render_template, request

from portal.auth.models import Role
from portal.calendar.clock import office_today
from portal.security import public, roles_required
from portal.visits import bp, services

#: A transparent 1x1 GIF.
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@bp.get("/v.gif")
@public
def beacon():
    """Count a view of the page named in ``p`` (see services.count_view). The same image is
    answered whether it counted or not, with no cookie, never cached (every show of the page
    asks again). The session is never read."""
    if request.method == "GET":
        args = request.args
        services.count_view(args.get("p"), args.get("s"), request.headers, request.remote_addr)
    response = make_response(PIXEL)
    response.headers["Content-Type"] = "image/gif"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/helpdesk/visits")
@roles_required(Role.ADMIN)
def report():
    return render_template("visits/report.html", report=services.visit_report(office_today()))
