"""The notices page (the bell): the user's own notices, newest first, and marking them read.
Thin: the rules and the ownership checks are in services."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.notifications import bp, services
from portal.notifications.forms import MarkReadForm


@bp.route("/notifications")
def index():
    """Login required (deny by default). ``?before=<id>`` is the keyset cursor."""
    try:
        before = services.parse_cursor(request.args.get("before"))
    except ValueError:
        abort(400)
    page = services.notices_page(current_user.id, before=before)
    return render_template(
        "notifications/index.html", page=page, form=MarkReadForm(), first_page=before is None
    )


@bp.route("/notifications/read", methods=["POST"])
def mark_read():
    """Mark one notice (``notice_id``, only one of the user's own: 404 otherwise) or all of
    them as read."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        notice_id = form.chosen_id()
    except ValueError:
        abort(404)
    notice = services.get_notice_or_404(notice_id, current_user) if notice_id is not None else None
    services.mark_read(current_user, notice)
    if notice is None:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
