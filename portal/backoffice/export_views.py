"""Downloads for the office: the queue as filtered, and the decisions and permits of a date range,
as CSV or XLSX (portal.tabular streams them). Staff only; each download is in the staff log."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.applications import workflow
from portal.audit.services import audit
from portal.backoffice import bp, services
from portal.backoffice.services import exports
from portal.backoffice.services.queue import QueueFilters
from portal.calendar import clock
from portal.catalogue.models import PermitCategory
from portal.db import utcnow
from portal.extensions import db
from portal.security import roles_required
from portal.tabular import Cell, Sheet, download

STAFF = services.STAFF_ROLES
FORMAT = "<any(csv, xlsx):fmt>"


def _made_row() -> list[Cell]:
    made = exports._local(utcnow())
    return [_("Made on"), made.strftime("%Y-%m-%d %H:%M") if made else ""]


def _queue_preamble(filters: QueueFilters) -> list[list[Cell]]:
    """The title and every filter the queue had, as the officer chose them (echoed values are
    escaped by portal.tabular like any cell)."""
    labels = workflow.STATUS_LABELS
    statuses = ", ".join(str(labels[s]) for s in filters.statuses)
    category = db.session.get(PermitCategory, filters.category_id) if filters.category_id else None
    assigned = {"me": _("Assigned to me"), "unassigned": _("Unassigned"), "any": _("Anyone")}
    due = {None: _("Any"), "soon": _("Due soon"), "overdue": _("Overdue")}
    return [
        [_("Application queue")],
        _made_row(),
        [_("Search"), filters.q],
        [_("Status"), statuses],
        [_("Permit type"), (category.name_id if category else _("All"))],
        [_("Assigned"), assigned.get(filters.assigned, "")],
        [_("Due"), due.get(filters.due, "")],
        [_("Submitted from"), filters.submitted_from],
        [_("Submitted to"), filters.submitted_to],
    ]


@bp.route(f"/queue/export.{FORMAT}")
@roles_required(*STAFF)
def queue_export(fmt: str):
    try:
        filters = services.parse_filters(request.args, current_user)
    except services.BadFilter:
        abort(400)
    sheet = Sheet(
        _("Queue"),
        exports.queue_header(),
        exports.queue_rows(filters, current_user),
        _queue_preamble(filters),
    )
    audit(current_user, "export.queue", "export", "", f"queue {fmt}", args=dict(request.args))
    return download([sheet], fmt, f"antrean-{clock.office_today().isoformat()}")


def _range_preamble(title: str, span: exports.DateRange) -> list[list[Cell]]:
    return [[title], _made_row(), [_("From"), span.start], [_("To"), span.end]]


@bp.route("/exports")
@roles_required(*STAFF)
def exports_page():
    error = None
    try:
        span = exports.parse_range(request.args)
    except services.BadFilter as exc:
        error = str(exc)
        span = exports.parse_range({})
    html = render_template(
        "backoffice/exports.html", span=span, error=error, args={"from": span.start, "to": span.end}
    )
    return html, (400 if error else 200)


def _range_download(kind: str, fmt: str):
    try:
        span = exports.parse_range(request.args)
    except services.BadFilter as exc:
        html = render_template(
            "backoffice/exports.html",
            span=exports.parse_range({}),
            error=str(exc),
            args={"from": request.args.get("from", ""), "to": request.args.get("to", "")},
        )
        return html, 400
    if kind == "decisions":
        title = _("Decisions")
        sheet = Sheet(title, exports.decisions_header(), exports.decision_rows(span))
    else:
        title = _("Permits")
        sheet = Sheet(title, exports.permits_header(), exports.permit_rows(span))
    sheet.preamble = _range_preamble(title, span)
    audit(
        current_user,
        f"export.{kind}",
        "export",
        "",
        f"{kind} {fmt}",
        start=str(span.start),
        end=str(span.end),
    )
    name = {"decisions": "keputusan", "permits": "izin"}[kind]
    return download([sheet], fmt, f"{name}-{span.start.isoformat()}-{span.end.isoformat()}")


@bp.route(f"/exports/decisions.{FORMAT}")
@roles_required(*STAFF)
def decisions_export(fmt: str):
    return _range_download("decisions", fmt)


@bp.route(f"/exports/permits.{FORMAT}")
@roles_required(*STAFF)
def permits_export(fmt: str):
    return _range_download("permits", fmt)
