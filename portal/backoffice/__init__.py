"""The office's back office: queue, review, decisions."""

from flask import Blueprint

bp = Blueprint("backoffice", __name__, url_prefix="/office")

from portal.backoffice import export_views, views  # noqa: E402, F401
