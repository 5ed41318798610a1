"""Issue 18's Done-when for representatives, in Chromium and in Indonesian: a business's owner
gives a consultant (biro jasa) a power of attorney on her phone; the consultant files a TDUP
application for the business with the letter of power of attorney (surat kuasa); the officer
accepts the letter (recommending before that is refused with the reason) and recommends; the
approver approves; the permit is issued to the business and its verification page names it.
Screenshots at 360x740 and 1280x800 in test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.fixtures_files import make_jpeg, make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("real_commits")]

PHONE = {"width": 360, "height": 740}
TDUP_ANSWERS = {
    "nama_pemohon": "Rudi Hartono",
    "nik": "6472011203850004",
    "alamat_pemohon": "Jl. Juanda No. 3, Samarinda",
    "no_hp": "081234567890",
    "nama_usaha": "PT Wisata Mahakam Lestari",
    "bentuk_usaha": "badan_hukum",
    "skala_usaha": "kecil",
    "nib": "9120300456781",
    "npwp": "012345678901000",
    "bidang_usaha": "daya_tarik_wisata",
    "jenis_subjenis_usaha": "Wisata susur sungai",
    "alamat_usaha": "Jl. Gajah Mada, Tepian Mahakam, Samarinda",
}


@pytest.fixture
def people(live, live_user):
    """A business's owner, a consultant, an officer and an approver (Indonesian), the TDUP
    category seeded, and the business registered with its owner."""
    from portal.auth.models import User
    from portal.business.models import Business, BusinessMember, LegalForm, MemberRole
    from portal.calendar.seed import seed_holidays
    from portal.catalogue.seed import seed_categories
    from portal.extensions import db

    unique = uuid.uuid4().hex[:6]
    owner = live_user(full_name=f"Hj. Ratna Dewi {unique}")
    consultant = live_user(full_name=f"Biro Jasa Amanah {unique}")
    officer = live_user("officer")
    approver = live_user("approver", full_name="Dra. Hj. Nurul Aini, M.Si.")
    with live.app.app_context():
        list(seed_categories())
        list(seed_holidays())
        boss = db.session.get(User, approver.id)
        boss.position, boss.rank, boss.nip = (
            "Kepala Dinas Penanaman Modal dan PTSP",
            "Pembina Utama Muda (IV/c)",
            "197001011995032001",
        )
        business = Business(
            name=f"PT Wisata Mahakam Lestari {unique}",
            legal_form=LegalForm.PT,
            nib=f"91{int(uuid.uuid4().hex[:10], 16) % 10**11:011d}",
            npwp="012345678901000",
            address="Jl. Gajah Mada, Samarinda",
            created_by_id=owner.id,
        )
        db.session.add(business)
        db.session.flush()
        db.session.add(BusinessMember(business_id=business.id, user_id=owner.id, role=MemberRole.OWNER))
        db.session.commit()
        made = (business.id, business.name)
        db.session.remove()
    return owner, consultant, officer, approver, *made


def press(page, locator) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        locator.click()


def expect_status(page, status: str) -> None:
    expect(page.locator("main dl .badge").first).to_have_class(re.compile(rf"status-{status}\b"))


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_consultant_files_tdup_for_a_business_with_a_power_of_attorney(
    live, new_context, people, tmp_path, screenshot
):
    from portal.applications.models import Application
    from portal.extensions import db
    from portal.permits.models import Permit

    owner, consultant, officer, approver, business_id, business_name = people

    # The owner, on her phone, gives the consultant a power of attorney for the business.
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    log_in(phone, owner, "/mandates")
    form = phone.locator("form.business-mandate")
    form.locator("select").select_option(str(business_id))
    form.locator('input[type="email"]').fill(consultant.email)
    press(phone, form.locator("button"))
    expect(phone.locator(".mandate-given")).to_contain_text(consultant.full_name)
    expect(phone.locator(".mandate-given")).to_contain_text(business_name)
    fits(phone)
    screenshot(phone, "owner-gives-mandate-phone", full_page=True)

    # The consultant starts a TDUP application: for whom? The business, with the power of attorney.
    desk = new_context()
    log_in(desk, consultant, "/permits/tdup")
    press(desk, desk.locator('main form[action$="/apply"] button').first)
    expect(desk).to_have_url(re.compile(r"/permits/tdup/apply/for$"))
    choice = desk.locator("main label", has_text=business_name)
    expect(choice).to_be_visible()
    screenshot(desk, "for-whom-desktop")
    choice.click()
    press(desk, desk.locator('main form button[type="submit"]'))
    expect(desk).to_have_url(re.compile(r"/applications/\d+/requirements$"))
    application_id = int(re.search(r"/applications/(\d+)", desk.url).group(1))
    with live.app.app_context():
        application = db.session.get(Application, application_id)
        assert application.holder_business_id == business_id and application.mandate_id is not None
        # The form pages are the wizard's own journey (issue 3); here they are filled in at once.
        application.answers = dict(TDUP_ANSWERS)
        application.completed_pages = ["applicant", "business"]
        db.session.commit()
        db.session.remove()

    # The documents: the power of attorney is asked for first, like any required document.
    desk.goto(f"/applications/{application_id}/documents", wait_until="domcontentloaded")
    expect(desk.locator("main")).to_contain_text("Surat kuasa")
    files = {"power_of_attorney": ("surat-kuasa.pdf", make_pdf(text="Surat kuasa"))}
    for key in ("ktp", "npwp", "nib", "dokumen_lingkungan"):
        files[key] = (f"{key}.jpg", make_jpeg())
    for key, (name, data) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        desk.locator(f"#file-{key}").set_input_files(str(path))
        expect(desk.locator("main")).to_contain_text(name)
    screenshot(desk, "documents-desktop", full_page=True)
    desk.goto(f"/applications/{application_id}/review", wait_until="domcontentloaded")
    desk.check("#declaration")
    press(desk, desk.locator('main form button[type="submit"]').last)
    expect(desk).to_have_url(re.compile(rf"/applications/{application_id}/confirmation$"))
    desk.goto(f"/applications/{application_id}", wait_until="domcontentloaded")
    expect(desk.locator(".filed-for")).to_contain_text(business_name)
    screenshot(desk, "submitted-desktop")
    with live.app.app_context():
        tracking = db.session.get(Application, application_id).tracking_number
        db.session.remove()

    # The officer: recommending before the letter is accepted is refused, with the reason.
    review_url = f"/office/applications/{application_id}"
    office = new_context()
    log_in(office, officer, review_url)
    expect(office.locator(".filed-for")).to_contain_text(business_name)
    press(office, office.locator(f'form[action="{review_url}/start"] button'))
    expect_status(office, "in_review")
    others = office.locator("#documents .card").filter(has_not_text="surat-kuasa.pdf")
    expect(others).to_have_count(4)
    for i in range(4):
        press(office, others.nth(i).locator('button[name="verdict"][value="accept"]'))
    recommend = office.locator(f'form[action="{review_url}/recommend"]')
    recommend.locator('input[value="approve"]').check()
    press(office, recommend.locator("button"))
    expect(office.locator("main")).to_contain_text("Surat kuasa belum diterima")
    expect_status(office, "in_review")
    screenshot(office, "refused-without-letter-desktop")
    # ... then accepts the letter, and recommends.
    letter_card = office.locator("#documents .card", has_text="surat-kuasa.pdf")
    press(office, letter_card.locator('button[name="verdict"][value="accept"]'))
    recommend = office.locator(f'form[action="{review_url}/recommend"]')
    recommend.locator('input[value="approve"]').check()
    press(office, recommend.locator("button"))
    press(office, office.locator(f'main form[action="{review_url}/recommend"] button.btn-primary'))
    expect_status(office, "recommended")

    # The approver approves, confirming over the summary.
    boss = new_context()
    log_in(boss, approver, review_url)
    decision = boss.locator(f'form[action="{review_url}/decide"]')
    decision.locator('input[value="approve"]').check()
    press(boss, decision.locator("button"))
    press(boss, boss.locator(f'main form[action="{review_url}/decide"] button.btn-success'))
    expect_status(boss, "approved")

    # The permit is the business's, and its verification page names it.
    with live.app.app_context():
        permit = db.session.query(Permit).filter_by(application_id=application_id).one()
        holder, token = permit.holder_name, permit.verification_token
        db.session.remove()
    assert holder == business_name
    stranger = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    stranger.goto(f"/verify/{token}", wait_until="domcontentloaded")
    expect(stranger.locator("main")).to_contain_text(business_name)
    fits(stranger)
    screenshot(stranger, "verify-names-business-phone", full_page=True)

    # The owner sees the application and its permit in her own home, on her phone.
    phone.goto("/dashboard", wait_until="domcontentloaded")
    expect(phone.locator("main")).to_contain_text(tracking or "")
    phone.goto(f"/applications/{application_id}", wait_until="domcontentloaded")
    expect(phone.locator(f'main a[href="/applications/{application_id}/permit.pdf"]')).to_be_visible()
    fits(phone)
    screenshot(phone, "owner-sees-permit-phone", full_page=True)
