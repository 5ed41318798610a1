"""Email outbox, in-app notices (the bell) and the jobs that send them."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)

from portal.notifications import views  # noqa: E402, F401
