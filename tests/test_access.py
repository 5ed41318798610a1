"""Deny by default: every endpoint needs a login unless it is on the pinned public list; the
role decorator answers 403; roles cannot be changed so that the portal loses its last admin."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Blueprint

from portal import create_app
from portal.auth import services
from portal.auth.models import Role
from portal.security import is_public_endpoint, public, roles_required
from tests.conftest import csrf_token, login, make_user

#: Reachable without logging in. Adding an endpoint here is a deliberate, reviewed change.
PUBLIC_ENDPOINTS = {
    "static",
    # the REST API: its reference, public data, and partner reads that check a token themselves
    "api_docs.docs_page",
    "api_docs.openapi_json",
    "api_public.categories",
    "api_public.category",
    "api_public.status",
    "api_public.permit_by_token",
    "api_public.permit_by_code",
    "api_partner.applications",
    "api_partner.application",
    "public.home",
    # the page-view beacon (portal.visits): an image, counts without a login or a cookie
    "visits.beacon",
    "public.healthz",
    "public.set_language",
    "auth.register",
    "auth.check_email",
    "auth.verify_email",
    "auth.login",
    # the second step of a staff login: the browser is not logged in until it passes
    "auth.second_factor_code",
    "auth.second_factor_enrol",
    "auth.second_factor_qr",
    # the privacy notice, shown before registering
    "auth.privacy_notice",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password",
    # The public service pages of the catalogue and the tracking-number lookup.
    "catalogue.index",
    "catalogue.detail",
    "catalogue.sample",
    # The finder: "help me choose a permit", other offices' permits, "I cannot find my permit".
    "catalogue.finder_step",
    "catalogue.signpost",
    "catalogue.report_unfound",
    "applications.status_check",
    # Video guides help people before they have an account.
    "tutorials.library",
    "tutorials.watch",
    "tutorials.media",
    # Anyone holding a permit's QR code can check it.
    "permits.verify",
    "permits.verify_code",
    "permits.check",
    # The public register of issued permits (categories an admin opted in; no personal data).
    "permits.register_list",
    # Public information the office must publish, complaints from anyone, statistics.
    "public.search",
    "public.news_list",
    "public.news_detail",
    "public.faq",
    "public.information",
    # The public website: robots.txt, sitemap.xml, the accessibility statement.
    "site.robots",
    "site.sitemap",
    "site.accessibility",
    # The office profile, officials, contact page; the website's pictures, coat of arms, theme.
    "site.profile",
    "site.profile_page",
    "site.officials",
    "site.contact",
    "site.picture",
    "site.coat_of_arms",
    "site.theme_css",
    "public.news_image",
    "directory.index",
    "directory.agency",
    "events.index",
    "events.past",
    "events.detail",
    "events.picture",
    "events.feed",
    "events.event_ics",
    "public.document_download",
    "public.information_request",
    "public.complaints",
    "public.case_sent",
    "public.follow_case",
    "public.statistics",
}

# Only for reading the URL map at collection time; the tests use the session app.
_MAP_APP = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://")


def _rules(method: str) -> list:
    return sorted(
        (
            rule
            for rule in _MAP_APP.url_map.iter_rules()
            if method in rule.methods and not is_public_endpoint(_MAP_APP, rule.endpoint)
        ),
        key=lambda rule: (rule.endpoint, rule.rule),
    )


def _url(app, rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        items = getattr(rule._converters[name], "items", None)  # any(csv, xlsx): one of its words
        values[name] = (
            1
            if converter in ("IdConverter", "IntegerConverter", "FloatConverter")
            else sorted(items)[0]
            if items
            else "dummy"
        )
    return app.url_map.bind("portal.test").build(rule.endpoint, values)


def _assert_sent_to_login(response, url):
    assert response.status_code == 302, (url, response.status_code)
    assert urlsplit(response.headers["Location"]).path == "/login", (url, response.headers["Location"])


def test_public_endpoints_are_exactly_the_pinned_list(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    public_now = {e for e in endpoints if is_public_endpoint(app, e)}
    assert public_now == PUBLIC_ENDPOINTS, (
        f"newly public: {sorted(public_now - PUBLIC_ENDPOINTS)}; "
        f"no longer public: {sorted(PUBLIC_ENDPOINTS - public_now)}"
    )


@pytest.mark.parametrize("rule", _rules("GET"), ids=lambda r: f"GET {r.rule}")
def test_anonymous_get_of_a_private_page_goes_to_login(app, client, rule):
    url = _url(app, rule)
    response = client.get(url)
    _assert_sent_to_login(response, url)
    assert "next=" in response.headers["Location"]


@pytest.mark.parametrize("rule", _rules("POST"), ids=lambda r: f"POST {r.rule}")
def test_anonymous_post_to_a_private_endpoint_goes_to_login(app, client, rule):
    url = _url(app, rule)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    _assert_sent_to_login(client.post(url, data={"csrf_token": token}), url)


@pytest.mark.parametrize("rule", _rules("POST"), ids=lambda r: f"POST {r.rule}")
def test_anonymous_post_without_csrf_token_is_refused(app, client, rule):
    url = _url(app, rule)
    response = client.post(url)
    assert response.status_code in (302, 400), (url, response.status_code)


def test_there_are_private_endpoints_to_check():
    assert {r.endpoint for r in _rules("GET")} >= {
        "applications.dashboard",
        "auth.profile",
        "auth.change_password",
    }
    assert "auth.resend_verification" in {r.endpoint for r in _rules("POST")}


# --- the role decorator ---------------------------------------------------------------------


@pytest.fixture
def role_app(tmp_path):
    """A fresh app with a tiny officer-only blueprint, registered before its first request."""
    app = create_app("test", MAIL_DIR=tmp_path / "mail", INSTANCE_DIR=tmp_path)
    bp = Blueprint("roletest", __name__)

    @bp.route("/__officers-only")
    @roles_required(Role.OFFICER, Role.APPROVER)
    def officers_only():
        return "officer area"

    @bp.route("/__open")
    @public
    def open_page():
        return "open"

    app.register_blueprint(bp)
    return app


def test_role_decorator_forbids_the_wrong_role(role_app):
    client = role_app.test_client()
    applicant = make_user(Role.APPLICANT)
    assert login(client, applicant.email).status_code == 302
    response = client.get("/__officers-only?lang=en")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_role_decorator_allows_each_listed_role(role_app):
    for role in (Role.OFFICER, Role.APPROVER):
        client = role_app.test_client()
        assert login(client, make_user(role).email).status_code == 302
        response = client.get("/__officers-only")
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "officer area"


def test_role_decorator_allows_a_user_with_several_roles(role_app):
    client = role_app.test_client()
    user = make_user(roles=[Role.HELPDESK, Role.OFFICER])
    assert login(client, user.email).status_code == 302
    assert client.get("/__officers-only").status_code == 200


def test_role_decorator_sends_anonymous_users_to_login(role_app):
    client = role_app.test_client()
    _assert_sent_to_login(client.get("/__officers-only"), "/__officers-only")
    assert client.get("/__open").status_code == 200


def test_admin_role_alone_is_not_every_role(role_app):
    client = role_app.test_client()
    assert login(client, make_user(Role.ADMIN).email).status_code == 302
    assert client.get("/__officers-only").status_code == 403


# --- set_roles ------------------------------------------------------------------------------


def test_admin_cannot_remove_their_own_admin_role():
    admin, other_admin = make_user(Role.ADMIN), make_user(Role.ADMIN)
    with pytest.raises(services.AccountError):
        services.set_roles(admin, {Role.OFFICER}, acting=admin)
    assert Role.ADMIN in admin.role_set
    assert other_admin.role_set == {Role.ADMIN}


def test_admin_can_add_roles_to_themselves():
    admin = make_user(Role.ADMIN)
    services.set_roles(admin, {Role.ADMIN, Role.OFFICER}, acting=admin)
    assert admin.role_set == {Role.ADMIN, Role.OFFICER}


def test_admin_can_remove_another_admins_role():
    admin, other_admin = make_user(Role.ADMIN), make_user(Role.ADMIN)
    services.set_roles(other_admin, {Role.HELPDESK}, acting=admin)
    assert other_admin.role_set == {Role.HELPDESK}


class _System:
    id = 0


def test_last_active_admin_cannot_lose_the_role():
    only_admin = make_user(Role.ADMIN)
    with pytest.raises(services.AccountError):
        services.set_roles(only_admin, {Role.OFFICER}, acting=_System())
    assert only_admin.role_set == {Role.ADMIN}


def test_inactive_admins_do_not_count_as_the_other_admin():
    from portal.extensions import db

    active = make_user(Role.ADMIN)
    inactive = make_user(Role.ADMIN)
    inactive.is_active_account = False
    db.session.commit()
    with pytest.raises(services.AccountError):
        services.set_roles(active, set(), acting=_System())
    assert active.role_set == {Role.ADMIN}


# --- staff accounts from the command line ---------------------------------------------------


def test_cli_creates_a_staff_account_with_several_roles(app):
    from tests.conftest import login as login_form

    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Officer.One@Example.test",
            "--name",
            "Officer One",
            "--role",
            "officer",
            "--role",
            "helpdesk",
            "--password",
            "a long staff passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    user = services.get_user_by_email("officer.one@example.test")
    assert user.role_set == {Role.OFFICER, Role.HELPDESK}
    assert user.email_verified
    assert login_form(app.test_client(), user.email, "a long staff passphrase").status_code == 302


def test_cli_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "weak@example.test",
            "--role",
            "admin",
            "--password",
            "password123",
        ]
    )
    assert result.exit_code != 0
    assert services.get_user_by_email("weak@example.test") is None


def test_cli_keeps_the_last_admin(app):
    admin = make_user(Role.ADMIN)
    result = app.test_cli_runner().invoke(
        args=["users", "roles", "--email", admin.email, "--role", "officer"]
    )
    assert result.exit_code != 0
    assert admin.role_set == {Role.ADMIN}
