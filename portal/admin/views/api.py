"""Admin pages for the API: partner tokens (issued, listed, revoked; the token shown once) and
webhook endpoints with their delivery log."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.admin import bp
from portal.admin.api_forms import TokenForm, WebhookForm
from portal.admin.forms import ActionForm
from portal.admin.views.common import ADMIN, me
from portal.api import tokens, webhooks
from portal.api.models import WebhookEndpoint
from portal.db import utcnow
from portal.errors import NotFoundError, PortalError
from portal.extensions import db
from portal.forms import check_action
from portal.security import roles_required


def _token_form() -> TokenForm:
    form = TokenForm()
    form.categories.choices = tokens.category_choices()
    return form


def _tokens_page(form: TokenForm, issued: tokens.Issued | None = None, status: int = 200):
    return render_template(
        "admin/api_tokens.html",
        form=form,
        tokens=tokens.list_tokens(),
        issued=issued,
        action_form=ActionForm(),
        now=utcnow(),
    ), status


@bp.route("/api", methods=["GET"])
@roles_required(ADMIN)
def api_tokens():
    return _tokens_page(_token_form())


@bp.route("/api/tokens", methods=["POST"])
@roles_required(ADMIN)
def api_token_issue():
    form = _token_form()
    if not form.validate_on_submit():
        return _tokens_page(form, status=400)
    scopes = (
        [tokens.READ_ALL]
        if form.all_categories.data
        else [tokens.scope_for(slug) for slug in form.categories.data]
    )
    try:
        issued = tokens.issue(
            form.name.data,
            scopes=scopes,
            admin=me(),
            expires_in_days=form.expires_in_days.data,
            rate_limit_per_minute=form.rate_limit_per_minute.data,
        )
    except PortalError as exc:
        db.session.rollback()
        form.name.errors = [*form.name.errors, str(exc)]
        return _tokens_page(form, status=400)
    # The token is on this page only: never in a flash (the session cookie), never cached.
    g.no_store = True
    return _tokens_page(_token_form(), issued=issued)


@bp.route("/api/tokens/<id:token_id>/revoke", methods=["POST"])
@roles_required(ADMIN)
def api_token_revoke(token_id: int):
    check_action()
    if tokens.revoke(token_id, me()) is None:
        raise NotFoundError()
    flash(_("The token was revoked. Requests with it are refused from now on."), "success")
    return redirect(url_for("admin.api_tokens"))


def _webhook_form() -> WebhookForm:
    form = WebhookForm()
    form.categories.choices = tokens.category_choices()
    return form


@bp.route("/api/webhooks", methods=["GET", "POST"])
@roles_required(ADMIN)
def api_webhooks():
    form = _webhook_form()
    if form.validate_on_submit():
        try:
            endpoint = webhooks.register(form.name.data, form.url.data, form.categories.data, me())
        except PortalError as exc:
            db.session.rollback()
            form.url.errors = [*form.url.errors, str(exc)]
        else:
            flash(_("The endpoint was added. Give its secret to the partner."), "success")
            return redirect(url_for("admin.api_webhook", endpoint_id=endpoint.id))
    return render_template(
        "admin/api_webhooks.html", form=form, endpoints=webhooks.list_endpoints()
    ), 400 if form.errors else 200


@bp.route("/api/webhooks/<id:endpoint_id>", methods=["GET"])
@roles_required(ADMIN)
def api_webhook(endpoint_id: int):
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFoundError()
    g.no_store = True  # the page shows the secret
    return render_template(
        "admin/api_webhook.html",
        endpoint=endpoint,
        log=webhooks.delivery_log(endpoint.id),
        action_form=ActionForm(),
        signature_header=webhooks.SIGNATURE_HEADER,
    )


@bp.route("/api/webhooks/<id:endpoint_id>/active", methods=["POST"])
@roles_required(ADMIN)
def api_webhook_toggle(endpoint_id: int):
    check_action()
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFoundError()
    webhooks.set_active(endpoint.id, not endpoint.active, me())
    flash(
        _("The endpoint was switched on.") if endpoint.active else _("The endpoint was switched off."),
        "success",
    )
    return redirect(url_for("admin.api_webhook", endpoint_id=endpoint.id))
