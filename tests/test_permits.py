"""Permits: issued once on approval with a per-category number, the PDF certificate (text,
escaping, QR code), the public verification page, revocation, and the holder's download."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from urllib.parse import quote

import pypdf
import pypdfium2
import pytest
import segno
from sqlalchemy import func, select

from portal.applications import services, workflow
from portal.applications.models import Application, AuditEvent
from portal.applications.models import ApplicationStatus as S
from portal.auth.models import Role, User
from portal.calendar import clock
from portal.extensions import db
from portal.permits import letter
from portal.permits import services as permits
from portal.permits.models import Permit
from portal.storage import get_storage
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user
from tests.wizard_helpers import make_category

ANSWERS = {
    "business_name": "Warung Sederhana",
    "employees": 3,
    "has_branch": "no",
    "start_date": "2020-05-01",
    "capital": 1500000,
}
HOLDER = "Siti Rahmawati"
#: Where a permit's QR code points (DESIGN.md: /verify/<token> is public).
VERIFY = "/verify/"


def approve(application: Application, approver=None):
    """Take a draft through the office to APPROVED (the workflow issues the permit)."""
    officer = make_user(Role.OFFICER)
    approver = approver or make_user(Role.APPROVER, full_name="Budi Santoso")
    applicant = db.session.get(User, application.applicant_id)
    workflow.transition(application, S.SUBMITTED, applicant)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    workflow.transition(application, S.APPROVED, approver)
    db.session.commit()
    return approver


def new_application(category=None, applicant=None, answers=None) -> Application:
    applicant = applicant or make_user(Role.APPLICANT, full_name=HOLDER)
    category = category or make_category()
    application = services.start_application(applicant, category)
    application.answers = dict(ANSWERS if answers is None else answers)
    db.session.commit()
    return application


@pytest.fixture
def issued():
    """An approved application with its permit; returns (permit, application)."""
    application = new_application()
    approve(application)
    return permits.permit_for_application(application.id), application


def pdf_text(permit: Permit) -> str:
    with get_storage().open(permit.pdf_key) as stream:
        reader = pypdf.PdfReader(io.BytesIO(stream.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def second_category(slug: str, code: str):
    category = make_category(slug=slug)
    category.code = code
    db.session.commit()
    return category


# -- issuing ---------------------------------------------------------------------------------------
def test_approval_issues_exactly_one_permit_numbered_by_the_category_pattern(issued):
    permit, application = issued
    year = clock.office_today().year
    assert permit.number == f"503/TST/DPMPTSP/{year}/00001"
    assert permit.holder_name == HOLDER
    assert permit.category_id == application.category_id
    assert permit.approved_by_id is not None
    assert permit.revoked_at is None
    assert len(permit.verification_token) >= 32
    assert get_storage().exists(permit.pdf_key)
    assert (
        db.session.scalar(
            select(func.count()).select_from(Permit).where(Permit.application_id == application.id)
        )
        == 1
    )


def test_each_category_has_its_own_sequence():
    first, other = make_category(slug="cat-a"), second_category("cat-b", "ABC")
    numbers = []
    for category in (first, first, other):
        application = new_application(category)
        approve(application)
        numbers.append(permits.permit_for_application(application.id).number)
    year = clock.office_today().year
    assert numbers == [
        f"503/TST/DPMPTSP/{year}/00001",
        f"503/TST/DPMPTSP/{year}/00002",
        f"503/ABC/DPMPTSP/{year}/00001",
    ]


def test_a_custom_pattern_is_used():
    category = make_category(permit_number_pattern="IZN-{code}-{year}-{seq:04}")
    application = new_application(category)
    approve(application)
    assert permits.permit_for_application(application.id).number == (
        f"IZN-TST-{clock.office_today().year}-0001"
    )


def test_issuing_twice_returns_the_same_permit(issued):
    permit, application = issued
    again = permits.issue_permit(application, make_user(Role.APPROVER))
    assert again.id == permit.id
    assert again.number == permit.number
    assert db.session.scalar(select(func.count()).select_from(Permit)) == 1


def test_no_permit_for_an_application_that_is_not_approved():
    application = new_application()
    with pytest.raises(permits.PermitError):
        permits.issue_permit(application, make_user(Role.APPROVER))
    assert permits.permit_for_application(application.id) is None


def test_validity_follows_the_category():
    twelve = make_category(slug="twelve", validity_months=12)
    forever = second_category("forever", "FRV")
    a, b = new_application(twelve), new_application(forever)
    approve(a)
    approve(b)
    today = clock.office_today()
    assert permits.permit_for_application(a.id).valid_until == permits.add_months(today, 12)
    assert permits.permit_for_application(b.id).valid_until is None


def test_add_months_keeps_to_the_end_of_a_short_month():
    assert permits.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert permits.add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)
    assert permits.add_months(date(2026, 3, 1), 24) == date(2028, 3, 1)


def test_a_rolled_back_approval_leaves_neither_a_permit_nor_a_file():
    application = new_application()
    officer, approver = make_user(Role.OFFICER), make_user(Role.APPROVER)
    applicant = db.session.get(User, application.applicant_id)
    workflow.transition(application, S.SUBMITTED, applicant)
    workflow.transition(application, S.IN_REVIEW, officer)
    workflow.transition(application, S.RECOMMENDED, officer)
    db.session.commit()
    workflow.transition(application, S.APPROVED, approver)
    key = permits.permit_for_application(application.id).pdf_key
    assert get_storage().exists(key)
    db.session.rollback()
    assert permits.permit_for_application(application.id) is None
    assert not get_storage().exists(key)
    assert db.session.get(Application, application.id).status is S.RECOMMENDED


@pytest.mark.parametrize(
    "pattern",
    [
        "{code.__class__}/{year}/{seq}",
        "{code}/{seq}",
        "{year}/{seq}",
        "{code}/{year}",
        "{code}/{year}/{seq!r}",
        "{code}/{year}/{seq:>999}",
        "{code}/{year}/{seq",
        "{0}{code}{year}{seq}",
    ],
)
def test_unusable_number_patterns_are_reported(pattern):
    assert permits.validate_number_pattern(pattern)


def test_an_unusable_pattern_falls_back_to_the_default(app):
    number = permits.format_permit_number(
        "{code.__init__.__globals__}", code="TST", year=2026, month=5, seq=7
    )
    assert number == "503/TST/DPMPTSP/2026/00007"


# -- the certificate -------------------------------------------------------------------------------
def test_certificate_holds_number_holder_details_and_link(issued):
    permit, application = issued
    text = pdf_text(permit)
    assert permit.number in text
    assert HOLDER in text
    assert "Warung Sederhana" in text
    assert "Budi Santoso" in text  # the approver
    assert application.tracking_number in text
    assert f"http://portal.test{VERIFY}{permit.verification_token}" in text


def test_certificate_prints_markup_in_answers_literally():
    application = new_application(
        answers={**ANSWERS, "business_name": "<script>alert(1)</script> <b>X</b> &"}
    )
    approve(application)
    text = pdf_text(permits.permit_for_application(application.id))
    assert "<script>alert(1)</script> <b>X</b> &" in text


def test_certificate_prints_markup_in_the_holder_name_literally():
    applicant = make_user(Role.APPLICANT, full_name="<b>Ani</b> <font size=99>Wati")
    application = new_application(applicant=applicant)
    approve(application)
    assert "<b>Ani</b> <font size=99>Wati" in pdf_text(permits.permit_for_application(application.id))


def test_certificate_masks_the_nik(issued):
    permit, application = issued
    nik = db.session.get(User, application.applicant_id).nik
    text = pdf_text(permit)
    assert nik not in text
    assert permits.mask_nik(nik) in text


def test_certificate_qr_code_encodes_the_verification_link(issued):
    """The QR code as printed (the page rendered as a reader sees it) is the code of the
    verification link, whichever of the eight masks it was drawn with."""
    permit, _ = issued
    with get_storage().open(permit.pdf_key) as stream:
        pdf = pypdfium2.PdfDocument(stream.read())
    scale = 6  # pixels per PDF point
    page = pdf[0].render(scale=scale).to_pil().convert("L")
    left, top = letter.MARGIN * scale, (letter.PAGE_H - letter.BLOCK_TOP) * scale
    size = letter.QR_SIZE * scale
    url = f"http://portal.test{VERIFY}{permit.verification_token}"
    count = len(segno.make(url, error="m").matrix) + 8  # with the quiet zone of 4 modules
    module = size / count
    seen = [
        [
            page.getpixel((int(left + (c + 0.5) * module), int(top + (r + 0.5) * module))) < 128
            for c in range(count)
        ]
        for r in range(count)
    ]
    masks = [
        [[bool(v) for v in row] for row in segno.make(url, error="m", mask=m).matrix_iter(scale=1, border=4)]
        for m in range(8)
    ]
    assert seen in masks


def test_certificate_is_a_valid_a4_pdf(issued):
    permit, _ = issued
    with get_storage().open(permit.pdf_key) as stream:
        reader = pypdf.PdfReader(io.BytesIO(stream.read()))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# -- masking ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Siti Rahmawati", "Siti R*******i"),
        ("Muhammad Rizky Pratama", "Muhammad R***y P*****a"),
        ("Sukarno", "S*****o"),
        ("Ni Luh Ayu", "Ni L*h A*u"),
        ("Budi Al", "Budi A*"),
        ("", ""),
    ],
)
def test_names_are_partly_masked(name, masked):
    assert permits.mask_name(name) == masked
    if name:
        assert permits.mask_name(name) != name


# -- the public verification page ------------------------------------------------------------------
def test_verify_shows_a_valid_permit_without_login(client, issued):
    permit, application = issued
    response = client.get(f"{VERIFY}{permit.verification_token}?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "VALID" in html
    assert "REVOKED" not in html
    assert "EXPIRED" not in html
    assert permit.number in html
    assert "Test permit" in html  # the category in the page's language
    assert "Siti R*******i" in html
    assert HOLDER not in html
    assert "Rahmawati" not in html
    nik = db.session.get(User, application.applicant_id).nik
    assert nik not in html
    assert nik[-6:] not in html
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_verify_shows_an_expired_permit(client, issued):
    permit, _ = issued
    permit.valid_until = clock.office_today() - timedelta(days=1)
    db.session.commit()
    html = client.get(f"{VERIFY}{permit.verification_token}?lang=en").get_data(as_text=True)
    assert "EXPIRED" in html
    assert "permit-state-expired" in html


def test_verify_is_valid_on_the_last_day(client, issued):
    permit, _ = issued
    permit.valid_until = clock.office_today()
    db.session.commit()
    html = client.get(f"{VERIFY}{permit.verification_token}?lang=en").get_data(as_text=True)
    assert "permit-state-valid" in html


def test_verify_shows_a_revoked_permit_with_date_and_reason(client, login_as, issued):
    permit, _ = issued
    login_as(Role.APPROVER)
    page = client.get(f"/permits/{permit.id}").get_data(as_text=True)
    response = client.post(
        f"/permits/{permit.id}/revoke", data={"csrf_token": csrf_token(page), "reason": "Lokasi tidak sesuai"}
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    html = client.get(f"{VERIFY}{permit.verification_token}?lang=en").get_data(as_text=True)
    assert "REVOKED" in html
    assert "permit-state-revoked" in html
    assert "Lokasi tidak sesuai" in html


def test_verify_shows_the_status_in_both_languages(client, issued):
    permit, _ = issued
    html = client.get(f"{VERIFY}{permit.verification_token}?lang=id").get_data(as_text=True)
    assert 'lang="id"' in html
    assert 'lang="en"' in html
    assert "VALID" in html


def _normalised_404(response) -> str:
    """The 404 page without what base.html varies per request (CSRF token, own path in forms,
    in the language links and in the head's canonical, alternate and og:url addresses)."""
    html = response.get_data(as_text=True)
    html = re.sub(r'<link rel="(canonical|alternate)"[^>]*>', "", html)
    html = re.sub(r'<meta property="og:url"[^>]*>', "", html)
    # Links that carry the page's own address (a "report a problem with this page" link).
    path = response.request.path
    for form in sorted({path, quote(path, safe=""), quote(path)}, key=len, reverse=True):
        html = html.replace(form, "")
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r'name="next" value="[^"]*"', "", html)
    return re.sub(r'next=[^"&]*', "", html)  # the language links return to this page


def test_unknown_and_malformed_tokens_get_the_same_not_found_page(client, issued):
    permit, _ = issued
    unknown = client.get(VERIFY + "A" * 43)
    wrong_by_one = client.get(
        VERIFY + permit.verification_token[:-1] + ("B" if permit.verification_token[-1] != "B" else "C")
    )
    malformed = [
        client.get(VERIFY + bad)
        for bad in (
            "../../etc/passwd",
            "..%2F..%2Fetc",
            "x" * 500,
            "%00",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            permit.verification_token + "x",
        )
    ]
    for response in (unknown, wrong_by_one, *malformed):
        assert response.status_code == 404
        assert _normalised_404(response) == _normalised_404(unknown)
        assert permit.number not in response.get_data(as_text=True)


def test_verify_is_rate_limited_per_address(client, issued):
    permit, _ = issued
    codes = [client.get(f"{VERIFY}{permit.verification_token}").status_code for _ in range(31)]
    assert codes[:30] == [200] * 30
    assert codes[30] == 429


def test_verification_link_uses_the_configured_address_not_the_host(client, issued):
    permit, _ = issued
    assert permits.verify_url(permit.verification_token).startswith("http://portal.test" + VERIFY)
    text = pdf_text(permit)
    assert "evil.example" not in text


# -- revocation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.OFFICER, Role.APPLICANT, Role.HELPDESK, Role.ADMIN])
def test_only_approvers_may_revoke(client, login_as, issued, role):
    permit, _ = issued
    login_as(role)
    token = csrf_token(client.get("/dashboard" if role is Role.APPLICANT else "/").get_data(as_text=True))
    response = client.post(f"/permits/{permit.id}/revoke", data={"csrf_token": token, "reason": "Tidak sah"})
    assert response.status_code == 403
    assert client.get(f"/permits/{permit.id}").status_code == 403
    db.session.refresh(permit)
    assert permit.revoked_at is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "revoke_permit")
        )
        == 0
    )


def test_the_holder_cannot_revoke_their_own_permit_in_the_service(issued):
    permit, application = issued
    owner = db.session.get(User, application.applicant_id)
    with pytest.raises(permits.PermitError):
        permits.revoke_permit(permit, owner, "mine")
    assert permit.revoked_at is None


def test_revoking_needs_a_reason(client, login_as, issued):
    permit, _ = issued
    login_as(Role.APPROVER)
    for reason in ("", "   \n  "):
        page = client.get(f"/permits/{permit.id}?lang=en").get_data(as_text=True)
        response = client.post(
            f"/permits/{permit.id}/revoke", data={"csrf_token": csrf_token(page), "reason": reason}
        )
        assert response.status_code == 400
        assert "Give the reason for revoking the permit." in response.get_data(as_text=True)
    db.session.refresh(permit)
    assert permit.revoked_at is None
    with pytest.raises(permits.PermitError):
        permits.revoke_permit(permit, make_user(Role.APPROVER), "  ")


def test_revoking_without_csrf_token_is_refused(client, login_as, issued):
    permit, _ = issued
    login_as(Role.APPROVER)
    response = client.post(f"/permits/{permit.id}/revoke", data={"reason": "Tidak sah"})
    assert response.status_code == 400
    db.session.refresh(permit)
    assert permit.revoked_at is None


def test_revoking_writes_an_audit_event_the_applicant_sees(issued):
    permit, application = issued
    approver = make_user(Role.APPROVER)
    permits.revoke_permit(permit, approver, "Izin dipindahtangankan")
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "revoke_permit"))
    assert (event.application_id, event.actor_id, event.note, event.visible_to_applicant) == (
        application.id,
        approver.id,
        "Izin dipindahtangankan",
        True,
    )
    assert permit.revoked_by_id == approver.id
    assert permit.revocation_reason == "Izin dipindahtangankan"


def test_a_permit_is_revoked_once(issued):
    permit, _ = issued
    approver = make_user(Role.APPROVER)
    permits.revoke_permit(permit, approver, "Pertama")
    with pytest.raises(permits.PermitError):
        permits.revoke_permit(permit, approver, "Kedua")
    assert permit.revocation_reason == "Pertama"


def test_revoking_an_unknown_permit_is_404(client, login_as):
    login_as(Role.APPROVER)
    token = csrf_token(client.get("/").get_data(as_text=True))
    assert client.post("/permits/999999/revoke", data={"csrf_token": token, "reason": "x"}).status_code == 404


# -- the holder's download -------------------------------------------------------------------------
def test_the_holder_downloads_the_certificate(client, issued):
    from tests.conftest import login

    permit, application = issued
    owner = db.session.get(User, application.applicant_id)
    assert login(client, owner.email).status_code == 302
    page = client.get(f"/applications/{application.id}?lang=en").get_data(as_text=True)
    assert "Download the permit document" in page
    assert f"/applications/{application.id}/permit.pdf" in page
    response = client.get(f"/applications/{application.id}/permit.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    safe_number = permit.number.replace("/", "-")
    assert disposition.startswith("attachment;")
    assert f'filename="Izin-{safe_number}.pdf"' in disposition
    assert response.get_data().startswith(b"%PDF")


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.OFFICER, Role.APPROVER])
def test_nobody_else_downloads_the_certificate(client, login_as, issued, role):
    _, application = issued
    login_as(role)
    assert client.get(f"/applications/{application.id}/permit.pdf").status_code == 404


def test_no_download_before_approval(client, login_as):
    owner = login_as(Role.APPLICANT)
    application = new_application(applicant=owner)
    assert client.get(f"/applications/{application.id}/permit.pdf").status_code == 404
    page = client.get(f"/applications/{application.id}?lang=en").get_data(as_text=True)
    assert "Download the permit document" not in page


def test_the_approver_sees_the_permit_page_and_its_certificate(client, login_as, issued):
    permit, _ = issued
    login_as(Role.APPROVER)
    html = client.get(f"/permits/{permit.id}?lang=en").get_data(as_text=True)
    assert permit.number in html
    assert "Revoke the permit" in html
    response = client.get(f"/permits/{permit.id}/certificate.pdf")
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("id", "Kantor mencabut izin: Izin dipindahtangankan"), ("en", "The office revoked the permit")],
)
def test_the_holder_reads_a_revocation_in_plain_words_on_her_application_page(client, issued, lang, said):
    permit, application = issued
    permits.revoke_permit(permit, make_user(Role.APPROVER), "Izin dipindahtangankan")
    db.session.commit()
    holder = db.session.get(User, application.applicant_id)
    assert login(client, holder.email, DEFAULT_PASSWORD).status_code == 302
    html = client.get(f"/applications/{application.id}?lang={lang}").get_data(as_text=True)
    history = html.split('class="timeline', 1)[1].split("</ol>", 1)[0]
    assert "revoke_permit" not in history
    assert said in history
