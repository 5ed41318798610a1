"""Issued permits: numbers, PDF certificates, public QR verification and revocation."""

from flask import Blueprint

bp = Blueprint("permits", __name__)

from portal.permits import views  # noqa: E402, F401
