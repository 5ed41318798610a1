"""The REST API (portal/api): public endpoints, partner tokens and their scopes, per-token
limits, and JSON errors for bad input. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.api import tokens
from portal.api.models import ApiToken
from portal.applications.models import Application
from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from tests.conftest import login, make_user, post_form
from tests.wizard_helpers import make_category, make_submitted

API = "/api/v1"


def _token(*scopes: str, **kwargs) -> str:
    issued = tokens.issue("Dinas PUPR", scopes=list(scopes), admin=None, **kwargs)
    db.session.commit()
    return issued.secret


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def two_categories():
    """Two categories with two submitted applications each; returns (a, b, {slug: [numbers]})."""
    a = make_category("api-reklame")
    b = make_category("api-bangunan")
    numbers: dict[str, list[str]] = {a.slug: [], b.slug: []}
    for category in (a, b):
        for i in range(2):
            applicant = make_user(Role.APPLICANT, email=f"{category.slug}-{i}@example.test")
            numbers[category.slug].append(make_submitted(applicant, category).tracking_number)
    return a, b, numbers


def _assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == status and body["error"] and body["hint"]
    return body


# -- public --------------------------------------------------------------------------------
def test_catalogue_lists_requirements_and_service_standard(client):
    make_category("api-katalog", time_limit_days=7, cost_rupiah=0, legal_basis="Perda 1/2020\nPerwali 2/2021")
    body = client.get(f"{API}/categories").get_json()
    item = next(c for c in body["items"] if c["slug"] == "api-katalog")
    assert item["service_standard"]["time_limit_working_days"] == 7
    assert item["service_standard"]["legal_basis"] == ["Perda 1/2020", "Perwali 2/2021"]
    assert {r["key"] for r in item["requirements"]} >= {"ktp"}
    assert client.get(f"{API}/categories/api-katalog").get_json()["slug"] == "api-katalog"
    _assert_json_error(client.get(f"{API}/categories/no-such-permit"), 404)


def test_status_check_needs_the_number_and_the_applicants_email(client):
    applicant = make_user(Role.APPLICANT, email="rina@example.test")
    number = make_submitted(applicant, make_category()).tracking_number
    ok = client.post(f"{API}/status", json={"tracking_number": number.lower(), "email": "RINA@example.test"})
    assert ok.status_code == 200
    assert ok.get_json()["status"] == "submitted"
    assert "email" not in ok.get_json() and "answers" not in ok.get_json()
    wrong = client.post(f"{API}/status", json={"tracking_number": number, "email": "other@example.test"})
    unknown = client.post(f"{API}/status", json={"tracking_number": "XX-0000", "email": "rina@example.test"})
    assert _assert_json_error(wrong, 404) == _assert_json_error(unknown, 404)  # nothing tells them apart


def test_status_check_shares_the_web_pages_limit(client):
    """10 a minute per address, the page and the API counted together."""
    for _ in range(10):
        client.post(f"{API}/status", json={"tracking_number": "XX-1", "email": "a@example.test"})
    limited = client.post(f"{API}/status", json={"tracking_number": "XX-1", "email": "a@example.test"})
    _assert_json_error(limited, 429)
    assert int(limited.headers["Retry-After"]) > 0
    page = post_form(client, "/status", {"tracking_number": "XX-1", "email": "a@example.test"})
    assert page.status_code == 429


def test_permit_verification_unknown_token_and_code_are_json_404(client):
    _assert_json_error(client.get(f"{API}/permits/verify/" + "x" * 43), 404)
    _assert_json_error(client.get(f"{API}/permits/code/ABCD-EFGH"), 404)


# -- partner tokens ----------------------------------------------------------------------------
def test_token_is_stored_only_as_a_hash_and_lists_its_scope(client, two_categories):
    a, _b, numbers = two_categories
    secret = _token(tokens.scope_for(a.slug))
    row = db.session.scalars(select(ApiToken)).one()
    assert secret not in (row.token_hash, row.prefix) and row.token_hash == tokens.digest(secret)
    assert row.last_used_at is None
    body = client.get(f"{API}/partner/applications", headers=_auth(secret)).get_json()
    assert sorted(i["tracking_number"] for i in body["items"]) == sorted(numbers[a.slug])
    assert {i["category"] for i in body["items"]} == {a.slug}
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_read_all_scope_pages_by_keyset_without_repeats(client, two_categories):
    _a, _b, numbers = two_categories
    secret = _token(tokens.READ_ALL)
    seen, after = [], None
    while True:
        query = {"limit": 3, **({"after": after} if after else {})}
        body = client.get(f"{API}/partner/applications", query_string=query, headers=_auth(secret)).get_json()
        seen += [i["tracking_number"] for i in body["items"]]
        after = body["next_after"]
        if after is None:
            break
    assert sorted(seen) == sorted(numbers["api-reklame"] + numbers["api-bangunan"])


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer sp_nonsense", "Basic abc", "Bearer " + "sp_" + "a" * 200]
)
def test_missing_or_unknown_token_is_401_json(client, two_categories, header):
    headers = {"Authorization": header} if header else {}
    body = _assert_json_error(client.get(f"{API}/partner/applications", headers=headers), 401)
    assert "items" not in body


def test_expired_and_revoked_tokens_are_refused_like_unknown_ones(client, two_categories):
    a, _b, numbers = two_categories
    expired = _token(tokens.READ_ALL, expires_in_days=1)
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == tokens.digest(expired))).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    revoked = _token(tokens.READ_ALL)
    tokens.revoke(
        db.session.scalars(select(ApiToken).where(ApiToken.token_hash == tokens.digest(revoked))).one().id,
        None,
    )
    db.session.commit()
    for secret in (expired, revoked):
        body = _assert_json_error(client.get(f"{API}/partner/applications", headers=_auth(secret)), 401)
        assert numbers[a.slug][0] not in str(body)
        detail = client.get(f"{API}/partner/applications/{numbers[a.slug][0]}", headers=_auth(secret))
        _assert_json_error(detail, 401)


def test_another_categorys_applications_are_403_and_never_listed(client, two_categories):
    a, b, numbers = two_categories
    secret = _token(tokens.scope_for(a.slug))
    listed = client.get(f"{API}/partner/applications", headers=_auth(secret)).get_json()
    assert not set(numbers[b.slug]) & {i["tracking_number"] for i in listed["items"]}
    asked = client.get(
        f"{API}/partner/applications", query_string={"category": b.slug}, headers=_auth(secret)
    )
    _assert_json_error(asked, 403)
    other = client.get(f"{API}/partner/applications/{numbers[b.slug][0]}", headers=_auth(secret))
    missing = client.get(f"{API}/partner/applications/XX-99999", headers=_auth(secret))
    # Out of scope and not existing are the same answer: nothing tells the number exists.
    assert _assert_json_error(other, 403) == _assert_json_error(missing, 403)
    own = client.get(f"{API}/partner/applications/{numbers[a.slug][0]}", headers=_auth(secret))
    assert own.status_code == 200 and own.get_json()["history"][0]["to_status"] == "submitted"


def test_a_token_of_a_deleted_category_reads_nothing(client, two_categories):
    secret = _token(tokens.scope_for("no-longer-there"))
    body = client.get(f"{API}/partner/applications", headers=_auth(secret)).get_json()
    assert body == {"items": [], "next_after": None}


def test_drafts_are_never_listed(client, two_categories):
    a, _b, numbers = two_categories
    secret = _token(tokens.READ_ALL)
    drafts = db.session.scalars(select(Application).where(Application.tracking_number.is_(None))).all()
    body = client.get(f"{API}/partner/applications", headers=_auth(secret)).get_json()
    assert len(body["items"]) == 4 and all(i["status"] != "draft" for i in body["items"])
    assert drafts == [] or all(d.tracking_number is None for d in drafts)


def test_a_flood_past_the_tokens_own_limit_gets_429_with_retry_after(client, two_categories):
    slow = _token(tokens.READ_ALL, rate_limit_per_minute=3)
    other = _token(tokens.READ_ALL, rate_limit_per_minute=3)
    answers = [client.get(f"{API}/partner/applications", headers=_auth(slow)).status_code for _ in range(6)]
    assert answers == [200, 200, 200, 429, 429, 429]
    limited = client.get(f"{API}/partner/applications", headers=_auth(slow))
    body = _assert_json_error(limited, 429)
    assert "items" not in body
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Each token has its own count.
    assert client.get(f"{API}/partner/applications", headers=_auth(other)).status_code == 200


# -- bad input --------------------------------------------------------------------------------
def test_malformed_json_is_400_json(client):
    response = client.post(f"{API}/status", data="{not json", content_type="application/json")
    _assert_json_error(response, 400)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tracking_number": "SP-1", "email": "a@example.test", "admin": True}, "admin"),
        ({"tracking_number": 12345, "email": "a@example.test"}, "tracking_number"),
        ({"tracking_number": "SP-1", "email": ["a@example.test"]}, "email"),
        ({"tracking_number": "SP-1"}, "email"),
        ({"tracking_number": "S" * 21, "email": "a@example.test"}, "tracking_number"),
        ([1, 2], "_schema"),
    ],
)
def test_unknown_fields_and_wrong_types_are_422_naming_the_field(client, body, field):
    response = client.post(f"{API}/status", json=body)
    errors = _assert_json_error(response, 422)["errors"]
    assert field in errors["json"]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": "abc"},
        {"limit": 0},
        {"limit": 10_000},
        {"after": -1},
        {"status": "draft"},
        {"bogus": "1"},
        {"category": "../etc"},
    ],
)
def test_bad_list_queries_are_422(client, two_categories, query):
    secret = _token(tokens.READ_ALL)
    response = client.get(f"{API}/partner/applications", query_string=query, headers=_auth(secret))
    _assert_json_error(response, 422)


def test_unknown_api_address_and_wrong_method_are_json(client):
    _assert_json_error(client.get(f"{API}/nothing-here"), 404)
    _assert_json_error(client.delete(f"{API}/categories"), 405)


# -- the admin's pages ----------------------------------------------------------------------
def test_admin_issues_a_token_shown_once_and_revokes_it(client, two_categories):
    a, _b, _numbers = two_categories
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = post_form(
        client,
        "/admin/api/tokens",
        {
            "name": "Dinas PUPR",
            "categories": [a.slug],
            "rate_limit_per_minute": "30",
            "expires_in_days": "90",
        },
        page="/admin/api",
    )
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    row = db.session.scalars(select(ApiToken)).one()
    secret = html.split('id="issued-token" class="form-control font-monospace" readonly value="')[1].split(
        '"'
    )[0]
    assert tokens.digest(secret) == row.token_hash
    assert row.scopes == [f"applications:read:{a.slug}"] and row.rate_limit_per_minute == 30
    assert secret not in client.get("/admin/api").get_data(as_text=True)  # shown once
    assert client.get(f"{API}/partner/applications", headers=_auth(secret)).status_code == 200
    post_form(client, f"/admin/api/tokens/{row.id}/revoke", {}, page="/admin/api")
    _assert_json_error(client.get(f"{API}/partner/applications", headers=_auth(secret)), 401)


def test_admin_token_form_refuses_no_scope(client, two_categories):
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = post_form(
        client, "/admin/api/tokens", {"name": "X", "rate_limit_per_minute": "30"}, page="/admin/api"
    )
    assert page.status_code == 400
    assert db.session.scalars(select(ApiToken)).all() == []


def test_only_admins_reach_the_token_pages(client):
    officer = make_user(Role.OFFICER)
    login(client, officer.email)
    assert client.get("/admin/api").status_code == 403
    assert client.get("/admin/api/webhooks").status_code == 403
