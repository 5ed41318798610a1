"""Office self-service for admins: categories, the form builder, tutorials, staff, office
settings, holidays and the admin audit log (all under /admin, role admin)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from portal.admin import views  # noqa: E402, F401
