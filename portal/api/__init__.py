"""The REST API under /api/v1: flask-smorest on the portal's own Flask app (no app class of
its own), its OpenAPI 3.1 document at /api/v1/openapi.json and a page that shows it at
/api/v1/docs (Swagger UI, served from portal/static/vendor). Partner tokens (tokens.py) and
webhooks on status changes (webhooks.py) are managed by admins in the admin area.

Every answer under /api/ is JSON, errors too (portal/errors.py): flask-smorest's own error
handler is not installed, the portal's one answers.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint, Flask, current_app, jsonify, render_template
from flask.cli import AppGroup
from flask_smorest import Api

from portal.api import webhooks
from portal.api.schemas import ErrorSchema
from portal.api.views import PREFIX, partner_api, public_api
from portal.applications import signals
from portal.extensions import csrf
from portal.security import public

API_VERSION = "1.0.0"


class PortalApi(Api):
    """flask-smorest's Api without its error handler (the portal's answers, in JSON under
    /api/) and without its own documentation blueprint (ours serves the local Swagger UI)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


api = PortalApi()

docs = Blueprint("api_docs", __name__, url_prefix=PREFIX)


@docs.route("/openapi.json")
@public
def openapi_json() -> Any:
    return jsonify(current_app.extensions["portal_api"].spec.to_dict())


@docs.route("/docs")
@public
def docs_page() -> str:
    """The API's reference, drawn by Swagger UI from the schema; without JavaScript the page
    links the schema itself."""
    return render_template("api/docs.html")


api_cli = AppGroup("api", help="The REST API: webhook deliveries.")


@api_cli.command("webhooks-requeue")
def webhooks_requeue_command() -> None:
    """Hand every waiting webhook delivery to the job queue again (jobs inline, or after a
    worker crashed)."""
    click.echo(f"{webhooks.requeue_pending()} deliveries handed to the queue")


def init_app(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "SatuPintu API")
    app.config.setdefault("API_VERSION", API_VERSION)
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "The permit portal's public data (the catalogue, the status check, permit "
                    "verification) and partners' reads of applications (an API token, "
                    "`Authorization: Bearer <token>`). Errors are JSON: `{error, hint, status, errors?}`. "
                    "Webhooks: see the README's API section."
                )
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api.init_app(app)
    app.extensions["portal_api"] = api
    for blueprint in (public_api, partner_api):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)
    app.register_blueprint(docs)
    # Run in the workflow's transaction, after the applications' own receivers.
    signals.status_changed.connect(webhooks.on_status_changed)
    webhooks.init_app(app)
    app.cli.add_command(api_cli)
