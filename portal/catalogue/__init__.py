"""Permit categories, their versioned forms and document requirements; the public catalogue."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)

from portal.catalogue import views  # noqa: E402, F401
