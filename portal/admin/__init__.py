"""Office self-service for admins: categories, the form builder, tutorials, staff, office
settings, holidays and the admin audit log (all under /admin, role admin)."""

from flask import Blueprint

from portal.directory.admin_views import bp as directory_bp
from portal.events.admin_views import bp as events_bp
from portal.tutorials.admin_views import bp as tutorials_bp

bp = Blueprint("admin", __name__, url_prefix="/admin")
# The tutorial pages live with the tutorials; nested here for the /admin prefix and role check.
bp.register_blueprint(tutorials_bp)
bp.register_blueprint(directory_bp)  # the service mall's directory, edited by admins
bp.register_blueprint(events_bp)  # the events agenda

from portal.admin import views  # noqa: E402, F401
