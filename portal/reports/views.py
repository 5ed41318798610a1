"""The report's page (pick a month or a semester, the language, PDF or XLSX) and its download.
For the head of office (approver) and admins; each download is in the staff log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit.services import audit
from portal.auth.models import Role
from portal.calendar import clock
from portal.reports import bp, services
from portal.reports.files import FORMATS, TYPES, file_name, render
from portal.security import roles_required

ROLES = (Role.APPROVER, Role.ADMIN)
LANGUAGES = ("id", "en")


def _semesters(today: date) -> list[services.Period]:
    """Every semester from the office's first one to the current one, newest first."""
    opened = services.first_month()
    periods = []
    for year in range(today.year, opened.year - 1, -1):
        for number in (2, 1):
            period = services.Period("semester", year, number)
            if period.start <= today and period.end >= opened:
                periods.append(period)
    return periods


def _page(error: str | None = None, args: Mapping[str, str] | None = None) -> tuple[str, int]:
    today = clock.office_today()
    args = args or {}
    chosen = args.get("period", "")
    try:
        shown = services.parse_period(chosen, today=today)
    except services.PeriodError:
        shown = services.default_period(today)  # the field cannot show what was refused
    html = render_template(
        "reports/monthly.html",
        error=error,
        month=shown.key if shown.kind == "month" else services.default_period(today).key,
        semester=shown.key if shown.kind == "semester" else "",
        semesters=_semesters(today),
        first_month=services.first_month().strftime("%Y-%m"),
        this_month=today.strftime("%Y-%m"),
        report_lang=args.get("report_lang", "id"),
    )
    return html, (400 if error else 200)


@bp.route("/monthly")
@roles_required(*ROLES)
def monthly_page():
    return _page()


@bp.route("/monthly/download")
@roles_required(*ROLES)
def monthly_download():
    """The report file. A bad period, format or language answers the page with the reason
    (400): nothing is made and nothing is logged."""
    args = request.args
    fmt = args.get("format", "")
    lang = args.get("report_lang", "id")
    try:
        period = services.parse_period(args.get("period", ""))
    except services.PeriodError as exc:
        return _page(str(exc), args)
    if fmt not in FORMATS:
        return _page(_("Choose PDF or XLSX."), args)
    if lang not in LANGUAGES:
        return _page(_("Choose Indonesian or English for the report."), args)
    report = services.build_report(period)
    body = render(report, fmt, lang)
    audit(
        current_user,
        "export.report",
        "report",
        period.key,
        f"monthly report {period.key} {fmt} {lang}",
        period=period.key,
        format=fmt,
        lang=lang,
    )
    response = Response(body, mimetype=TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(period, fmt, lang)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
