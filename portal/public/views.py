"""Public pages."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from portal.auth import services as auth_services
from portal.extensions import csrf, db
from portal.public import bp
from portal.security import public, safe_next_url


@bp.route("/")
@public
def home():
    return render_template("public/home.html")


@bp.route("/healthz")
@public
@csrf.exempt
def healthz():
    """200 with JSON when the app and its database answer, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        current_app.logger.error("health check: database unavailable: %s", exc)
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """The visible language switch: a small form on every page (works without JavaScript)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            auth_services.set_locale(current_user, lang)
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.home"))
