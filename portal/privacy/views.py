"""The "My data" pages. Thin: the rules are in privacy.export, erasure and access_log."""

from __future__ import annotations

import json

from flask import Response, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portal.auth.consent import NOTICE_VERSION, consents_of
from portal.extensions import db
from portal.privacy import bp
from portal.privacy.access_log import access_log
from portal.privacy.erasure import KEPT, PrivacyError, close_account, deletion_blockers
from portal.privacy.export import export_data, export_pdf
from portal.privacy.forms import CloseAccountForm


def _page(form: CloseAccountForm, status: int = 200, error: str | None = None):
    user = current_user._get_current_object()
    return (
        render_template(
            "privacy/my_data.html",
            user=user,
            form=form,
            error=error,
            views=access_log(user),
            consents=consents_of(user),
            notice_version=NOTICE_VERSION,
            blockers=deletion_blockers(user),
            kept=KEPT,
        ),
        status,
    )


@bp.route("/account/data")
@login_required
def my_data():
    return _page(CloseAccountForm())


def _download(body: bytes, mimetype: str, name: str) -> Response:
    g.no_store = True
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/account/data/export.json")
@login_required
def export_json():
    data = export_data(current_user._get_current_object())
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _download(body, "application/json", "data-saya.json")


@bp.route("/account/data/export.pdf")
@login_required
def export_pdf_file():
    data = export_data(current_user._get_current_object())
    return _download(export_pdf(data), "application/pdf", "data-saya.pdf")


@bp.route("/account/data/close", methods=["POST"])
@login_required
def close():
    form = CloseAccountForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    user = current_user._get_current_object()
    if user.is_staff:
        return _page(form, 409, _("A staff account is closed by an admin (Admin, Staff)."))
    try:
        close_account(user, form.password.data or "")
    except PrivacyError as exc:
        db.session.rollback()
        return _page(form, exc.status_code, str(exc))
    db.session.commit()
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Your account is closed and your personal data removed. Issued permits stay valid."), "info")
    return redirect(url_for("public.home"))
