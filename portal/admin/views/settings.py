"""Admin pages for the office settings and holidays."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.admin import bp, services
from portal.admin.forms import ActionForm, HolidayForm, SettingsForm
from portal.admin.views.common import ADMIN, me
from portal.calendar.clock import office_today
from portal.extensions import db
from portal.forms import check_action
from portal.paging import year_arg
from portal.security import roles_required


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(ADMIN)
def settings():
    current = services.office_settings()
    form = SettingsForm(data=current) if request.method == "GET" else SettingsForm()
    if form.validate_on_submit():
        services.save_office_settings({k: getattr(form, k).data for k in services.OFFICE_SETTINGS}, me())
        flash(_("The office settings were saved."), "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), 400 if form.errors else 200


@bp.route("/holidays", methods=["GET", "POST"])
@roles_required(ADMIN)
def holidays():
    year = year_arg("year") or office_today().year
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            services.add_holiday(form.day.data, form.name.data, form.kind.data, me())
        except services.AdminError as exc:
            db.session.rollback()
            form.day.errors = [*form.day.errors, str(exc)]
        else:
            flash(_("The holiday was added."), "success")
            return redirect(url_for("admin.holidays", year=form.day.data.year))
    years = sorted({*services.holiday_years(), year})
    return render_template(
        "admin/holidays.html",
        form=form,
        year=year,
        years=years,
        holidays=services.list_holidays(year),
        action_form=ActionForm(),
    ), 400 if form.errors else 200


@bp.route("/holidays/<id:holiday_id>/delete", methods=["POST"])
@roles_required(ADMIN)
def holiday_delete(holiday_id: int):
    check_action()
    services.remove_holiday(holiday_id, me())
    flash(_("The holiday was removed."), "success")
    return redirect(url_for("admin.holidays", year=year_arg("year") or ""))
