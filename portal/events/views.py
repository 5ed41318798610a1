"""The agenda's public pages: upcoming and past events (paged), an event's page, its picture and
the iCal feeds (/events.ics, /events/<id>.ics)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, current_app, g, render_template
from flask_babel import gettext as _

from portal.errors import NotFoundError
from portal.events import bp, services
from portal.events.ical import to_ical
from portal.paging import int_arg
from portal.security import public
from portal.storage.serving import safe_download_response

ICAL_MAX_AGE = 300


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


@bp.route("/events")
@public
def index():
    page = int_arg("page", maximum=1000) or 1
    events, more = services.upcoming(page)
    return render_template(
        "events/list.html", events=events, more=more, page=page, kind="upcoming", zone=_zone()
    )


@bp.route("/events/past")
@public
def past():
    page = int_arg("page", maximum=1000) or 1
    events, more = services.past(page)
    return render_template("events/list.html", events=events, more=more, page=page, kind="past", zone=_zone())


@bp.route("/events/<id:event_id>")
@public
def detail(event_id: int):
    return render_template("events/detail.html", event=services.get_public_event(event_id), zone=_zone())


@bp.route("/events/<id:event_id>/picture")
@public
def picture(event_id: int):
    event = services.get_public_event(event_id)
    if not event.image_key:
        raise NotFoundError()
    response = safe_download_response(
        event.image_key, f"event-{event.id}", event.image_type or "image/jpeg", as_attachment=False
    )
    g.no_store = False
    response.headers["Cache-Control"] = "public, max-age=86400"  # a new picture gets a new key
    return response


def _calendar(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.ics"'
    g.no_store = False
    response.headers["Cache-Control"] = f"public, max-age={ICAL_MAX_AGE}"
    return response


@bp.route("/events.ics")
@public
def feed():
    return _calendar(to_ical(services.feed_events(), _("Events agenda")), "agenda")


@bp.route("/events/<id:event_id>.ics")
@public
def event_ics(event_id: int):
    event = services.get_public_event(event_id)
    return _calendar(to_ical([event], _("Events agenda")), f"event-{event.id}")
