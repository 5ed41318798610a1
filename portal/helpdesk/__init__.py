"""The help desk: find an applicant, see where they are stuck (read-only), send a tutorial
chapter, keep support notes, look at a draft with the applicant's assist code, and the
office's "where people get stuck" report. ``assist_bp`` is the applicant's side: the assist
code page under /account/assist."""

from flask import Blueprint

bp = Blueprint("helpdesk", __name__, url_prefix="/helpdesk")
assist_bp = Blueprint("assist", __name__, url_prefix="/account/assist")

from portal.helpdesk import views  # noqa: E402, F401
