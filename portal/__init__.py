"""SatuPintu, the permit portal: create_app() builds the Flask application."""

from __future__ import annotations

import logging
import os

from flask import Flask, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
import portal.models  # noqa: F401  (every table registered before use)
from portal import (
    api,
    errors,
    i18n,
    jobs,
    params,
    recorder,
    request_limits,
    security,
    static_assets,
    template_speed,
    transaction,
)
from portal.admin import bp as admin_bp
from portal.admin.services import office_settings
from portal.applications import bp as applications_bp
from portal.auth import bp as auth_bp
from portal.auth.forms import LogoutForm
from portal.auth.sessions import load_session_user
from portal.backoffice import bp as backoffice_bp
from portal.business import bp as business_bp
from portal.catalogue import bp as catalogue_bp
from portal.cli import register_cli
from portal.db import sqlite_write_intent
from portal.directory import bp as directory_bp
from portal.events import bp as events_bp

# `db` is imported under another name: bound here it would hide the portal.db module that
# migrations name (portal.db.UTCDateTime).
from portal.extensions import babel, csrf, limiter, login_manager, migrate
from portal.extensions import db as database
from portal.filemodes import secure_embedded_files
from portal.helpdesk import assist_bp
from portal.helpdesk import bp as helpdesk_bp
from portal.i18n import select_locale
from portal.notifications import bp as notifications_bp
from portal.notifications import services as notification_services
from portal.permits import bp as permits_bp
from portal.privacy import bp as privacy_bp
from portal.public import bp as public_bp
from portal.recorder.views import bp as recorder_bp
from portal.reports import bp as reports_bp
from portal.site import bp as site_bp
from portal.site import init_app as site_init_app
from portal.tutorials import bp as tutorials_bp
from portal.vault import bp as vault_bp
from portal.visits import init_app as visits_init_app


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the app. ``config`` is a name from config.CONFIGS, a class, or None for the
    PORTAL_CONFIG environment variable (default: the embedded tier)."""
    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    app.jinja_environment = template_speed.PortalEnvironment  # before anything makes app.jinja_env
    if config is None or isinstance(config, str):
        name = config or os.environ.get("PORTAL_CONFIG", "default")
        config = config_module.CONFIGS[name]
    if hasattr(config, "check"):
        config.check()
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config.get("PROXY_FIX"):
        # nginx sets exactly one hop of X-Forwarded-For/-Proto/-Host (deploy/nginx).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.instance_secret_key()
    secure_embedded_files(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)

    app.jinja_env.add_extension("jinja2.ext.do")

    @app.before_request
    def _write_intent():
        # A request that may write (not GET/HEAD/OPTIONS) begins its transactions with the
        # write lock on SQLite; a GET writes only through portal.db.short_write.
        sqlite_write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    params.init_app(app)  # the <id:...> converter, before any rule is added
    request_limits.init_app(app)  # the body limit, before CSRF protection reads a form
    _init_extensions(app)
    _register_blueprints(app)

    errors.init_app(app)
    jobs.init_app(app)
    notification_services.init_app(app)
    transaction.init_app(app)  # after the outbox hook: commits before it hands emails on
    i18n.init_app(app)
    security.require_login_by_default(app)
    security.install_security_headers(app)
    static_assets.init_app(app)
    _template_context(app)

    register_cli(app)
    recorder.init_app(app, app_factory=create_app)
    return app


def _init_extensions(app: Flask) -> None:
    database.init_app(app)
    migrate.init_app(
        app,
        database,
        directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    template_speed.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    login_manager.login_message = _l("Please log in to continue.")

    login_manager.user_loader(load_session_user)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: WAL for concurrent readers, foreign keys on, and a busy timeout so a writer
    waits instead of failing. Transactions are begun by SQLAlchemy (savepoints work)."""
    module = type(dbapi_connection).__module__
    if "sqlite" not in module:
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(backoffice_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(tutorials_bp)
    app.register_blueprint(permits_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(helpdesk_bp)
    app.register_blueprint(assist_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(recorder_bp)
    app.register_blueprint(vault_bp)
    app.register_blueprint(business_bp)
    app.register_blueprint(site_bp)
    site_init_app(app)  # the sitemap's sources, the main menu's links, the layout's helpers
    app.register_blueprint(directory_bp)
    api.init_app(app)
    app.register_blueprint(events_bp)
    # Views of the public pages, counted by a beacon image (see portal.visits).
    visits_init_app(app, CACHEABLE_PUBLIC_PAGES)


#: Public pages an anonymous visitor may get from a shared cache (nginx's micro-cache, see
#: deploy/nginx) or the browser's for a minute: the same for everyone in one language.
CACHEABLE_PUBLIC_PAGES = frozenset(
    {
        "public.home",
        "catalogue.index",
        "catalogue.detail",
        "public.news_list",
        "public.news_detail",
        "public.faq",
        "public.statistics",
        "tutorials.library",
        "permits.register_list",
        "site.accessibility",
        "site.profile",
        "site.profile_page",
        "site.officials",
        "site.contact",
        "directory.index",
        "directory.agency",
        "events.index",
        "events.past",
        "events.detail",
    }
)
PUBLIC_MAX_AGE = 60


def _template_context(app: Flask) -> None:
    @app.context_processor
    def _globals():
        return {
            "office": office_settings(),  # config values overlaid by the admin's settings
            "logout_form": LogoutForm,
        }

    @app.before_request
    def _mark_private_pages():
        # Every page is no-store unless _cacheable_public_pages below finds it is one of the
        # public pages, seen by an anonymous visitor without a session.
        g.no_store = request.endpoint not in (None, "static")

    @app.after_request
    def _cacheable_public_pages(response):
        # Runs before security's header hook (after_request hooks run last-registered first).
        if (
            request.method in ("GET", "HEAD")
            and request.endpoint in CACHEABLE_PUBLIC_PAGES
            and response.status_code == 200
            and not session
            and "Set-Cookie" not in response.headers
            and not current_user.is_authenticated
        ):
            g.no_store = False
            response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
            response.vary.update(("Cookie", "Accept-Language"))
            response.add_etag()
            response.make_conditional(request)
        return response
