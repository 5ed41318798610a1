"""Representatives (kuasa): a representative files for a principal with a power of attorney that
the office accepts or flags; the principal sees the application and may revoke the mandate, which
ends the representative's access from the next request. Hostile inputs of issue 18, item 2."""

from __future__ import annotations

import io
import itertools

import pypdf
import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.applications import services as app_services
from portal.applications.models import Application, Document, DocumentState, Mandate
from portal.applications.models import ApplicationStatus as S
from portal.applications.services import mandates
from portal.auth.models import Role, User
from portal.backoffice import services as office
from portal.business.models import Business, BusinessMember, LegalForm, MemberRole
from portal.catalogue.models import HolderKind
from portal.extensions import db
from portal.notifications.models import Notice
from tests.conftest import DEFAULT_PASSWORD, csrf_token, login, make_user, post_form
from tests.factories import VALID_ANSWERS, add_document, make_category
from tests.fixtures_files import make_jpeg, make_pdf
from tests.wizard_helpers import file_upload

POA = mandates.POA_KEY


@pytest.fixture
def category():
    return make_category()


def _mandate(representative: User, principal: User) -> Mandate:
    mandate = mandates.add_mandate(representative, principal.email)
    db.session.commit()
    return mandate


def _filed(representative: User, principal: User, category, *, submit: bool = True) -> Application:
    """An application the representative filed for the principal, with the KTP and the letter."""
    mandate = _mandate(representative, principal)
    application = app_services.start_application(representative, category, mandate)
    application.answers = dict(VALID_ANSWERS)
    application.completed_pages = ["business", "location"]
    db.session.commit()
    add_document(application)
    add_document(application, POA, name="surat-kuasa.pdf")
    if submit:
        app_services.submit(application, representative, declaration=True)
    return application


def _poa(application: Application) -> Document:
    return db.session.scalars(
        select(Document).where(Document.application_id == application.id, Document.requirement_key == POA)
    ).one()


def _in_review(application: Application) -> User:
    officer = make_user(Role.OFFICER)
    office.start_review(application, officer, application.version)
    db.session.commit()
    return officer


# -- giving a mandate --------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["{email}", "  {upper}  ", "{upper}"])
def test_a_person_cannot_represent_themselves(client, login_as, spelling):
    me = login_as(Role.APPLICANT, locale="en")
    typed = spelling.format(email=me.email, upper=me.email.upper())
    response = post_form(client, "/mandates?lang=en", {"principal_email": typed})
    assert response.status_code == 400
    assert "You cannot represent yourself" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 0


def test_the_database_refuses_a_mandate_to_oneself(app):
    me = make_user(Role.APPLICANT)
    db.session.add(Mandate(representative_id=me.id, principal_user_id=me.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("typed", ["nobody@example.test", "", "not an email"])
def test_the_principal_must_have_an_account(client, login_as, typed):
    login_as(Role.APPLICANT, locale="en")
    response = post_form(client, "/mandates?lang=en", {"principal_email": typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "register on the portal" in page or "Enter the email address" in page or "Invalid" in page
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 0


def test_a_staff_account_cannot_be_a_principal(client, login_as):
    officer = make_user(Role.OFFICER)
    login_as(Role.APPLICANT, locale="en")
    response = post_form(client, "/mandates?lang=en", {"principal_email": officer.email})
    assert response.status_code == 400
    assert "staff accounts cannot give" in response.get_data(as_text=True)


def test_representative_files_for_the_principal_who_sees_it_and_is_told(client, app, login_as, category):
    principal = make_user(Role.APPLICANT, full_name="Siti Pemberi Kuasa")
    rep = login_as(Role.APPLICANT, full_name="Budi Penerima Kuasa")
    assert post_form(client, "/mandates", {"principal_email": principal.email}).status_code == 302
    notice = db.session.scalar(select(Notice).where(Notice.user_id == principal.id))
    assert notice is not None and "Budi Penerima Kuasa" in notice.text
    # Starting an application now asks for whom.
    response = post_form(client, f"/permits/{category.slug}/apply", {}, page=f"/permits/{category.slug}")
    assert response.headers["Location"].endswith(f"/permits/{category.slug}/apply/for")
    page = client.get(f"/permits/{category.slug}/apply/for").get_data(as_text=True)
    assert "Siti Pemberi Kuasa" in page
    mandate = db.session.scalar(select(Mandate).where(Mandate.representative_id == rep.id))
    response = post_form(client, f"/permits/{category.slug}/apply/for", {"for": str(mandate.id)})
    application = db.session.scalar(select(Application).where(Application.applicant_id == rep.id))
    assert application.mandate_id == mandate.id
    # The letter of power of attorney is a required document of it.
    documents_page = client.get(f"/applications/{application.id}/documents").get_data(as_text=True)
    assert "Surat kuasa" in documents_page
    application.answers = dict(VALID_ANSWERS)
    application.completed_pages = ["business", "location"]
    db.session.commit()
    add_document(application)
    with pytest.raises(app_services.MissingItems) as missing:
        app_services.submit(application, rep, declaration=True)
    assert POA in missing.value.missing.documents
    add_document(application, POA, name="surat-kuasa.pdf")
    app_services.submit(application, rep, declaration=True)
    db.session.commit()
    # The principal sees it in her own home, and was told of the submission.
    principal_client = app.test_client()
    assert login(principal_client, principal.email).status_code == 302
    home = principal_client.get("/dashboard").get_data(as_text=True)
    assert f"/applications/{application.id}" in home
    assert principal_client.get(f"/applications/{application.id}").status_code == 200
    texts = [n.text for n in db.session.scalars(select(Notice).where(Notice.user_id == principal.id))]
    assert any(application.tracking_number in t for t in texts)
    # ... but cannot edit it (the representative files; the principal revokes).
    assert principal_client.get(f"/applications/{application.id}/documents").status_code == 404


# -- the office and the letter ---------------------------------------------------------------
def test_deciding_with_an_unaccepted_power_of_attorney_is_refused(client, category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category)
    officer = _in_review(application)
    ktp = db.session.scalars(
        select(Document).where(Document.application_id == application.id, Document.requirement_key == "ktp")
    ).one()
    office.set_document_verdict(application, ktp.id, officer, True, version=application.version)
    db.session.commit()
    assert login(client, officer.email).status_code == 302
    token = csrf_token(client.get(f"/office/applications/{application.id}").get_data(as_text=True))
    response = client.post(
        f"/office/applications/{application.id}/recommend?lang=en",
        data={"csrf_token": token, "version": application.version, "decision": "approve"},
        follow_redirects=True,
    )
    assert "power of attorney (surat kuasa) is not accepted" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.status is S.IN_REVIEW
    # Accepted: the recommendation goes through.
    office.set_document_verdict(application, _poa(application).id, officer, True, version=application.version)
    office.recommend(application, officer, "approve", "", application.version)
    db.session.commit()
    assert application.status is S.RECOMMENDED


def test_the_approver_cannot_approve_when_the_letter_is_not_accepted(category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category)
    officer = _in_review(application)
    for document in db.session.scalars(select(Document).where(Document.application_id == application.id)):
        document.state = DocumentState.ACCEPTED
    db.session.commit()
    office.recommend(application, officer, "approve", "", application.version)
    db.session.commit()
    # The letter is replaced after the recommendation (here: set back by hand).
    _poa(application).state = DocumentState.PENDING
    db.session.commit()
    approver = make_user(Role.APPROVER)
    with force_locale("en"), pytest.raises(office.BackofficeError, match="power of attorney"):
        office.decide(application, approver, "approve", "", application.version)
    db.session.refresh(application)
    assert application.status is S.RECOMMENDED


def test_a_flagged_power_of_attorney_must_be_replaced_before_resubmitting(category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category)
    officer = _in_review(application)
    office.set_document_verdict(
        application, _poa(application).id, officer, False, "Tidak bermeterai", version=application.version
    )
    office.request_corrections(application, officer, "Surat kuasa harus bermeterai", application.version)
    db.session.commit()
    assert application.status is S.NEEDS_CORRECTION
    with force_locale("en"), pytest.raises(mandates.MandateError, match="flagged the power of attorney"):
        app_services.resubmit(application, rep)
    db.session.rollback()
    db.session.refresh(application)
    assert application.status is S.NEEDS_CORRECTION
    # Re-uploading the other document does not help; a new letter does.
    add_document(application, POA, name="surat-kuasa-baru.pdf")
    db.session.delete(_flagged_poa(application))
    db.session.commit()
    app_services.resubmit(application, rep)
    db.session.commit()
    assert application.status is S.RESUBMITTED


def _flagged_poa(application: Application) -> Document:
    return db.session.scalars(
        select(Document).where(
            Document.application_id == application.id,
            Document.requirement_key == POA,
            Document.state == DocumentState.FLAGGED,
        )
    ).one()


def test_a_flagged_letter_refuses_the_submit_too(category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category, submit=False)
    _poa(application).state = DocumentState.FLAGGED  # a letter reused from an earlier round
    db.session.commit()
    with force_locale("en"), pytest.raises(mandates.MandateError, match="Upload a new letter"):
        app_services.submit(application, rep, declaration=True)
    db.session.rollback()
    db.session.refresh(application)
    assert application.status is S.DRAFT and application.tracking_number is None


# -- revocation and access -------------------------------------------------------------------
def test_a_revoked_mandate_used_from_an_open_session(app, client, category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category)
    draft = _filed_again(rep, principal, category)
    document = _poa(application)
    assert login(client, rep.email).status_code == 302
    urls = [
        f"/applications/{application.id}",
        f"/applications/{application.id}/documents/{document.id}/download",
        f"/applications/{application.id}/receipt.pdf",
        f"/applications/{draft.id}/requirements",
        f"/applications/{draft.id}/documents",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()
    principal_client = app.test_client()
    assert login(principal_client, principal.email).status_code == 302
    mandate_id = application.mandate_id
    response = post_form(principal_client, f"/mandates/{mandate_id}/revoke", {}, page="/mandates")
    assert response.status_code == 302
    # The representative's open session: every page, file and post is gone from the next request.
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    token = csrf_token(client.get("/dashboard").get_data(as_text=True))
    response = client.post(
        f"/applications/{draft.id}/form/business", data={"csrf_token": token, "business_name": "Ganti"}
    )
    assert response.status_code == 404
    response = client.post(
        f"/permits/{category.slug}/apply/for", data={"csrf_token": token, "for": mandate_id}
    )
    assert response.status_code == 404
    assert f"/applications/{application.id}" not in client.get("/dashboard").get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.answers.get("business_name") == VALID_ANSWERS["business_name"]
    # The principal keeps seeing what was filed for her.
    assert principal_client.get(f"/applications/{application.id}").status_code == 200


def _filed_again(rep: User, principal: User, category) -> Application:
    """A second application (a draft) under the same mandate, of another category."""
    other = make_category("izin-lain")
    mandate = db.session.scalar(select(Mandate).where(Mandate.representative_id == rep.id))
    draft = app_services.start_application(rep, other, mandate)
    draft.answers = dict(VALID_ANSWERS)
    db.session.commit()
    return draft


def test_a_representative_cannot_open_another_principals_application(app, client, category):
    p1, p2 = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    rep, other_rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    _filed(rep, p1, category)
    theirs = _filed(other_rep, p2, category)
    document = _poa(theirs)
    assert login(client, rep.email).status_code == 302
    for url in (
        f"/applications/{theirs.id}",
        f"/applications/{theirs.id}/documents",
        f"/applications/{theirs.id}/documents/{document.id}/download",
        f"/applications/{theirs.id}/receipt.pdf",
        f"/applications/{theirs.id}/permit.pdf",
    ):
        assert client.get(url).status_code == 404, url
    # The list filtered by a principal she does not represent shows none of theirs.
    page = client.get(f"/mandates?principal={theirs.mandate_id}").get_data(as_text=True)
    assert f'/applications/{theirs.id}"' not in page
    token = csrf_token(page)
    response = client.post(
        f"/permits/{category.slug}/apply/for", data={"csrf_token": token, "for": theirs.mandate_id}
    )
    assert response.status_code == 404
    # Nor may she revoke their mandate.
    assert client.post(f"/mandates/{theirs.mandate_id}/revoke", data={"csrf_token": token}).status_code == 404
    assert db.session.get(Mandate, theirs.mandate_id).revoked_at is None
    # The other principal cannot open it either.
    p1_client = app.test_client()
    assert login(p1_client, p1.email).status_code == 302
    assert p1_client.get(f"/applications/{theirs.id}").status_code == 404


def test_a_consultant_lists_the_applications_of_all_principals_by_principal(client, category):
    consultant = make_user(Role.APPLICANT)
    p1 = make_user(Role.APPLICANT, full_name="Klien Pertama")
    p2 = make_user(Role.APPLICANT, full_name="Klien Kedua")
    first = _filed(consultant, p1, category)
    second = _filed(consultant, p2, category)
    assert login(client, consultant.email).status_code == 302
    assert (
        post_form(client, "/mandates/consultant", {"is_consultant": "y"}, page="/mandates").status_code == 302
    )
    db.session.refresh(consultant)
    assert consultant.is_consultant
    page = client.get("/mandates").get_data(as_text=True)
    assert f'/applications/{first.id}"' in page and f'/applications/{second.id}"' in page
    page = client.get(f"/mandates?principal={second.mandate_id}").get_data(as_text=True)
    assert f'/applications/{first.id}"' not in page and f'/applications/{second.id}"' in page
    assert client.get("/mandates?principal=abc").status_code == 200


def test_the_permit_is_issued_to_the_principal(category):
    principal = make_user(Role.APPLICANT, full_name="Siti Pemegang Izin")
    rep = make_user(Role.APPLICANT, full_name="Budi Perantara")
    application = _filed(rep, principal, category)
    officer = _in_review(application)
    for document in db.session.scalars(select(Document).where(Document.application_id == application.id)):
        document.state = DocumentState.ACCEPTED
    db.session.commit()
    office.recommend(application, officer, "approve", "", application.version)
    office.decide(application, make_user(Role.APPROVER), "approve", "", application.version)
    db.session.commit()
    assert application.permit.holder_name == "Siti Pemegang Izin"


def test_my_data_lists_the_mandates_given_and_held(app, client, category):
    principal = make_user(Role.APPLICANT, full_name="Siti Pemberi")
    rep = make_user(Role.APPLICANT, full_name="Budi Penerima")
    application = _filed(rep, principal, category)
    mandates.revoke(application.mandate_id, principal)
    db.session.commit()
    assert login(client, rep.email).status_code == 302
    held = client.get("/account/data/export.json").get_json()["mandates_held"]
    assert held == [
        {
            "principal": "Siti Pemberi",
            "principal_email": principal.email,
            "given_at": held[0]["given_at"],
            "revoked_at": held[0]["revoked_at"],
            "applications": [application.tracking_number],
        }
    ]
    assert held[0]["revoked_at"] is not None
    principal_client = app.test_client()
    assert login(principal_client, principal.email).status_code == 302
    data = principal_client.get("/account/data/export.json").get_json()
    assert [m["representative"] for m in data["mandates_given"]] == ["Budi Penerima"]
    assert data["mandates_held"] == []


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(response.data)).pages
    )


@pytest.mark.parametrize(
    ("lang", "given", "held", "revoked"),
    [
        ("en", "Powers of attorney I gave", "Powers of attorney I hold", "revoked on"),
        ("id", "Surat kuasa yang saya berikan", "Surat kuasa yang saya pegang", "dicabut pada"),
    ],
)
def test_the_my_data_pdf_lists_the_mandates_given_and_held(app, client, category, lang, given, held, revoked):
    principal = make_user(Role.APPLICANT, full_name="Siti Pemberi", locale=lang)
    rep = make_user(Role.APPLICANT, full_name="Budi Penerima", locale=lang)
    application = _filed(rep, principal, category)
    mandates.revoke(application.mandate_id, principal)
    db.session.commit()
    assert login(client, rep.email).status_code == 302
    text = _pdf_text(client.get(f"/account/data/export.pdf?lang={lang}"))
    assert held in text and "Siti Pemberi" in text and principal.email in text
    assert application.tracking_number in text and revoked in text.lower()
    principal_client = app.test_client()
    assert login(principal_client, principal.email).status_code == 302
    text = _pdf_text(principal_client.get(f"/account/data/export.pdf?lang={lang}"))
    assert given in text and "Budi Penerima" in text and rep.email in text
    assert application.tracking_number in text


def test_a_principal_cannot_close_her_account_while_an_application_for_her_is_in_review(client, category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    application = _filed(rep, principal, category)
    assert login(client, principal.email).status_code == 302
    response = post_form(
        client, "/account/data/close?lang=en", {"password": DEFAULT_PASSWORD}, page="/account/data?lang=en"
    )
    assert response.status_code == 409
    assert application.tracking_number in response.get_data(as_text=True)
    db.session.refresh(principal)
    assert principal.is_active_account


def test_closing_an_account_revokes_its_mandates(client, category):
    principal, rep = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    mandate = _mandate(rep, principal)
    assert login(client, principal.email).status_code == 302
    response = post_form(
        client, "/account/data/close?lang=en", {"password": DEFAULT_PASSWORD}, page="/account/data?lang=en"
    )
    assert response.status_code == 302
    db.session.refresh(mandate)
    assert mandate.revoked_at is not None


@pytest.mark.parametrize(
    ("data", "name", "ctype"),
    [(make_pdf(), "surat-kuasa.pdf", "application/pdf"), (make_jpeg(), "kuasa.jpg", "image/jpeg")],
)
def test_the_representative_uploads_the_letter_as_a_pdf_or_a_photo(
    client, login_as, category, data, name, ctype
):
    principal = make_user(Role.APPLICANT)
    rep = login_as(Role.APPLICANT)
    application = app_services.start_application(rep, category, _mandate(rep, principal))
    db.session.commit()
    token = csrf_token(client.get(f"/applications/{application.id}/documents").get_data(as_text=True))
    response = client.post(
        f"/applications/{application.id}/documents/{POA}",
        data={"csrf_token": token, "file": file_upload(data, name, ctype)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert _poa(application).original_name == name


# -- a business as principal -------------------------------------------------------------------
def _business(owner: User, *, name: str = "PT Wisata Mahakam", staff: User | None = None) -> Business:
    business = Business(
        name=name,
        legal_form=LegalForm.PT,
        nib=f"{next(_nibs):013d}",
        npwp="012345678901000",
        address="Jl. Pahlawan 1, Samarinda",
        created_by_id=owner.id,
    )
    db.session.add(business)
    db.session.flush()
    db.session.add(BusinessMember(business_id=business.id, user_id=owner.id, role=MemberRole.OWNER))
    if staff is not None:
        db.session.add(BusinessMember(business_id=business.id, user_id=staff.id, role=MemberRole.STAFF))
    db.session.commit()
    return business


_nibs = itertools.count(9_100_000_000_001)


def _give(client, business: Business, email: str):
    return post_form(
        client,
        "/mandates?lang=en",
        {"biz-business_id": str(business.id), "biz-representative_email": email, "biz-give": "y"},
    )


def test_an_owner_gives_a_consultant_a_mandate_for_her_business(app, client, login_as):
    consultant = make_user(Role.APPLICANT, full_name="Biro Jasa Cepat")
    owner = login_as(Role.APPLICANT)
    business = _business(owner)
    category = make_category("tdup-uji", holder_kind=HolderKind.BUSINESS)
    assert _give(client, business, consultant.email).status_code == 302
    mandate = db.session.scalar(select(Mandate).where(Mandate.representative_id == consultant.id))
    assert mandate.principal_business_id == business.id and mandate.principal_user_id is None
    # The consultant starts an application for the business: it is the holder.
    rep_client = app.test_client()
    assert login(rep_client, consultant.email).status_code == 302
    page = rep_client.get(f"/permits/{category.slug}/apply/for").get_data(as_text=True)
    assert "PT Wisata Mahakam" in page
    post_form(rep_client, f"/permits/{category.slug}/apply/for", {"for": str(mandate.id)})
    application = db.session.scalar(select(Application).where(Application.applicant_id == consultant.id))
    assert application.mandate_id == mandate.id and application.holder_business_id == business.id
    assert "Surat kuasa" in rep_client.get(f"/applications/{application.id}/documents").get_data(as_text=True)
    # The owner sees it; she revokes, and the consultant's open session loses it.
    assert client.get(f"/applications/{application.id}").status_code == 200
    response = post_form(client, f"/mandates/{mandate.id}/revoke", {}, page="/mandates")
    assert response.status_code == 302
    assert rep_client.get(f"/applications/{application.id}/documents").status_code == 404
    assert rep_client.get(f"/applications/{application.id}").status_code == 404


@pytest.mark.parametrize("role", [MemberRole.OWNER, MemberRole.DIRECTOR])
def test_a_member_who_files_for_the_business_cannot_be_its_representative(client, login_as, role):
    owner = login_as(Role.APPLICANT, locale="en")
    business = _business(owner)
    member = make_user(Role.APPLICANT)
    if role is MemberRole.DIRECTOR:
        db.session.add(BusinessMember(business_id=business.id, user_id=member.id, role=role))
        db.session.commit()
    email = owner.email if role is MemberRole.OWNER else member.email
    response = _give(client, business, email)
    assert response.status_code == 400
    assert "no power of attorney is needed" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 0


def test_staff_of_a_business_and_strangers_cannot_give_its_mandate(app, client, login_as):
    staff = login_as(Role.APPLICANT)
    business = _business(make_user(Role.APPLICANT), staff=staff)
    consultant = make_user(Role.APPLICANT)
    # Her form offers no business; a forged post for it finds nothing.
    assert "business-mandate" not in client.get("/mandates").get_data(as_text=True)
    response = post_form(
        client,
        "/mandates",
        {"biz-business_id": str(business.id), "biz-representative_email": consultant.email, "biz-give": "y"},
    )
    assert response.status_code in (400, 404)
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 0


def test_a_person_mandate_cannot_start_a_business_permit(category):
    rep, principal = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    business_only = make_category("tdup-orang", holder_kind=HolderKind.BUSINESS)
    mandate = _mandate(rep, principal)
    with force_locale("en"), pytest.raises(app_services.ApplicationError, match="held by a business"):
        app_services.start_application(rep, business_only, mandate)


def test_the_business_owners_are_told_of_the_application(category):
    owner, consultant = make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    business = _business(owner)
    either = make_category("izin-bebas", holder_kind=HolderKind.EITHER)
    mandate = mandates.give_business_mandate(owner, business.id, consultant.email)
    db.session.commit()
    application = app_services.start_application(consultant, either, mandate)
    application.answers = dict(VALID_ANSWERS)
    application.completed_pages = ["business", "location"]
    db.session.commit()
    add_document(application)
    add_document(application, POA, name="surat-kuasa.pdf")
    app_services.submit(application, consultant, declaration=True)
    db.session.commit()
    texts = [n.text for n in db.session.scalars(select(Notice).where(Notice.user_id == owner.id))]
    assert any(application.tracking_number in t for t in texts)


def _notices(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notice).where(Notice.user_id == user.id)) or 0


@pytest.mark.parametrize("typed", ["{email}", "  {upper}  "])
def test_giving_the_same_power_of_attorney_twice_keeps_one_and_tells_once(typed):
    rep, principal, owner = make_user(Role.APPLICANT), make_user(Role.APPLICANT), make_user(Role.APPLICANT)
    business = _business(owner)
    first = mandates.add_mandate(rep, principal.email)
    first_business = mandates.give_business_mandate(owner, business.id, rep.email)
    db.session.commit()
    again = mandates.add_mandate(rep, typed.format(email=principal.email, upper=principal.email.upper()))
    again_business = mandates.give_business_mandate(
        owner, business.id, typed.format(email=rep.email, upper=rep.email.upper())
    )
    db.session.commit()
    assert (again.id, again_business.id) == (first.id, first_business.id)
    assert db.session.scalar(select(func.count()).select_from(Mandate)) == 2
    assert (_notices(principal), _notices(rep)) == (1, 1)
    # Once revoked, giving it again is a new mandate, and the principal is told again.
    mandates.revoke(first.id, principal)
    db.session.commit()
    renewed = mandates.add_mandate(rep, principal.email)
    db.session.commit()
    assert renewed.id != first.id and renewed.revoked_at is None
    assert _notices(principal) == 2
