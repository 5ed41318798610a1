"""Businesses ("Usaha saya"): business profiles (name, legal form, NIB, NPWP, deed, address)
and their members (owner, director, staff). A business can hold permits when its category
allows it; the wizard lets an owner or director file for it (see ``access.py``)."""

from flask import Blueprint

bp = Blueprint("business", __name__)
from portal.business import views  # noqa: E402, F401
