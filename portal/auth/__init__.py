"""Accounts, login, verification, password reset, roles."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from portal.auth import views  # noqa: E402, F401
