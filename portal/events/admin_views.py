"""The admin's editing of the events agenda (/admin/events), nested in the admin blueprint
(its role check)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.models import Role
from portal.errors import PortalError
from portal.events import services
from portal.events.forms import EventForm
from portal.forms import ActionForm, check_action
from portal.security import roles_required
from portal.storage import UploadRejected

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template(
        "events/admin/index.html",
        events=services.all_events(),
        action_form=ActionForm(),
        zone=services.office_zone(),
    )


def _local(event, form: EventForm) -> None:
    zone = services.office_zone()
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    form.start_date.data = event.start_date or start.date()
    form.end_date.data = event.end_date or end.date()
    if not event.all_day:
        form.start_time.data, form.end_time.data = start.time(), end.time()


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:event_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def form(event_id: int | None = None):
    event = services.get_event(event_id) if event_id is not None else None
    form = EventForm(obj=event)
    if request.method == "GET" and event is not None:
        _local(event, form)
    problems: list[str] = []
    if form.validate_on_submit():
        data = services.EventData(
            title_id=form.title_id.data or "",
            title_en=form.title_en.data or "",
            description_id=form.description_id.data or "",
            description_en=form.description_en.data or "",
            place=form.place.data or "",
            all_day=bool(form.all_day.data),
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            start_time=form.start_time.data,
            end_time=form.end_time.data,
            published=bool(form.published.data),
            image_alt=form.image_alt.data or "",
        )
        try:
            saved = services.save_event(
                event,
                data,
                current_user,
                image=request.files.get("image"),
                remove_image=bool(form.remove_image.data),
            )
        except (PortalError, UploadRejected) as exc:
            problems.append(str(exc))
        else:
            flash(_("The event was saved."), "success")
            return redirect(url_for(".form", event_id=saved.id))
    return render_template("events/admin/form.html", form=form, event=event, problems=problems)


@bp.route("/<id:event_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def delete(event_id: int):
    check_action()
    services.delete_event(services.get_event(event_id), current_user)
    flash(_("The event was deleted."), "success")
    return redirect(url_for(".index"))
