"""Assist codes and the assisted view: the applicant's consent, the code's life, what the help
desk sees with and without it, the log the applicant sees, and the lock after wrong tries."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import MultiDict

from portal.applications import services as app_services
from portal.auth.models import Role
from portal.db import utcnow
from portal.extensions import db
from portal.helpdesk import services
from portal.helpdesk.models import AssistAttempt, AssistCode, AssistView
from tests.conftest import csrf_token, login, make_user
from tests.test_helpdesk_support import SECRET_FILE, SECRET_NAME, applicant, category, draft_with_errors


def _token(client) -> str:
    return csrf_token(client.get("/dashboard").get_data(as_text=True))


def _enter(client, applicant_id: int, code: str):
    return client.post(
        f"/helpdesk/applicants/{applicant_id}/assist", data={"csrf_token": _token(client), "code": code}
    )


def _views() -> int:
    return db.session.scalar(select(func.count()).select_from(AssistView))


@pytest.fixture
def owner():
    user = applicant(full_name="Budi Santoso")
    draft_with_errors(user, category(), document=True)
    return user


def _other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# -- the applicant's side -------------------------------------------------------------------------
def test_applicant_makes_a_code_that_is_shown_but_stored_only_as_an_hmac(client, owner):
    login(client, owner.email)
    page = client.get("/account/assist?lang=en").get_data(as_text=True)
    assert "Make an assist code" in page
    response = client.post("/account/assist", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    page = client.get("/account/assist?lang=en").get_data(as_text=True)
    shown = re.search(r'assist-code"[^>]*>(\d{3}) (\d{3})<', page)
    assert shown, page
    code = shown.group(1) + shown.group(2)
    row = db.session.scalar(select(AssistCode).where(AssistCode.user_id == owner.id))
    assert code not in row.code_hash
    assert row.code_hash != hashlib.sha256(code.encode()).hexdigest()  # keyed, not a plain hash
    assert row.expires_at - row.created_at == timedelta(minutes=15)


def test_a_new_code_ends_the_old_one(owner):
    first, first_code = services.create_assist_code(owner)
    second, second_code = services.create_assist_code(owner)
    db.session.refresh(first)
    assert first.ended_at is not None and second.ended_at is None
    assert services.active_code(owner.id).id == second.id


@pytest.mark.parametrize("role", [Role.HELPDESK, Role.OFFICER, Role.ADMIN])
def test_staff_without_the_applicant_role_cannot_make_codes(client, login_as, role):
    login_as(role)
    assert client.get("/account/assist").status_code == 403
    assert client.post("/account/assist", data={"csrf_token": _token(client)}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(AssistCode)) == 0


def test_codes_are_six_random_digits(owner):
    codes = {services.create_assist_code(owner)[1] for _ in range(30)}
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    assert len(codes) > 25


# -- the help desk with a valid code ------------------------------------------------------------------
def test_with_the_right_code_the_help_desk_sees_the_draft_and_the_applicant_sees_the_log(
    client, login_as, owner
):
    _row, code = services.create_assist_code(owner)
    login_as(Role.HELPDESK, full_name="Petugas Wulan")
    response = _enter(client, owner.id, f"{code[:3]} {code[3:]}")
    assert response.status_code == 302
    view_url = response.headers["Location"]
    page = client.get(view_url + "?lang=en").get_data(as_text=True)
    assert SECRET_NAME in page and SECRET_FILE in page
    assert "Errors on the page now" in page and "Number of employees: not a number" in page
    assert "Upload the documents" in page  # the stage
    assert 'data-live-url="' in page and "js/helpdesk.js" in page and "Refresh" in page
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, owner.email)
    log = client.get("/account/assist?lang=en").get_data(as_text=True)
    assert "Petugas Wulan" in log


def test_the_live_fragment_follows_the_applicants_changes(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    login_as(Role.HELPDESK)
    view_url = _enter(client, owner.id, code).headers["Location"]
    live = client.get(view_url + "/live?lang=en")
    assert live.status_code == 200 and "<html" not in live.get_data(as_text=True)
    draft = services.editable_applications(owner.id)[0]
    app_services.save_page(
        draft,
        "business",
        MultiDict({"business_name": "Warung Baru", "employees": "4", "has_branch": "no"}),
        actor=owner,
    )
    live = client.get(view_url + "/live?lang=en").get_data(as_text=True)
    assert "Warung Baru" in live and SECRET_NAME not in live
    view = db.session.scalar(select(AssistView))
    assert view.refreshes == 2 and view.last_seen_at >= view.started_at


def test_another_staff_member_cannot_use_someone_elses_view(client, login_as, owner):
    staff = make_user(Role.HELPDESK)
    _row, code = services.create_assist_code(owner)
    view = services.open_assist(staff, owner, code)
    login_as(Role.HELPDESK)
    for url in (f"/helpdesk/assist/{view.id}", f"/helpdesk/assist/{view.id}/live"):
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET_NAME not in response.get_data(as_text=True)


def test_without_a_code_the_help_desk_never_sees_answers_or_documents(client, login_as, owner):
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{owner.id}").get_data(as_text=True)
    assert SECRET_NAME not in page and SECRET_FILE not in page
    assert client.get("/helpdesk/assist/1").status_code == 404


# -- bad codes ------------------------------------------------------------------------------------------
def test_a_wrong_code_is_refused(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    login_as(Role.HELPDESK)
    response = _enter(client, owner.id, _other_code(code))
    assert response.status_code == 400
    assert "The code is not right" in client.post(
        f"/helpdesk/applicants/{owner.id}/assist?lang=en",
        data={"csrf_token": _token(client), "code": "abcdef"},
    ).get_data(as_text=True)
    assert _views() == 0


def test_an_expired_code_is_refused(client, login_as, owner):
    row, code = services.create_assist_code(owner)
    row.created_at = utcnow() - timedelta(minutes=16)
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    login_as(Role.HELPDESK)
    assert _enter(client, owner.id, code).status_code == 400
    assert _views() == 0


def test_an_ended_code_is_refused(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    services.end_assist_code(owner)
    login_as(Role.HELPDESK)
    assert _enter(client, owner.id, code).status_code == 400
    assert _views() == 0


def test_another_applicants_code_is_refused(client, login_as, owner):
    other = applicant()
    draft_with_errors(other, category("hd-lain"))
    _row, other_code = services.create_assist_code(other)
    login_as(Role.HELPDESK)
    assert _enter(client, owner.id, other_code).status_code == 400
    assert _views() == 0


def test_a_code_reused_after_the_applicant_ended_the_session_shows_nothing(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    staff = login_as(Role.HELPDESK)
    view_url = _enter(client, owner.id, code).headers["Location"]
    assert SECRET_NAME in client.get(view_url).get_data(as_text=True)
    # The applicant presses "End" in their own browser.
    applicant_client = client.application.test_client()
    login(applicant_client, owner.email)
    page = applicant_client.get("/account/assist").get_data(as_text=True)
    assert (
        applicant_client.post("/account/assist/end", data={"csrf_token": csrf_token(page)}).status_code == 302
    )
    live = client.get(view_url + "/live")
    assert live.status_code == 410 and SECRET_NAME not in live.get_data(as_text=True)
    page = client.get(view_url)
    assert SECRET_NAME not in page.get_data(as_text=True)
    assert _enter(client, owner.id, code).status_code == 400
    assert (
        db.session.scalar(select(func.count()).select_from(AssistView).where(AssistView.staff_id == staff.id))
        == 1
    )


def test_a_view_stops_showing_the_draft_when_the_code_expires(client, login_as, owner):
    row, code = services.create_assist_code(owner)
    login_as(Role.HELPDESK)
    view_url = _enter(client, owner.id, code).headers["Location"]
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    live = client.get(view_url + "/live")
    assert live.status_code == 410 and SECRET_NAME not in live.get_data(as_text=True)


def test_entering_a_code_without_csrf_is_refused(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    login_as(Role.HELPDESK)
    assert client.post(f"/helpdesk/applicants/{owner.id}/assist", data={"code": code}).status_code == 400
    assert _views() == 0


# -- the lock after wrong tries ----------------------------------------------------------------------
def test_more_than_five_wrong_tries_in_ten_minutes_lock_the_staff_account(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    staff = login_as(Role.HELPDESK)
    wrong = _other_code(code)
    assert [_enter(client, owner.id, wrong).status_code for _ in range(5)] == [400] * 5
    locked = _enter(client, owner.id, code)  # even the right code: locked
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert _enter(client, owner.id, wrong).status_code == 429
    assert _views() == 0
    page = client.get(f"/helpdesk/applicants/{owner.id}?lang=en").get_data(as_text=True)
    assert "Too many wrong codes" in page
    # Ten minutes later the window has passed.
    db.session.execute(
        update(AssistAttempt)
        .where(AssistAttempt.staff_id == staff.id)
        .values(created_at=utcnow() - timedelta(minutes=11))
    )
    db.session.commit()
    assert _enter(client, owner.id, code).status_code == 302


def test_the_lock_is_per_staff_account(client, login_as, owner):
    _row, code = services.create_assist_code(owner)
    other_staff = make_user(Role.HELPDESK)
    for _ in range(6):
        with pytest.raises(services.HelpdeskError):
            services.open_assist(other_staff, owner, _other_code(code))
    login_as(Role.HELPDESK)
    assert _enter(client, owner.id, code).status_code == 302


def test_wrong_tries_spread_over_a_day_hit_the_daily_limit(owner):
    staff = make_user(Role.HELPDESK)
    _row, code = services.create_assist_code(owner)
    long_ago = utcnow() - timedelta(hours=3)
    db.session.add_all(
        [
            AssistAttempt(staff_id=staff.id, applicant_id=owner.id, outcome="wrong", created_at=long_ago)
            for _ in range(services.DAILY_WRONG_LIMIT)
        ]
    )
    db.session.commit()
    with pytest.raises(services.AssistLocked):
        services.open_assist(staff, owner, code)


def test_right_codes_do_not_count_towards_the_lock(owner):
    staff = make_user(Role.HELPDESK)
    for _ in range(8):
        _row, code = services.create_assist_code(owner)
        services.open_assist(staff, owner, code)
    assert services.lock_remaining(staff) == 0
