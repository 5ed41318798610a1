"""Businesses (issue 18, item 1): profiles with a checked NIB and NPWP, members with roles, an
owner always there, a business chosen as an application's holder, and its applications seen by
its owners and directors only while they are members. Hostile inputs of the issue."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.applications import services as app_services
from portal.applications.models import Application
from portal.auth.models import Role, User
from portal.business import services
from portal.business.models import Business, BusinessMember, MemberRole
from portal.catalogue.models import HolderKind
from portal.extensions import db
from tests.conftest import csrf_token, login, make_user, post_form
from tests.factories import VALID_ANSWERS, add_document, make_category

GOOD = {
    "name": "PT Wisata Mahakam",
    "legal_form": "pt",
    "nib": "1234567890123",
    "npwp": "01.234.567.8-901.000",
    "deed_number": "AHU-0012345.AH.01.01.Tahun 2024",
    "address": "Jl. Pahlawan No. 5, Samarinda",
}


def _profile(**changes: str) -> services.Profile:
    return services.Profile(**{**GOOD, **changes})


def _business(owner: User, **changes: str) -> Business:
    business = services.create_business(owner, _profile(**changes))
    db.session.commit()
    return business


def _member(business: Business, user: User) -> BusinessMember:
    member = services.membership_of(business.id, user)
    assert member is not None
    return member


# -- numbers ---------------------------------------------------------------------------------------
def test_the_npwp_in_the_cards_dotted_form_is_kept_as_digits():
    owner = make_user()
    business = _business(owner)
    assert business.npwp == "012345678901000"
    assert business.npwp_display == "01.234.567.8-901.000"
    assert _business(owner, nib="1234567890124", npwp="3171012345670001").npwp == "3171012345670001"


@pytest.mark.parametrize(
    "nib",
    [
        "123456789012",
        "12345678901234",
        "12345678901a3",
        "abcdefghijklm",
        "",
        "１２３４５６７８９０１２３",
        "123456789012-",
    ],
)
def test_a_nib_of_the_wrong_length_or_with_letters_is_refused(nib):
    owner = make_user()
    with force_locale("en"), pytest.raises(services.InvalidBusiness) as caught:
        services.create_business(owner, _profile(nib=nib))
    assert caught.value.errors["nib"].startswith("The NIB has exactly 13 digits")
    assert db.session.scalar(select(func.count()).select_from(Business)) == 0


@pytest.mark.parametrize(
    "npwp", ["01234567890100", "01.234.567.8-901.00012", "01234567890100O", "12345678901234567", "npwp", ""]
)
def test_a_npwp_of_the_wrong_length_or_with_letters_is_refused(npwp):
    owner = make_user()
    with force_locale("id"), pytest.raises(services.InvalidBusiness) as caught:
        services.create_business(owner, _profile(npwp=npwp))
    assert "15 atau 16 digit" in caught.value.errors["npwp"]
    assert db.session.scalar(select(func.count()).select_from(Business)) == 0


def test_the_form_shows_each_message_in_indonesian_and_keeps_what_was_typed(client):
    user = make_user()
    assert login(client, user.email).status_code == 302
    data = {**GOOD, "nib": "12345", "npwp": "01.234.567.8-901.00X"}
    response = post_form(client, "/account/businesses/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "NIB terdiri dari tepat 13 digit" in html
    assert "15 atau 16 digit" in html
    assert 'value="PT Wisata Mahakam"' in html and "Jl. Pahlawan No. 5, Samarinda" in html
    assert db.session.scalar(select(func.count()).select_from(Business)) == 0


def test_a_duplicate_nib_is_refused_with_what_to_do(client):
    first, second = make_user(), make_user()
    _business(first)
    with force_locale("en"), pytest.raises(services.InvalidBusiness) as caught:
        services.create_business(second, _profile(name="CV Lain", nib=" 1234567890123 "))
    assert "already registered" in caught.value.errors["nib"]
    assert login(client, second.email).status_code == 302
    response = post_form(client, "/account/businesses/new", {**GOOD, "name": "CV Lain"})
    assert response.status_code == 400
    assert "sudah terdaftar" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Business)) == 1


def test_editing_to_another_business_nib_is_refused():
    owner = make_user()
    _business(owner)
    other = _business(owner, nib="9999999999999", name="CV Dua")
    with pytest.raises(services.InvalidBusiness):
        services.update_business(other, _member(other, owner), _profile(nib="1234567890123"))
    db.session.rollback()
    assert db.session.get(Business, other.id).nib == "9999999999999"


# -- members and the owner rule ------------------------------------------------------------------
def test_the_creator_is_the_owner_and_owners_add_members_by_email():
    owner, director = make_user(), make_user()
    business = _business(owner)
    assert _member(business, owner).role is MemberRole.OWNER
    services.add_member(business, _member(business, owner), director.email.upper(), "director")
    db.session.commit()
    assert _member(business, director).role is MemberRole.DIRECTOR
    assert [b.id for b in services.businesses_for_filing(director)] == [business.id]


def test_a_non_owner_cannot_add_or_remove_members():
    owner, director, staff = make_user(), make_user(), make_user()
    business = _business(owner)
    services.add_member(business, _member(business, owner), director.email, "director")
    services.add_member(business, _member(business, owner), staff.email, "staff")
    db.session.commit()
    with pytest.raises(services.AccessDenied):
        services.add_member(business, _member(business, director), make_user().email, "owner")
    with pytest.raises(services.AccessDenied):
        services.remove_member(business, _member(business, director), _member(business, owner))


def test_a_business_with_no_owner_cannot_be_made(client):
    owner, director = make_user(), make_user()
    business = _business(owner)
    services.add_member(business, _member(business, owner), director.email, "director")
    db.session.commit()
    me = _member(business, owner)
    with force_locale("en"), pytest.raises(services.BusinessError, match="always have an owner"):
        services.remove_member(business, me, me)  # leaving
    with pytest.raises(services.BusinessError):
        services.change_role(business, me, me, "director")  # stepping down
    with pytest.raises(services.BusinessError):
        services.add_member(business, me, owner.email, "staff")  # re-adding herself as staff
    db.session.rollback()
    assert _member(business, owner).role is MemberRole.OWNER
    # Through the pages too: the refusal is shown and nothing changes.
    assert login(client, owner.email).status_code == 302
    page = f"/account/businesses/{business.id}"
    response = post_form(client, f"{page}/members/{me.id}/remove", {}, page=page, follow_redirects=True)
    assert "harus selalu memiliki pemilik" in response.get_data(as_text=True)
    owners = db.session.scalar(
        select(func.count())
        .select_from(BusinessMember)
        .where(BusinessMember.business_id == business.id, BusinessMember.role == MemberRole.OWNER)
    )
    assert owners == 1
    # With a second owner she may leave.
    services.change_role(business, _member(business, owner), _member(business, director), "owner")
    services.leave(business, _member(business, owner))
    db.session.commit()
    assert services.membership_of(business.id, owner) is None


def test_adding_an_unknown_email_or_a_staff_account_is_refused():
    owner = make_user()
    business = _business(owner)
    with force_locale("en"), pytest.raises(services.BusinessError, match="No account uses"):
        services.add_member(business, _member(business, owner), "nobody@example.test", "staff")
    with pytest.raises(services.BusinessError):
        services.add_member(business, _member(business, owner), make_user(Role.OFFICER).email, "staff")
    with pytest.raises(services.BusinessError):
        services.add_member(business, _member(business, owner), make_user().email, "boss")


def test_another_persons_business_looks_missing(client):
    owner, stranger = make_user(), make_user()
    business = _business(owner)
    assert login(client, stranger.email).status_code == 302
    assert client.get(f"/account/businesses/{business.id}").status_code == 404
    assert client.get(f"/account/businesses/{business.id}/edit").status_code == 404
    token = csrf_token(client.get("/account/businesses").get_data(as_text=True))
    response = client.post(
        f"/account/businesses/{business.id}/members",
        data={"csrf_token": token, "email": stranger.email, "role": "owner"},
    )
    assert response.status_code == 404
    assert services.membership_of(business.id, stranger) is None


# -- the holder of an application ----------------------------------------------------------------
@pytest.fixture
def business_category():
    return make_category("izin-usaha", holder_kind=HolderKind.EITHER)


def _start_for(client, category, holder) -> object:
    page = f"/permits/{category.slug}/apply/holder"
    return post_form(client, page, {"holder": str(holder)}, page=page)


def test_an_owner_files_for_her_business_and_the_application_records_it(client, business_category):
    owner = make_user()
    business = _business(owner)
    assert login(client, owner.email).status_code == 302
    start = post_form(
        client, f"/permits/{business_category.slug}/apply", {}, page=f"/permits/{business_category.slug}"
    )
    assert start.headers["Location"].endswith(f"/permits/{business_category.slug}/apply/holder")
    page = client.get(f"/permits/{business_category.slug}/apply/holder").get_data(as_text=True)
    assert "PT Wisata Mahakam" in page and "1234567890123" in page
    response = _start_for(client, business_category, business.id)
    assert response.status_code == 302
    application = db.session.scalars(select(Application).where(Application.applicant_id == owner.id)).one()
    assert application.holder_business_id == business.id


def test_a_non_member_posting_another_business_id_as_holder_is_refused(client, business_category):
    owner, stranger = make_user(), make_user()
    business = _business(owner)
    mine = _business(stranger, nib="5555555555555", name="CV Sendiri")
    services.add_member(mine, _member(mine, stranger), owner.email, "staff")
    db.session.commit()
    assert login(client, stranger.email).status_code == 302
    assert _start_for(client, business_category, business.id).status_code == 404
    assert _start_for(client, business_category, 999999).status_code == 404
    assert _start_for(client, business_category, "1 OR 1=1").status_code == 400
    # A staff member of a business may not file for it either.
    staff_client = client.application.test_client()
    assert login(staff_client, owner.email).status_code == 302
    assert _start_for(staff_client, business_category, mine.id).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0
    with pytest.raises(services.NotFoundError):
        app_services.start_application(stranger, business_category, holder_business_id=business.id)


def test_a_business_only_permit_cannot_be_filed_in_ones_own_name(client):
    category = make_category("izin-badan", holder_kind=HolderKind.BUSINESS)
    user = make_user()
    with force_locale("en"), pytest.raises(app_services.ApplicationError, match="issued to a business"):
        app_services.start_application(user, category)
    assert login(client, user.email).status_code == 302
    page = client.get(f"/permits/{category.slug}/apply/holder").get_data(as_text=True)
    assert "Daftarkan usaha" in page
    assert _start_for(client, category, "self").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Application)) == 0


def test_a_person_only_permit_refuses_a_business_holder(business_category):
    category = make_category("izin-orang")
    owner = make_user()
    business = _business(owner)
    with pytest.raises(app_services.ApplicationError):
        app_services.start_application(owner, category, holder_business_id=business.id)


def _business_application(owner: User, business: Business, category) -> Application:
    application = app_services.start_application(owner, category, holder_business_id=business.id)
    application.answers = dict(VALID_ANSWERS)
    application.completed_pages = ["business", "location"]
    db.session.commit()
    add_document(application)
    return application


def test_directors_see_the_business_applications_and_staff_do_not(app, client, business_category):
    owner, director, staff = make_user(), make_user(), make_user()
    business = _business(owner)
    services.add_member(business, _member(business, owner), director.email, "director")
    services.add_member(business, _member(business, owner), staff.email, "staff")
    db.session.commit()
    application = _business_application(owner, business, business_category)
    app_services.submit(application, owner, declaration=True)
    db.session.commit()
    director_client = app.test_client()
    assert login(director_client, director.email).status_code == 302
    assert director_client.get(f"/applications/{application.id}").status_code == 200
    home = director_client.get("/dashboard").get_data(as_text=True)
    assert f"/applications/{application.id}" in home and "PT Wisata Mahakam" in home
    # Seeing is not editing: the wizard's pages stay the filer's.
    assert director_client.get(f"/applications/{application.id}/documents").status_code == 404
    assert login(client, staff.email).status_code == 302
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert f"/applications/{application.id}" not in client.get("/dashboard").get_data(as_text=True)


def test_a_member_removed_mid_application_loses_access_from_the_next_request(app, client, business_category):
    owner, director = make_user(), make_user()
    business = _business(owner)
    services.add_member(business, _member(business, owner), director.email, "director")
    db.session.commit()
    draft = _business_application(director, business, business_category)
    assert login(client, director.email).status_code == 302
    urls = [
        f"/applications/{draft.id}",
        f"/applications/{draft.id}/requirements",
        f"/applications/{draft.id}/documents",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    token = csrf_token(client.get(f"/applications/{draft.id}/form/business").get_data(as_text=True))
    # The owner removes her, in her own session.
    owner_client = app.test_client()
    assert login(owner_client, owner.email).status_code == 302
    page = f"/account/businesses/{business.id}"
    member_id = _member(business, director).id
    response = post_form(owner_client, f"{page}/members/{member_id}/remove", {}, page=page)
    assert response.status_code == 302
    # The director's open session: every page and post is gone from the next request.
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)
    response = client.post(
        f"/applications/{draft.id}/form/business", data={"csrf_token": token, "business_name": "Ganti"}
    )
    assert response.status_code == 404
    assert _start_for(client, business_category, business.id).status_code == 404
    db.session.refresh(draft)
    assert draft.answers["business_name"] == VALID_ANSWERS["business_name"]
    # The owner keeps seeing the business's application.
    assert owner_client.get(f"/applications/{draft.id}").status_code == 200
