"""The admin home page, the blueprint-wide role check and the audit log."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from portal.admin import bp, services
from portal.admin.views.common import ADMIN
from portal.paging import int_arg
from portal.security import roles_required


@bp.before_request
def _admins_only():
    # Deny by default for the whole blueprint, so a view that forgets its decorator is still
    # closed. (Anonymous visitors were already sent to the login page.)
    if not current_user.is_authenticated:
        return None
    if not current_user.has_role(ADMIN):
        abort(403)
    return None


@bp.route("/")
@roles_required(ADMIN)
def index():
    return render_template("admin/index.html")


@bp.route("/audit")
@roles_required(ADMIN)
def audit():
    page = services.list_audit(before=int_arg("before"))
    return render_template("admin/audit.html", page=page)
