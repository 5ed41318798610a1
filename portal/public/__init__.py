"""Home, health check, language switch; later news, FAQ, complaints, surveys, statistics."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from portal.public import views  # noqa: E402, F401
