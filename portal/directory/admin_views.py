"""The admin's editing of the service mall's directory (/admin/directory): agencies with their
weekly hours, and each agency's services. Nested in the admin blueprint (its role check)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.models import Role
from portal.directory import services
from portal.directory.forms import DAY_NAMES, AgencyForm, ServiceForm
from portal.errors import PortalError
from portal.forms import ActionForm, check_action
from portal.security import roles_required

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    return render_template(
        "directory/admin/index.html", agencies=services.all_agencies(), action_form=ActionForm()
    )


def _hours_of(form: AgencyForm) -> tuple[services.Hours, list[str]]:
    hours: services.Hours = {}
    problems = []
    for day in range(7):
        opens, closes = getattr(form, f"opens_{day}").data, getattr(form, f"closes_{day}").data
        if opens is None and closes is None:
            hours[day] = None
        elif opens is None or closes is None:
            problems.append(
                _("%(day)s: fill in both times, or leave both empty when closed.", day=DAY_NAMES[day])
            )
        elif closes <= opens:
            problems.append(
                _("%(day)s: the closing time must be after the opening time.", day=DAY_NAMES[day])
            )
        else:
            hours[day] = (opens, closes)
    return hours, problems


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<id:agency_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def agency_form(agency_id: int | None = None):
    agency = services.get_agency(agency_id) if agency_id is not None else None
    form = AgencyForm(obj=agency)
    if request.method == "GET" and agency is not None:
        for h in agency.hours:
            getattr(form, f"opens_{h.weekday}").data = h.opens
            getattr(form, f"closes_{h.weekday}").data = h.closes
    problems: list[str] = []
    if form.validate_on_submit():
        hours, problems = _hours_of(form)
        if not problems:
            data = services.AgencyData(
                name_id=form.name_id.data or "",
                name_en=form.name_en.data or "",
                summary_id=form.summary_id.data or "",
                summary_en=form.summary_en.data or "",
                counters=form.counters.data or "",
                phone=form.phone.data or "",
                website=form.website.data or "",
                position=form.position.data or 0,
                active=bool(form.active.data),
            )
            try:
                saved = services.save_agency(agency, data, hours, current_user)
            except PortalError as exc:
                problems.append(str(exc))
            else:
                flash(_("The agency was saved."), "success")
                return redirect(url_for(".agency_edit_services", agency_id=saved.id))
    return render_template("directory/admin/agency_form.html", form=form, agency=agency, problems=problems)


@bp.route("/<id:agency_id>/services")
@roles_required(Role.ADMIN)
def agency_edit_services(agency_id: int):
    agency = services.get_agency(agency_id)
    return render_template("directory/admin/services.html", agency=agency, action_form=ActionForm())


@bp.route("/<id:agency_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def agency_delete(agency_id: int):
    check_action()
    services.delete_agency(services.get_agency(agency_id), current_user)
    flash(_("The agency was removed from the directory."), "success")
    return redirect(url_for(".index"))


@bp.route("/<id:agency_id>/services/new", methods=["GET", "POST"])
@bp.route("/<id:agency_id>/services/<id:service_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def service_form(agency_id: int, service_id: int | None = None):
    agency = services.get_agency(agency_id)
    service = services.get_service(agency, service_id) if service_id is not None else None
    form = ServiceForm(obj=service)
    problems: list[str] = []
    if form.validate_on_submit():
        data = services.ServiceData(
            name_id=form.name_id.data or "",
            name_en=form.name_en.data or "",
            requirements_id=form.requirements_id.data or "",
            requirements_en=form.requirements_en.data or "",
            counter=form.counter.data or "",
            link=form.link.data or "",
            keywords=form.keywords.data or "",
        )
        try:
            services.save_service(agency, service, data, current_user)
        except PortalError as exc:
            problems.append(str(exc))
        else:
            flash(_("The service was saved."), "success")
            return redirect(url_for(".agency_edit_services", agency_id=agency.id))
    return render_template(
        "directory/admin/service_form.html", form=form, agency=agency, service=service, problems=problems
    )


@bp.route("/<id:agency_id>/services/<id:service_id>/delete", methods=["POST"])
@roles_required(Role.ADMIN)
def service_delete(agency_id: int, service_id: int):
    check_action()
    agency = services.get_agency(agency_id)
    services.delete_service(services.get_service(agency, service_id), current_user)
    flash(_("The service was removed."), "success")
    return redirect(url_for(".agency_edit_services", agency_id=agency.id))
