"""The help desk console: who may open it, search (and hostile search text), the read-only
applicant page, resending the verification email, sending a tutorial chapter, support notes,
and that help desk staff cannot change applications, documents, profiles or roles."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.applications import services as app_services
from portal.applications import workflow
from portal.applications.models import Application, AuditEvent, Document
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import AuthToken, Role, User, UserRole
from portal.backoffice import services as office
from portal.extensions import db
from portal.helpdesk import services
from portal.helpdesk.models import SupportNote
from portal.notifications.models import Notice, OutboxEmail
from tests.conftest import csrf_token, make_user
from tests.fixtures_files import make_pdf
from tests.test_helpdesk_support import (
    SECRET_FILE,
    SECRET_NAME,
    applicant,
    category,
    draft_with_errors,
    make_tutorial,
    watched,
)
from tests.wizard_helpers import GOOD_PAGES, file_upload, make_submitted

CONSOLE_GET = [
    "/helpdesk/",
    "/helpdesk/cases",
    "/helpdesk/applicants/{uid}",
    "/helpdesk/assist/1",
    "/helpdesk/assist/1/live",
    "/helpdesk/stuck",
]
CONSOLE_POST = [
    "/helpdesk/applicants/{uid}/resend-verification",
    "/helpdesk/applicants/{uid}/tutorial",
    "/helpdesk/applicants/{uid}/notes",
    "/helpdesk/applicants/{uid}/assist",
    "/helpdesk/notes/1/resolve",
]


def _token(client) -> str:
    return csrf_token(client.get("/dashboard").get_data(as_text=True))


# -- who may open the console ------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.APPROVER])
@pytest.mark.parametrize("url", CONSOLE_GET)
def test_applicants_and_officers_get_403_on_help_desk_pages(client, login_as, role, url):
    target = applicant()
    login_as(role)
    assert client.get(url.format(uid=target.id)).status_code == 403


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.APPROVER, Role.ADMIN])
@pytest.mark.parametrize("url", CONSOLE_POST)
def test_non_help_desk_posts_to_the_console_get_403_and_change_nothing(client, login_as, role, url):
    target = applicant(verified=False)
    login_as(role)
    token = _token(client)
    response = client.post(
        url.format(uid=target.id),
        data={
            "csrf_token": token,
            "channel": "phone",
            "topic": "x",
            "text": "y",
            "code": "123456",
            "tutorial": "1:",
        },
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(SupportNote)) == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxEmail)) == 0


def test_admin_may_open_the_stuck_report_but_not_the_console(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/helpdesk/stuck").status_code == 200
    assert client.get("/helpdesk/").status_code == 403


def test_help_desk_may_open_the_console(client, login_as):
    login_as(Role.HELPDESK)
    page = client.get("/helpdesk/?lang=en")
    assert page.status_code == 200 and "Find an applicant" in page.get_data(as_text=True)
    assert 'href="/helpdesk/"' in page.get_data(as_text=True)  # the nav link


# -- help desk cannot change applications, documents, profiles or roles -----------------------------
def _snapshot(application_id: int):
    db.session.expire_all()
    a = db.session.get(Application, application_id)
    docs = db.session.scalars(select(Document.id).where(Document.application_id == a.id)).all()
    events = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.application_id == a.id)
    )
    return (
        dict(a.answers or {}),
        a.status,
        a.version,
        a.stage,
        list(a.completed_pages or []),
        sorted(docs),
        events,
        a.assigned_officer_id,
    )


def test_help_desk_posting_to_the_applicants_wizard_changes_nothing(client, login_as):
    owner = applicant()
    draft = draft_with_errors(owner, category(), document=True)
    doc_id = db.session.scalar(select(Document.id).where(Document.application_id == draft.id))
    before = _snapshot(draft.id)
    login_as(Role.HELPDESK)
    token = _token(client)
    base = f"/applications/{draft.id}"
    attempts = [
        (f"{base}/form/business", {**GOOD_PAGES["business"], "business_name": "Diubah"}),
        (f"{base}/documents/ktp", {"file": file_upload(make_pdf(), "lain.pdf")}),
        (f"{base}/documents/{doc_id}/delete", {}),
        (f"{base}/review", {"declaration": "y", "version": "1"}),
        (f"{base}/withdraw", {"version": "1"}),
        (f"{base}/correction", {}),
    ]
    for url, data in attempts:
        response = client.post(url, data={"csrf_token": token, **data}, content_type="multipart/form-data")
        # The wizard answers another person's application as if it did not exist (404): the
        # help desk is refused exactly like any other stranger.
        assert response.status_code in (403, 404), url
    assert _snapshot(draft.id) == before


def test_help_desk_posting_to_the_back_office_gets_403_and_changes_nothing(client, login_as):
    owner = applicant()
    submitted = make_submitted(owner, category())
    doc_id = db.session.scalar(select(Document.id).where(Document.application_id == submitted.id))
    before = _snapshot(submitted.id)
    staff = login_as(Role.HELPDESK)
    token = _token(client)
    base = f"/office/applications/{submitted.id}"
    for url, data in [
        ("/office/assign", {"application_ids": str(submitted.id), "officer_id": str(staff.id)}),
        (f"{base}/claim", {}),
        (f"{base}/start", {"version": "2"}),
        (f"{base}/corrections", {"message": "x", "version": "2"}),
        (f"{base}/recommend", {"decision": "approve", "reason": "x", "version": "2"}),
        (f"{base}/decide", {"decision": "approve", "reason": "x", "version": "2"}),
        (f"{base}/documents/{doc_id}/verdict", {"verdict": "accept"}),
        (f"{base}/flags", {"key": "business_name", "reason": "x"}),
        (f"{base}/notes", {"text": "x"}),
        ("/permits/1/revoke", {"reason": "x"}),
    ]:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert _snapshot(submitted.id) == before


def test_help_desk_cannot_change_an_applicants_profile_or_roles(client, login_as):
    target = applicant(full_name="Siti Aminah")
    staff = login_as(Role.HELPDESK)
    token = _token(client)
    # The applicant page is read-only: it takes no POST at all.
    response = client.post(
        f"/helpdesk/applicants/{target.id}",
        data={"csrf_token": token, "full_name": "Diubah", "role": "admin"},
    )
    assert response.status_code == 405
    # Profile fields smuggled into the console's own forms are ignored.
    client.post(
        f"/helpdesk/applicants/{target.id}/notes",
        data={
            "csrf_token": token,
            "channel": "phone",
            "topic": "Telepon",
            "text": "Menanyakan status",
            "full_name": "Diubah",
            "email": "x@y.test",
            "roles": "admin",
            "user_id": str(staff.id),
        },
    )
    # /account edits only the logged-in person's own profile, never the applicant's.
    client.post(
        "/account",
        data={
            "csrf_token": token,
            "full_name": "Petugas Baru",
            "phone": "081234567890",
            "locale": "id",
            "user_id": str(target.id),
        },
    )
    db.session.expire_all()
    fresh = db.session.get(User, target.id)
    assert fresh.full_name == "Siti Aminah" and fresh.email == target.email
    assert {r.role for r in db.session.scalars(select(UserRole).where(UserRole.user_id == target.id))} == {
        Role.APPLICANT
    }
    assert {r.role for r in db.session.scalars(select(UserRole).where(UserRole.user_id == staff.id))} == {
        Role.HELPDESK
    }


# -- search --------------------------------------------------------------------------------------
def _search(client, q: str, kind: str = "auto", **extra):
    return client.get("/helpdesk/", query_string={"q": q, "kind": kind, "lang": "en", **extra})


def _found(response) -> list[int]:
    return [int(x) for x in re.findall(r'href="/helpdesk/applicants/(\d+)"', response.get_data(as_text=True))]


def test_search_by_email_is_exact_and_ignores_case(client, login_as):
    target = applicant(email="budi.santoso@example.test")
    applicant(email="budi.santoso2@example.test")
    login_as(Role.HELPDESK)
    assert _found(_search(client, "  Budi.Santoso@Example.TEST ")) == [target.id]
    assert _found(_search(client, "budi.santoso@example")) == []


def test_search_by_nik_is_exact_and_accepts_spaces(client, login_as):
    target = applicant(nik="6472014507900123")
    login_as(Role.HELPDESK)
    assert _found(_search(client, "6472 0145 0790 0123")) == [target.id]
    assert _found(_search(client, "647201450790012")) == []


def test_search_by_phone_accepts_any_indonesian_form(client, login_as):
    target = applicant()
    db.session.get(User, target.id).phone = "+6281299887766"
    db.session.commit()
    login_as(Role.HELPDESK)
    for typed in ("0812-9988-7766", "+62 812 9988 7766", "6281299887766"):
        assert _found(_search(client, typed)) == [target.id], typed
    assert _found(_search(client, "0812-9988-776", kind="phone")) == []


def test_search_by_tracking_number(client, login_as):
    owner = applicant()
    submitted = make_submitted(owner, category())
    login_as(Role.HELPDESK)
    assert _found(_search(client, submitted.tracking_number.lower())) == [owner.id]
    assert _found(_search(client, "SP-1999-000001")) == []


def test_search_by_part_of_the_name_ignores_case(client, login_as):
    a = applicant(full_name="Ni Made Ayu Lestari")
    b = applicant(full_name="AYU Pratiwi")
    applicant(full_name="Bambang")
    login_as(Role.HELPDESK)
    assert _found(_search(client, "ayu")) == [a.id, b.id]


def test_search_finds_applicants_only_not_staff(client, login_as):
    make_user(Role.OFFICER, full_name="Ayu Petugas")
    login_as(Role.HELPDESK, full_name="Ayu Helpdesk")
    assert _found(_search(client, "ayu", kind="name")) == []


def test_search_pages_by_keyset(client, login_as):
    ids = [applicant(full_name=f"Warga Keyset {i:02d}").id for i in range(23)]
    login_as(Role.HELPDESK)
    first = _search(client, "keyset")
    assert _found(first) == ids[:20]
    after = re.search(r"after=(\d+)", first.get_data(as_text=True)).group(1)
    assert _found(_search(client, "keyset", after=after)) == ids[20:]


def test_search_with_sql_looking_text_finds_nothing_and_does_not_fail(client, login_as):
    applicant(full_name="Budi")
    login_as(Role.HELPDESK)
    for text in ("' OR 1=1 --", "'; DROP TABLE users; --", '" OR ""="', "1) UNION SELECT"):
        for kind in services.SEARCH_KINDS:
            response = _search(client, text, kind)
            assert response.status_code == 200, (text, kind)
            assert _found(response) == []
    assert db.session.scalar(select(func.count()).select_from(User)) >= 2


def test_search_percent_sign_matches_only_itself(client, login_as):
    literal = applicant(full_name="Toko 100% Jaya")
    applicant(full_name="Toko Seratus Jaya")
    login_as(Role.HELPDESK)
    assert _found(_search(client, "%", kind="name")) == [literal.id]
    assert _found(_search(client, "0% J")) == [literal.id]


def test_search_underscore_matches_only_itself(client, login_as):
    literal = applicant(full_name="usaha_mandiri")
    applicant(full_name="usaha mandiri")
    login_as(Role.HELPDESK)
    assert _found(_search(client, "_", kind="name")) == [literal.id]
    assert _found(_search(client, "a_m")) == [literal.id]


def test_search_backslash_is_literal(client, login_as):
    applicant(full_name="Andi")
    login_as(Role.HELPDESK)
    response = _search(client, "\\", kind="name")
    assert response.status_code == 200 and _found(response) == []


@pytest.mark.parametrize("kind", services.SEARCH_KINDS)
def test_very_long_search_text_gives_an_empty_result(client, login_as, kind):
    applicant(full_name="A" * 100)
    login_as(Role.HELPDESK)
    response = _search(client, "A" * 10_000, kind)
    assert response.status_code == 200 and _found(response) == []


def test_search_with_control_characters_and_unknown_kind(client, login_as):
    target = applicant(full_name="Rina")
    login_as(Role.HELPDESK)
    response = _search(client, "Ri\x00na\u202e", kind="nonsense")
    assert response.status_code == 200 and _found(response) == [target.id]
    assert _search(client, "x", after="-1; DROP").status_code == 200


# -- the applicant page ----------------------------------------------------------------------------
def test_applicant_page_masks_nik_and_phone_and_never_shows_answers(client, login_as):
    target = applicant(nik="6472014507900456")
    draft_with_errors(target, category(), document=True)
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{target.id}?lang=en").get_data(as_text=True)
    assert "6472014507900456" not in page and "0456" in page
    assert target.phone not in page and target.phone[-3:] in page
    assert SECRET_NAME not in page and SECRET_FILE not in page
    assert "Test permit" in page and "Draft" in page


def test_applicant_page_shows_stage_completed_pages_and_latest_errors(client, login_as):
    target = applicant()
    draft = draft_with_errors(target, category())
    app_services.save_page(draft, "location", _multidict({"start_date": "2020-05-01"}), actor=target)
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{target.id}?lang=en").get_data(as_text=True)
    assert "Stage reached" in page and "Fill in the form" in page
    assert "done:</span> Location" in page  # the location page is complete
    assert "Number of employees" in page and "not a number" in page and "invalid_number" in page
    assert "Has a branch?" in page and "left empty" in page
    assert "abc" not in page  # the value typed is never stored nor shown


def _multidict(data):
    from werkzeug.datastructures import MultiDict

    return MultiDict(data)


def test_applicant_page_shows_verification_and_tutorial_progress(client, login_as):
    target = applicant(verified=False)
    tutorial = make_tutorial()
    watched(target, tutorial, seconds=30.0, chapters=("intro",))
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{target.id}?lang=en").get_data(as_text=True)
    assert "not verified" in page and "Resend verification email" in page
    assert "Upload guide" in page and "50% of the video" in page
    assert "Intro: watched" in page and "Upload the documents: not watched" in page


RAW_CODE = re.compile(
    r"\b(submit|start_review|request_correction|resubmit|revoke_permit|flag_document)\b|→|->"
)


def _timeline(page: str) -> str:
    found = re.search(r"<details class=\"mt-2\"><summary>[^<]*</summary>(.*?)</details>", page, re.S)
    assert found, "the application has no timeline"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "The applicant submitted the application.",
                "The office started checking the application.",
                "The office asked the applicant for corrections: Scan the KTP again, all four corners.",
                "The office revoked the permit: Issued by mistake.",
            ],
        ),
        (
            "id",
            [
                "Pemohon mengirim permohonan.",
                "Kantor mulai memeriksa permohonan.",
                "Kantor meminta pemohon memperbaiki permohonan: Scan the KTP again, all four corners.",
                "Kantor mencabut izin: Issued by mistake.",
            ],
        ),
    ],
)
def test_applicant_page_timeline_is_in_plain_words_not_audit_codes(client, login_as, lang, expected):
    target = applicant()
    officer = make_user(Role.OFFICER, full_name="Budi Petugas")
    application = make_submitted(target, category())
    office.start_review(application, officer, application.version)
    office.flag_field(application, officer, "business_name", "Not as in the deed")  # not shown to her
    office.request_corrections(
        application, officer, "Scan the KTP again, all four corners.", application.version
    )
    workflow.record(
        application, officer, "revoke_permit", note="Issued by mistake.", visible_to_applicant=True
    )
    db.session.commit()
    login_as(Role.HELPDESK)
    timeline = _timeline(client.get(f"/helpdesk/applicants/{target.id}?lang={lang}").get_data(as_text=True))
    for line in expected:
        assert line in timeline
    assert not RAW_CODE.search(timeline), timeline
    assert "Budi Petugas" not in timeline  # as on the applicant's own page, staff are "the office"


def test_an_officer_account_is_not_an_applicant_page(client, login_as):
    officer = make_user(Role.OFFICER)
    login_as(Role.HELPDESK)
    assert client.get(f"/helpdesk/applicants/{officer.id}").status_code == 404
    assert client.get("/helpdesk/applicants/999999").status_code == 404


def test_resend_verification_emails_an_unverified_applicant(client, login_as, outbox):
    target = applicant(verified=False)
    login_as(Role.HELPDESK)
    response = client.post(
        f"/helpdesk/applicants/{target.id}/resend-verification", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 302
    assert "/confirm-email/" in outbox.last_link(target.email, "/confirm-email/")
    assert db.session.get(User, target.id).email_verified_at is None


def test_resend_verification_for_a_verified_email_sends_nothing(client, login_as, outbox):
    target = applicant(verified=True)
    login_as(Role.HELPDESK)
    client.post(f"/helpdesk/applicants/{target.id}/resend-verification", data={"csrf_token": _token(client)})
    assert outbox.to(target.email) == []


def test_resend_verification_is_rate_limited(client, login_as, outbox):
    target = applicant(verified=False)
    login_as(Role.HELPDESK)
    token = _token(client)
    codes = [
        client.post(
            f"/helpdesk/applicants/{target.id}/resend-verification", data={"csrf_token": token}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert len(outbox.to(target.email)) == 3
    tokens = db.session.scalar(
        select(func.count()).select_from(AuthToken).where(AuthToken.user_id == target.id)
    )
    assert tokens == 3


def test_resend_verification_without_csrf_is_refused(client, login_as, outbox):
    target = applicant(verified=False)
    login_as(Role.HELPDESK)
    assert client.post(f"/helpdesk/applicants/{target.id}/resend-verification").status_code == 400
    assert outbox.to(target.email) == []


# -- sending a tutorial ----------------------------------------------------------------------------
def test_send_a_tutorial_chapter_by_email_and_notice(client, login_as, outbox):
    target = applicant(locale="en")
    tutorial = make_tutorial()
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{target.id}?lang=en").get_data(as_text=True)
    assert f'value="{tutorial.id}:upload_documents"' in page
    response = client.post(
        f"/helpdesk/applicants/{target.id}/tutorial",
        data={"csrf_token": csrf_token(page), "tutorial": f"{tutorial.id}:upload_documents"},
    )
    assert response.status_code == 302
    link = outbox.last_link(target.email, "/tutorials/")
    assert link == f"http://portal.test/tutorials/{tutorial.id}?chapter=upload_documents"
    body = outbox.body(outbox.to(target.email)[-1])
    assert "Upload guide: Upload the documents" in body
    notice = db.session.scalar(select(Notice).where(Notice.user_id == target.id))
    # The notice keeps the same target (as an absolute link or as the path on this site).
    assert link.endswith(notice.link) and "?chapter=upload_documents" in notice.link
    assert "Upload guide" in notice.text


@pytest.mark.parametrize("choice", ["{tid}:no_such_chapter", "999999:", "abc", "", "{tid}"])
def test_send_tutorial_with_a_bad_choice_sends_nothing(client, login_as, outbox, choice):
    target = applicant()
    tutorial = make_tutorial()
    login_as(Role.HELPDESK)
    response = client.post(
        f"/helpdesk/applicants/{target.id}/tutorial",
        data={"csrf_token": _token(client), "tutorial": choice.format(tid=tutorial.id)},
    )
    if choice == "{tid}":  # the whole video, no chapter: allowed
        assert response.status_code == 302
        assert outbox.last_link(target.email, "/tutorials/").endswith(f"/tutorials/{tutorial.id}")
        return
    assert response.status_code == 400
    assert outbox.to(target.email) == []
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_an_unpublished_tutorial_cannot_be_sent(client, login_as, outbox):
    target = applicant()
    tutorial = make_tutorial(published=False)
    login_as(Role.HELPDESK)
    response = client.post(
        f"/helpdesk/applicants/{target.id}/tutorial",
        data={"csrf_token": _token(client), "tutorial": f"{tutorial.id}:"},
    )
    assert response.status_code == 400 and outbox.to(target.email) == []


# -- support notes -----------------------------------------------------------------------------------
def _note(client, uid, token, **data):
    payload = {
        "csrf_token": token,
        "channel": "whatsapp",
        "topic": "Gagal unggah KTP",
        "text": "Pemohon tidak bisa unggah.\nDisarankan scan ulang.",
        **data,
    }
    return client.post(f"/helpdesk/applicants/{uid}/notes", data=payload)


def test_notes_are_listed_and_open_cases_until_resolved(client, login_as):
    target = applicant(full_name="Dewi Kartika")
    staff = login_as(Role.HELPDESK, full_name="Petugas Ani")
    token = _token(client)
    assert _note(client, target.id, token).status_code == 302
    assert (
        _note(client, target.id, token, topic="Sudah beres", channel="walk_in", resolved="y").status_code
        == 302
    )
    page = client.get(f"/helpdesk/applicants/{target.id}?lang=en").get_data(as_text=True)
    assert "Gagal unggah KTP" in page and "WhatsApp" in page and "Petugas Ani" in page
    assert "Pemohon tidak bisa unggah.<br>Disarankan scan ulang." in page
    cases = client.get("/helpdesk/cases?lang=en").get_data(as_text=True)
    assert "Dewi Kartika" in cases and "Gagal unggah KTP" in cases and "Sudah beres" not in cases
    note = db.session.scalar(select(SupportNote).where(SupportNote.topic == "Gagal unggah KTP"))
    assert note.author_id == staff.id and not note.resolved
    response = client.post(f"/helpdesk/notes/{note.id}/resolve", data={"csrf_token": token, "back": "cases"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/helpdesk/cases")
    assert "Gagal unggah KTP" not in client.get("/helpdesk/cases").get_data(as_text=True)
    db.session.refresh(note)
    assert note.resolved and note.resolved_by_id == staff.id


def test_open_cases_are_shared_by_all_help_desk_staff(client, login_as):
    target = applicant()
    other_staff = make_user(Role.HELPDESK)
    services.add_note(target, other_staff, "phone", "Lupa kata sandi", "Dijelaskan cara reset")
    login_as(Role.HELPDESK)
    assert "Lupa kata sandi" in client.get("/helpdesk/cases").get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"channel": "fax"},
        {"topic": ""},
        {"text": "   "},
        {"topic": "x" * 121},
        {"text": "x" * 4001},
    ],
    ids=["bad-channel", "no-topic", "blank-text", "long-topic", "long-text"],
)
def test_bad_notes_are_refused(client, login_as, data):
    target = applicant()
    login_as(Role.HELPDESK)
    assert _note(client, target.id, _token(client), **data).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(SupportNote)) == 0


def test_open_cases_page_by_keyset(client, login_as):
    target = applicant()
    staff = login_as(Role.HELPDESK)
    for i in range(22):
        services.add_note(target, staff, "email", f"Kasus nomor {i:02d}", "teks")
    first = client.get("/helpdesk/cases").get_data(as_text=True)
    assert "Kasus nomor 21" in first and "Kasus nomor 01" not in first
    before = re.search(r"before=(\d+)", first).group(1)
    second = client.get(f"/helpdesk/cases?before={before}").get_data(as_text=True)
    assert "Kasus nomor 01" in second and "Kasus nomor 00" in second and "Kasus nomor 21" not in second


def test_help_desk_page_has_no_inline_styles_or_scripts(client, login_as):
    target = applicant()
    draft_with_errors(target, category())
    login_as(Role.HELPDESK)
    page = client.get(f"/helpdesk/applicants/{target.id}").get_data(as_text=True)
    assert " style=" not in page and "<script>" not in page
    assert (
        db.session.scalar(select(func.count()).select_from(Application).where(Application.status == S.DRAFT))
        == 1
    )
