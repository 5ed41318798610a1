"""The applicant's wizard, drafts, uploads and tracking; workflow.py owns the lifecycle."""

from flask import Blueprint

bp = Blueprint("applications", __name__)

from portal.applications import views  # noqa: E402, F401
