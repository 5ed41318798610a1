"""The applicant's pages."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.applications import bp
from portal.auth.forms import ResendVerificationForm


@bp.route("/dashboard")
def dashboard():
    return render_template("applications/dashboard.html", user=current_user,
                           resend_form=ResendVerificationForm())
