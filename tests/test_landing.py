"""Issue 16, item 5: staff land on their work after logging in, and the menu's and the home
page's "my page" links take them there: the officer to the queue, the approver to the
applications recommended to them, the help desk to its console, the admin to the admin home;
an applicant to their dashboard. A safe ``next`` still wins; an unsafe one is ignored."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from portal.auth.models import Role
from tests.conftest import csrf_token, login, make_user, post_form, totp_code
from tests.factories import DEFAULT_PASSWORD

LANDINGS = [
    (Role.OFFICER, "/office/queue", ""),
    (Role.APPROVER, "/office/queue", "status=recommended"),
    (Role.HELPDESK, "/helpdesk/", ""),
    (Role.ADMIN, "/admin/", ""),
    (Role.APPLICANT, "/dashboard", ""),
]


def _where(response) -> tuple[str, str]:
    assert response.status_code == 302, response.status_code
    location = urlsplit(response.headers["Location"])
    return location.path, location.query


@pytest.mark.parametrize(("role", "path", "query"), LANDINGS, ids=[r.value for r, _, _ in LANDINGS])
def test_each_role_lands_on_its_work_after_login(client, role, path, query):
    user = make_user(role)
    assert _where(login(client, user.email)) == (path, query)
    # and the page it lands on opens for them
    assert client.get(f"{path}?{query}").status_code == 200
    # Logging in again while logged in (the login page) sends them there too.
    assert _where(client.get("/login")) == (path, query)


def test_an_approver_who_is_also_an_officer_lands_on_the_recommended_list(client):
    user = make_user(roles=[Role.OFFICER, Role.APPROVER])
    assert _where(login(client, user.email)) == ("/office/queue", "status=recommended")


@pytest.mark.parametrize("role", [Role.OFFICER, Role.APPLICANT])
def test_a_safe_next_wins_over_the_landing(client, role):
    user = make_user(role)
    response = client.post(
        "/login?next=/notifications",
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": _token(client)},
    )
    response = _second_step(client, user, response)
    assert _where(response)[0] == "/notifications"


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
def test_an_unsafe_next_is_ignored_and_the_officer_lands_on_the_queue(client, target):
    user = make_user(Role.OFFICER)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": _token(client)},
    )
    response = _second_step(client, user, response)
    assert _where(response) == ("/office/queue", "")


def _second_step(client, user, response):
    """A staff account types its code after the password (the landing comes after it)."""
    if response.headers.get("Location", "").endswith("/login/code"):
        return post_form(client, "/login/code", {"code": totp_code(user.email)})
    return response


def _token(client) -> str:
    return csrf_token(client.get("/login").get_data(as_text=True))


@pytest.mark.parametrize(
    ("role", "href", "label"),
    [
        (Role.OFFICER, "/office/queue", "Pekerjaan Saya"),
        (Role.APPROVER, "/office/queue?status=recommended", "Pekerjaan Saya"),
        (Role.HELPDESK, "/helpdesk/", "Pekerjaan Saya"),
        (Role.ADMIN, "/admin/", "Pekerjaan Saya"),
        (Role.APPLICANT, "/dashboard", "Beranda Saya"),
    ],
)
def test_the_home_page_links_to_ones_own_page_and_staff_menus_offer_no_dashboard(
    client, login_as, role, href, label
):
    login_as(role)
    home = client.get("/").get_data(as_text=True)
    assert f'<a class="btn btn-primary btn-lg" href="{href}">{label}</a>' in home
    menu = home[home.index('id="site-menu"') : home.index("</header>")]
    if role is Role.APPLICANT:
        assert '<a class="nav-link" href="/dashboard">Beranda Saya</a>' in menu
    else:
        # No citizen's dashboard in a staff menu; their work has its own menu link.
        assert "Beranda Saya" not in menu
        assert 'href="/dashboard"' not in menu
        assert f'href="{href.split("?")[0]}"' in menu


def test_staff_opening_the_dashboard_are_sent_on_to_their_work_not_told_they_have_no_applications(
    client, login_as
):
    login_as(Role.OFFICER)
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Anda belum punya permohonan" not in html
    assert 'href="/office/queue">Pekerjaan Saya</a>' in html
