"""Registration and password reset do the same work on every branch, and their emails go
through the outbox; per-account caps stop one mailbox being flooded from many client
addresses (issue 12, items 2 and 5).

"The same work" is counted, not timed: password hashes and outbox rows per request. The
timings themselves are printed by bench/bench_account_branches.py.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from portal.auth import passwords
from portal.auth.models import Role, User
from portal.extensions import db
from portal.notifications.models import OutboxEmail
from tests.conftest import csrf_token, make_user

GOOD_PASSWORD = "my cat sleeps on the red sofa"
_addresses = (f"198.51.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def outbox_rows(address: str | None = None) -> int:
    stmt = select(func.count()).select_from(OutboxEmail)
    if address is not None:
        stmt = stmt.where(OutboxEmail.to_email == address)
    return db.session.scalar(stmt)


@pytest.fixture
def hashes(monkeypatch):
    """How many times a password was hashed since the fixture started."""
    calls = []
    real = passwords.hash_password

    def counting(password):
        calls.append(1)
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    return calls


def post_from(app, url: str, data: dict, address: str | None = None, **headers):
    """POST ``data`` from a fresh browser at client address ``address`` (REMOTE_ADDR)."""
    browser = app.test_client()
    token = csrf_token(browser.get(url).get_data(as_text=True))
    return browser.post(
        url,
        data={"csrf_token": token, **data},
        headers=headers,
        environ_base={"REMOTE_ADDR": address or next(_addresses)},
    )


def registration(**changes) -> dict:
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.branch@example.test",
        "nik": "6472014101900001",
        "phone": "0812 3456 7890",
        "password": GOOD_PASSWORD,
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    data.update(changes)
    return data


def work(hashes, action) -> tuple[int, int, int, str]:
    """(status, password hashes, outbox rows written, Location) for one request."""
    hashes.clear()
    before = outbox_rows()
    response = action()
    return (response.status_code, len(hashes), outbox_rows() - before, response.headers.get("Location", ""))


# --- item 2: every branch of registration does the same work ---------------------------------


@pytest.fixture
def owners():
    verified = make_user(email="owner.verified@example.test", nik="6472014101909001")
    unverified = make_user(email="owner.unverified@example.test", verified=False, nik="6472014101909002")
    return verified, unverified


@pytest.mark.parametrize(
    "branch",
    ["new account", "email taken", "email taken, other case", "email of an unverified account", "NIK taken"],
)
def test_every_registration_branch_hashes_once_and_queues_one_email(app, owners, hashes, branch):
    verified, unverified = owners
    data = {
        "new account": registration(email="brand.new@example.test"),
        "email taken": registration(email=verified.email),
        "email taken, other case": registration(email="  OWNER.Verified@Example.TEST "),
        "email of an unverified account": registration(email=unverified.email),
        "NIK taken": registration(email="another.new@example.test", nik=verified.nik),
    }[branch]
    status, hashed, queued, location = work(hashes, lambda: post_from(app, "/register?lang=en", data))
    assert (status, location) == (302, "/register/check-email")
    assert hashed == 1, f"{branch}: the password was hashed {hashed} times"
    assert queued == 1, f"{branch}: {queued} emails were written to the outbox"


def test_registration_emails_wait_in_the_outbox_until_the_commit(app, monkeypatch, outbox):
    """An email is only written during the request and sent after it commits: a registration
    that fails before the commit mails nobody."""
    from portal.auth import views

    def failing_commit():
        raise RuntimeError("the database went away before the commit")

    browser = app.test_client()
    token = csrf_token(browser.get("/register?lang=en").get_data(as_text=True))
    # Only the POST's commit fails (every request commits at its end, the GET's too).
    monkeypatch.setattr(views.db.session, "commit", failing_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = browser.post(
            "/register?lang=en",
            data={"csrf_token": token, **registration(email="never.mailed@example.test")},
            environ_base={"REMOTE_ADDR": next(_addresses)},
        )
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert outbox.to("never.mailed@example.test") == []


# --- item 2: every branch of password reset does the same work --------------------------------


@pytest.fixture
def reset_targets(app):
    from portal.admin.services import invite_staff

    admin = make_user(Role.ADMIN)
    closed = make_user(email="closed@example.test")
    closed.is_active_account = False
    db.session.commit()
    with app.test_request_context():
        invited = invite_staff("invited@example.test", "Invited Officer", {Role.OFFICER}, "en", admin)
    return {
        "verified account": make_user(email="known@example.test").email,
        "unverified account": make_user(email="unverified@example.test", verified=False).email,
        "no account": "nobody.here@example.test",
        "deactivated account": closed.email,
        "invited staff": invited.email,
        "known account, other case": "  KNOWN@Example.Test ",
    }


@pytest.mark.parametrize(
    "branch",
    [
        "verified account",
        "unverified account",
        "no account",
        "deactivated account",
        "invited staff",
        "known account, other case",
    ],
)
def test_every_reset_branch_queues_one_email_and_answers_the_same(app, reset_targets, hashes, branch):
    address = reset_targets[branch]
    target = address.strip().lower()
    before = outbox_rows(target)
    response = post_from(app, "/forgot-password?lang=en", {"email": address})
    assert response.status_code == 200
    assert outbox_rows(target) - before == 1, f"{branch}: not exactly one email queued"
    assert hashes == []


def test_reset_pages_are_the_same_for_every_branch(app, reset_targets):
    from tests.test_auth_hostile import main_text

    pages = {
        branch: main_text(post_from(app, "/forgot-password?lang=en", {"email": address})).replace(
            address.strip().lower(), "EMAIL"
        )
        for branch, address in reset_targets.items()
    }
    assert len(set(pages.values())) == 1, pages.keys()


def test_reset_mail_to_an_address_without_account_has_no_link_to_use(app, outbox):
    post_from(app, "/forgot-password?lang=en", {"email": "nobody.here@example.test"})
    [note] = outbox.to("nobody.here@example.test")
    body = outbox.body(note)
    assert "no account uses this address" in body
    assert "/reset-password/" not in body
    assert app.config["BASE_URL"] + "/register" in body


def test_reset_mail_to_a_deactivated_account_says_it_is_closed(app, outbox):
    closed = make_user(email="closed.mail@example.test", locale="en")
    closed.is_active_account = False
    db.session.commit()
    post_from(app, "/forgot-password?lang=en", {"email": closed.email})
    [note] = outbox.to(closed.email)
    assert "Your account is closed" in outbox.body(note)
    assert "/reset-password/" not in outbox.body(note)


def test_staff_invitation_goes_through_the_outbox(app):
    """The invitation is written to the outbox in the transaction that stores the account."""
    from portal.admin.services import invite_staff

    admin = make_user(Role.ADMIN)
    with app.test_request_context():
        user = invite_staff("new.officer@example.test", "New Officer", {Role.OFFICER}, "en", admin)
    row = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_email == user.email))
    assert row is not None and row.user_id == user.id
    assert "/reset-password/" in row.body


def test_resend_verification_is_queued_in_the_outbox(client, login_as, outbox):
    """Resend-confirmation is only for the logged-in person's own account (nothing to tell a
    stranger); its email goes through the outbox like the others."""
    user = login_as(Role.APPLICANT, verified=False, locale="en")
    before = outbox_rows(user.email)
    html = client.get("/dashboard?lang=en").get_data(as_text=True)
    response = client.post("/account/resend-verification", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    assert outbox_rows(user.email) - before == 1
    assert outbox.last_link(user.email, "/confirm-email/")


# --- item 5: per-account caps on top of the per-address limits --------------------------------


def emails_to(address: str) -> int:
    return outbox_rows(address)


def test_reset_emails_to_one_account_from_many_addresses_stop_at_the_cap(app):
    user = make_user(email="flooded@example.test")
    statuses = {
        post_from(app, "/forgot-password?lang=en", {"email": user.email}).status_code for _ in range(12)
    }
    assert statuses == {200}  # the page says the same; only the mail stops
    assert emails_to(user.email) == 3


@pytest.mark.parametrize(
    "variant", ["FLOODED.CASE@example.test", "  flooded.case@example.test ", "Flooded.Case@Example.TEST"]
)
def test_reset_cap_counts_the_address_whatever_its_case(app, variant):
    user = make_user(email="flooded.case@example.test")
    for _ in range(2):
        post_from(app, "/forgot-password?lang=en", {"email": user.email})
    for _ in range(3):
        post_from(app, "/forgot-password?lang=en", {"email": variant})
    assert emails_to(user.email) == 3


def test_reset_cap_holds_for_an_address_without_account_too(app):
    """Reaching the cap looks the same with or without an account behind the address."""
    for _ in range(6):
        post_from(app, "/forgot-password?lang=en", {"email": "no.such.person@example.test"})
    assert emails_to("no.such.person@example.test") == 3


def test_reset_cap_on_one_account_leaves_other_accounts_alone(app):
    flooded, other = make_user(), make_user()
    for _ in range(5):
        post_from(app, "/forgot-password?lang=en", {"email": flooded.email})
    post_from(app, "/forgot-password?lang=en", {"email": other.email})
    assert (emails_to(flooded.email), emails_to(other.email)) == (3, 1)


def test_daily_reset_cap(app):
    user = make_user()
    app.config["RESET_EMAIL_LIMIT_PER_ACCOUNT"] = "100 per hour;5 per day"
    try:
        for _ in range(8):
            post_from(app, "/forgot-password?lang=en", {"email": user.email})
    finally:
        app.config["RESET_EMAIL_LIMIT_PER_ACCOUNT"] = "3 per hour;10 per day"
    assert emails_to(user.email) == 5


def test_default_caps_are_per_hour_and_per_day(app):
    from config import Default

    for spec in (Default.RESET_EMAIL_LIMIT_PER_ACCOUNT, Default.REGISTER_EMAIL_LIMIT_PER_ACCOUNT):
        assert "hour" in spec and "day" in spec


def test_register_notices_to_one_account_from_many_addresses_stop_at_the_cap(app, outbox):
    owner = make_user(email="owner.flooded@example.test", locale="en")
    for _ in range(12):
        response = post_from(
            app, "/register?lang=en", registration(email=owner.email, nik="6472014101900002")
        )
        assert response.status_code == 302
    assert emails_to(owner.email) == 3
    assert all("already have an account" in outbox.body(m) for m in outbox.to(owner.email))


def test_nik_taken_notices_to_one_address_stop_at_the_cap(app):
    owner = make_user(nik="6472014101908888")
    for _ in range(6):
        post_from(app, "/register?lang=en", registration(email="victim.nik@example.test", nik=owner.nik))
    assert emails_to("victim.nik@example.test") == 3


@pytest.mark.parametrize("branch", ["email taken", "NIK taken"])
def test_past_the_cap_registration_still_hashes_and_queues_nothing(app, hashes, branch):
    owner = make_user(email="owner.capped@example.test", nik="6472014101907777")
    address = owner.email if branch == "email taken" else "capped.victim@example.test"
    nik = "6472014101907778" if branch == "email taken" else owner.nik
    for _ in range(3):
        post_from(app, "/register?lang=en", registration(email=address, nik=nik))
    assert emails_to(address) == 3
    assert work(hashes, lambda: post_from(app, "/register?lang=en", registration(email=address, nik=nik)))[
        :3
    ] == (302, 1, 0)
    assert emails_to(address) == 3


def test_forwarded_for_header_does_not_dodge_the_per_address_limit(app):
    """Without PROXY_FIX, X-Forwarded-For is the client's own claim and is not trusted."""
    statuses = [
        post_from(
            app,
            "/forgot-password?lang=en",
            {"email": f"spoof{i}@example.test"},
            address="203.0.113.9",
            **{"X-Forwarded-For": f"10.9.{i}.1"},
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_a_real_registration_still_works_with_caps(app, outbox):
    response = post_from(app, "/register?lang=en", registration(email="real.person@example.test"))
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "real.person@example.test"))
    assert outbox.last_link("real.person@example.test", "/confirm-email/")


@pytest.mark.redis
def test_reset_cap_is_shared_by_app_processes_through_redis(tmp_path, redis_server):
    """Two app instances (two gunicorn hosts) count one address against the same Redis cap."""
    import uuid

    from portal import create_app
    from portal.extensions import limiter

    REDIS_URI = redis_server.url()  # noqa: N806 - the run's own Redis (tests/redis_server.py)
    redis_client = redis_server.client()
    prefix = f"satupintu-test-{uuid.uuid4().hex[:12]}"
    saved = limiter._storage, limiter._limiter, limiter._key_prefix
    try:
        user = make_user(email="shared.cap@example.test")
        for name in ("first", "second"):
            host = create_app(
                "test",
                RATELIMIT_STORAGE_URI=REDIS_URI,
                RATELIMIT_KEY_PREFIX=prefix,
                MAIL_DIR=tmp_path / name,
                INSTANCE_DIR=tmp_path,
            )
            for _ in range(2):
                post_from(host, "/forgot-password?lang=en", {"email": user.email})
        assert any("account-email" in k.decode() for k in redis_client.scan_iter(f"*{prefix}*"))
        assert emails_to(user.email) == 3
    finally:
        for key in redis_client.scan_iter(f"*{prefix}*"):
            redis_client.delete(key)
        redis_client.close()
        limiter._storage, limiter._limiter, limiter._key_prefix = saved
