"""The recorded guides page for admins: each category's guide, whether it shows the current
form ("being updated" while a new recording waits or runs), and a button to record it again.
Admins only: any other role gets 403."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from portal.auth.models import Role
from portal.catalogue.models import PermitCategory
from portal.extensions import db
from portal.recorder import queue
from portal.recorder.voice_views import bp as voices_bp
from portal.security import roles_required
from portal.tutorials.models import RecordingRequest, Tutorial

bp = Blueprint("recorder", __name__, url_prefix="/admin/recorded-guides")
bp.register_blueprint(voices_bp)  # staff voices: /admin/recorded-guides/<guide>/voices


class RecordForm(FlaskForm):
    """Only the CSRF token."""


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    categories = list(db.session.scalars(select(PermitCategory).order_by(PermitCategory.name_id)))
    guides = {
        t.category_id: t
        for t in db.session.scalars(
            select(Tutorial).where(Tutorial.recording.is_not(None), Tutorial.category_id.is_not(None))
        )
        if (t.recording or {}).get("lang", "id") == "id"
    }
    latest: dict[int, RecordingRequest] = {}
    for row in db.session.scalars(select(RecordingRequest).order_by(RecordingRequest.id)):
        latest[row.category_id] = row
    rows = [
        {
            "category": c,
            "guide": guides.get(c.id),
            "request": latest.get(c.id),
            "status": queue.guide_status(guides[c.id]) if c.id in guides else "",
        }
        for c in categories
    ]
    return render_template("recorder/index.html", rows=rows, form=RecordForm())


@bp.route("/<id:category_id>/record", methods=["POST"])
@roles_required(Role.ADMIN)
def record(category_id: int):
    if not RecordForm().validate_on_submit():
        abort(400)
    category = db.session.get(PermitCategory, category_id)
    if category is None:
        abort(404)
    if category.current_version_id is None:
        flash(
            _("This permit type has no published form yet. Publish its form first, then record the guide."),
            "danger",
        )
        return redirect(url_for("recorder.index"))
    queue.request_recording(category.id, reason="asked by an admin")  # the request commits
    flash(
        _(
            "The guide will be recorded again in a few minutes. The current guide stays on the "
            "pages until the new one is ready."
        ),
        "success",
    )
    return redirect(url_for("recorder.index"))
