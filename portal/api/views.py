"""The API's endpoints under /api/v1 (flask-smorest blueprints; their schemas make the OpenAPI
document). Public: the catalogue, the status check, permit verification. Partner: the
applications a token's scope covers. Every answer, error or not, is JSON."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from flask_smorest import Blueprint
from marshmallow import RAISE

from portal.api import reads, tokens
from portal.api.schemas import (
    ApplicationPageSchema,
    ApplicationQuerySchema,
    CategoryListSchema,
    CategorySchema,
    ErrorSchema,
    PartnerApplicationDetailSchema,
    PermitCheckSchema,
    StatusQuerySchema,
    StatusSchema,
)
from portal.applications.tracking import STATUS_CHECK_LIMIT, STATUS_CHECK_SCOPE
from portal.db import short_write
from portal.extensions import db, limiter
from portal.security import public

PREFIX = "/api/v1"
#: Requests a client address may make to the partner endpoints, whatever token it sends
#: (a flood of wrong tokens is refused before any is looked up).
PARTNER_ADDRESS_LIMIT = "600 per minute"
VERIFY_LIMIT = "30 per minute"  # the verification page's

public_api = Blueprint(
    "api_public", __name__, url_prefix=PREFIX, description="Public: the catalogue, status check, permits"
)
partner_api = Blueprint(
    "api_partner", __name__, url_prefix=PREFIX + "/partner", description="Partners (an API token)"
)


# -- public ----------------------------------------------------------------------------------
@public_api.route("/categories")
@public
@public_api.response(200, CategoryListSchema)
def categories() -> dict[str, Any]:
    """Every open permit type, with its document requirements and service standard."""
    return {"items": reads.categories()}


@public_api.route("/categories/<string:slug>")
@public
@public_api.response(200, CategorySchema)
@public_api.alt_response(404, schema=ErrorSchema)
def category(slug: str) -> dict[str, Any]:
    """One permit type."""
    return reads.category(slug)


@public_api.route("/status", methods=["POST"])
@public
@limiter.shared_limit(STATUS_CHECK_LIMIT, STATUS_CHECK_SCOPE)
@public_api.arguments(StatusQuerySchema)
@public_api.response(200, StatusSchema)
@public_api.alt_response(404, schema=ErrorSchema)
@public_api.alt_response(429, schema=ErrorSchema)
def status(query: dict[str, str]) -> dict[str, Any]:
    """The status check: tracking number and the applicant's email (the web page's rules
    and limit). A wrong number or email is the same 404."""
    return reads.status(query["tracking_number"], query["email"])


@public_api.route("/permits/verify/<string:token>")
@public
@limiter.limit(VERIFY_LIMIT)
@public_api.response(200, PermitCheckSchema)
@public_api.alt_response(404, schema=ErrorSchema)
@public_api.alt_response(429, schema=ErrorSchema)
def permit_by_token(token: str) -> dict[str, Any]:
    """A permit by the token in its QR code: its state and whether its letter is intact."""
    return reads.permit_by_token(token)


@public_api.route("/permits/code/<string:code>")
@public
@limiter.limit(VERIFY_LIMIT)
@public_api.response(200, PermitCheckSchema)
@public_api.alt_response(404, schema=ErrorSchema)
@public_api.alt_response(429, schema=ErrorSchema)
def permit_by_code(code: str) -> dict[str, Any]:
    """A permit by the short code printed under its QR code."""
    return reads.permit_by_code(code)


# -- partners --------------------------------------------------------------------------------
def partner(view: Callable[..., Any]) -> Callable[..., Any]:
    """The token first (401), then its own limit (429), then the view (403 out of scope)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = tokens.authenticate(request.headers.get("Authorization"))
        tokens.count_request(token)
        if tokens.touch_due(token):
            short_write(db.session, lambda: tokens.touch(token))
        g.api_token = token
        return view(*args, **kwargs)

    return wrapped


_PARTNER_ERRORS = (401, 403, 429)


def _document_errors(blp: Blueprint, *codes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return blp.doc(security=[{"bearerAuth": []}])(view)

    return decorator


@partner_api.route("/applications")
@public
@limiter.limit(PARTNER_ADDRESS_LIMIT)
@partner
@partner_api.arguments(ApplicationQuerySchema, location="query", unknown=RAISE)
@partner_api.response(200, ApplicationPageSchema)
@_document_errors(partner_api, *_PARTNER_ERRORS)
def applications(query: dict[str, Any]) -> dict[str, Any]:
    """Submitted applications in the token's scope, oldest first, 50 a page (keyset paging:
    pass `next_after` as `after`). A category outside the scope is 403."""
    return reads.partner_applications(
        g.api_token,
        category_slug=query.get("category"),
        status=query.get("status"),
        after=query.get("after"),
        limit=query["limit"],
    )


@partner_api.route("/applications/<string:tracking_number>")
@public
@limiter.limit(PARTNER_ADDRESS_LIMIT)
@partner
@partner_api.response(200, PartnerApplicationDetailSchema)
@_document_errors(partner_api, *_PARTNER_ERRORS)
def application(tracking_number: str) -> dict[str, Any]:
    """One application in the token's scope, with its status history. Unknown numbers and
    numbers outside the scope get the same 403."""
    return reads.partner_application(g.api_token, tracking_number)
