"""The head of office's monthly and semester report: applications and decisions by permit type,
the service standard, the IKM, complaints and information requests, as PDF and XLSX."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/office/reports")

from portal.reports import views  # noqa: E402, F401
