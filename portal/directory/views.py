"""The directory's pages: the public list of agencies and each agency's page (/mal-pelayanan),
"open now" computed here in the office's time zone."""

from __future__ import annotations

from flask import render_template

from portal.directory import bp, services
from portal.directory.forms import DAY_NAMES
from portal.directory.hours import office_now, open_state
from portal.security import public


def _week(agency) -> list[tuple[str, object]]:
    by_day = {h.weekday: h for h in agency.hours}
    return [(DAY_NAMES[d], by_day.get(d)) for d in range(7)]


@bp.route("/mal-pelayanan")
@public
def index():
    agencies = services.public_agencies()
    now = office_now()
    return render_template(
        "directory/index.html",
        agencies=agencies,
        states={a.id: open_state(a, now) for a in agencies},
        now=now,
    )


@bp.route("/mal-pelayanan/<slug>")
@public
def agency(slug: str):
    found = services.get_public_agency(slug[:80])
    now = office_now()
    return render_template(
        "directory/agency.html",
        agency=found,
        state=open_state(found, now),
        week=_week(found),
        now=now,
        today=now.weekday(),
    )
