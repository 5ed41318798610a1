"""Video tutorials: the stage -> chapter mapping, the "Watch how" panel, the library, media
serving with Range requests, and viewing progress."""

from flask import Blueprint

bp = Blueprint("tutorials", __name__)

from portal.tutorials import views  # noqa: E402, F401
