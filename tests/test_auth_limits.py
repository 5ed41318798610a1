"""Login rate limits (memory storage): per account and per client address."""

from __future__ import annotations

from tests.conftest import DEFAULT_PASSWORD, csrf_token, make_user

WRONG = "not the right password"


def attempt(client, email: str, password: str, token: str | None = None):
    token = token or csrf_token(client.get("/login?lang=en").get_data(as_text=True))
    return client.post("/login?lang=en", data={"csrf_token": token, "email": email, "password": password})


def test_sixth_attempt_on_one_account_is_refused_even_with_the_right_password(client):
    user = make_user()
    for _ in range(5):
        assert attempt(client, user.email, WRONG).status_code == 200
    refused = attempt(client, user.email, DEFAULT_PASSWORD)
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "Too many attempts" in body
    assert "wait" in body
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/dashboard").status_code == 302  # still not logged in
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 429  # and later too


def test_account_limit_counts_the_email_case_insensitively(client):
    user = make_user()
    for i in range(5):
        address = user.email.upper() if i % 2 else user.email
        assert attempt(client, address, WRONG).status_code == 200
    assert attempt(client, user.email, DEFAULT_PASSWORD).status_code == 429


def test_account_limit_comes_from_another_client_too(app, client):
    """The per-account limit follows the account, not the browser."""
    user = make_user()
    for _ in range(5):
        assert attempt(client, user.email, WRONG).status_code == 200
    assert attempt(app.test_client(), user.email, DEFAULT_PASSWORD).status_code == 429


def test_another_account_from_the_same_client_still_logs_in(client):
    attacked, other = make_user(), make_user()
    for _ in range(6):
        attempt(client, attacked.email, WRONG)
    response = attempt(client, other.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200


def test_successful_logins_do_not_count(app):
    user = make_user()
    for _ in range(8):
        browser = app.test_client()
        assert attempt(browser, user.email, DEFAULT_PASSWORD).status_code == 302


def test_many_accounts_from_one_address_get_429_with_retry_after(client):
    statuses = []
    for i in range(25):
        statuses.append(attempt(client, f"guess{i}@example.test", WRONG).status_code)
    assert statuses[:20] == [200] * 20
    assert set(statuses[20:]) == {429}
    refused = attempt(client, "yet.another@example.test", WRONG)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_address_limit_does_not_block_other_addresses(app, client):
    for i in range(21):
        attempt(client, f"guess{i}@example.test", WRONG)
    user = make_user()
    other_address = app.test_client()
    token = csrf_token(other_address.get("/login").get_data(as_text=True))
    response = other_address.post(
        "/login",
        data={"csrf_token": token, "email": user.email, "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 302
