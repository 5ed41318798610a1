"""A permit held by a business (issue 18, item 1): the letter, the verification page and the
public register name the business and its NIB, not the person who typed the application; the
category admin says who may hold a permit; "Data saya" lists her businesses, and closing her
account keeps a business that has other owners."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.applications import services as app_services
from portal.auth.models import Role, User
from portal.business import services as business_services
from portal.business.models import Business, BusinessMember, MemberRole
from portal.catalogue.models import HolderKind, PermitCategory
from portal.extensions import db
from portal.permits import register
from portal.permits import services as permits
from portal.permits.models import Permit
from tests.conftest import DEFAULT_PASSWORD, login, make_user, post_form
from tests.test_business import GOOD
from tests.test_permits import ANSWERS, approve, new_application, pdf_text
from tests.wizard_helpers import make_category

FILER = "Siti Rahmawati"


def _business(owner: User, **changes: str) -> Business:
    business = business_services.create_business(owner, business_services.Profile(**{**GOOD, **changes}))
    db.session.commit()
    return business


def _business_permit(category=None) -> tuple[Permit, Business, User]:
    filer = make_user(Role.APPLICANT, full_name=FILER)
    business = _business(filer)
    category = category or make_category(slug="izin-badan", holder_kind=HolderKind.BUSINESS)
    application = app_services.start_application(filer, category, holder_business_id=business.id)
    application.answers = dict(ANSWERS)
    db.session.commit()
    approve(application)
    permit = permits.permit_for_application(application.id)
    assert permit is not None
    return permit, business, filer


def test_the_permit_is_issued_to_the_business_with_its_nib():
    permit, business, filer = _business_permit()
    assert permit.holder_name == "PT Wisata Mahakam"
    assert permit.holder_nib == "1234567890123" and permit.holder_business_id == business.id
    text = pdf_text(permit)
    assert "PT Wisata Mahakam" in text and "1234567890123" in text
    assert FILER not in text and filer.nik not in text


def test_a_later_rename_does_not_change_an_issued_permit():
    permit, business, filer = _business_permit()
    owner = business_services.membership_of(business.id, filer)
    business_services.update_business(
        business, owner, business_services.Profile(**{**GOOD, "name": "PT Baru"})
    )
    db.session.commit()
    db.session.refresh(permit)
    assert permit.holder_name == "PT Wisata Mahakam"


def test_the_verify_page_names_the_business_and_its_nib(client):
    permit, _business_, _filer = _business_permit()
    html = client.get(f"/verify/{permit.verification_token}?lang=id").get_data(as_text=True)
    assert "PT Wisata Mahakam" in html and "1234567890123" in html
    assert "S*** R" not in html and FILER not in html


def test_a_persons_permit_stays_masked_on_the_verify_page(client):
    application = new_application()
    approve(application)
    permit = permits.permit_for_application(application.id)
    html = client.get(f"/verify/{permit.verification_token}").get_data(as_text=True)
    assert "S*** R" in html or "Siti R" in html
    assert "Siti Rahmawati" not in html and permit.holder_nib is None


def test_the_register_names_the_business_with_its_nib(client):
    category = make_category(slug="izin-daftar", holder_kind=HolderKind.EITHER)
    permit, _b, _f = _business_permit(category)
    register.save_setting(category.id, True, None, make_user(Role.ADMIN))
    db.session.commit()
    html = client.get("/issued-permits").get_data(as_text=True)
    assert permit.number in html
    assert "PT Wisata Mahakam (NIB 1234567890123)" in html
    assert FILER not in html


def test_the_category_admin_sets_who_may_hold_the_permit(client):
    category = make_category(slug="izin-admin")
    admin = make_user(Role.ADMIN)
    assert login(client, admin.email).status_code == 302
    page = f"/admin/categories/{category.id}"
    html = client.get(page).get_data(as_text=True)
    assert 'name="holder_kind"' in html
    fields = dict(re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    data = {k: v for k, v in fields.items() if k != "csrf_token"}
    data.update(
        {
            "sector": category.sector.value,
            "holder_kind": "either",
            "description_id": "",
            "description_en": "",
            "cost_note_id": "",
            "cost_note_en": "",
            "legal_basis": "",
            "output_id": "",
            "output_en": "",
        }
    )
    response = post_form(client, page, data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(PermitCategory, category.id).holder_kind is HolderKind.EITHER


# -- "Data saya" -----------------------------------------------------------------------------------
def test_my_data_lists_my_businesses_and_roles(client):
    owner = make_user(full_name=FILER)
    _business(owner)
    assert login(client, owner.email).status_code == 302
    data = json.loads(client.get("/account/data/export.json").get_data(as_text=True))
    assert data["businesses"] == [
        {
            "name": "PT Wisata Mahakam",
            "legal_form": "pt",
            "nib": "1234567890123",
            "npwp": "012345678901000",
            "deed_number": GOOD["deed_number"],
            "address": GOOD["address"],
            "role": "owner",
            "member_since": data["businesses"][0]["member_since"],
        }
    ]
    assert client.get("/account/data/export.pdf").status_code == 200


def _close(client):
    return post_form(
        client, "/account/data/close?lang=en", {"password": DEFAULT_PASSWORD}, page="/account/data?lang=en"
    )


def test_closing_keeps_a_business_that_has_another_owner(client):
    owner, other = make_user(), make_user()
    business = _business(owner)
    me = business_services.membership_of(business.id, owner)
    business_services.add_member(business, me, other.email, "owner")
    db.session.commit()
    assert login(client, owner.email).status_code == 302
    assert _close(client).status_code == 302
    db.session.expire_all()
    assert db.session.get(Business, business.id) is not None
    members = db.session.scalars(
        select(BusinessMember).where(BusinessMember.business_id == business.id)
    ).all()
    assert [(m.user_id, m.role) for m in members] == [(other.id, MemberRole.OWNER)]


def test_closing_is_refused_for_the_only_owner_of_a_business_with_other_members(client):
    owner, staff = make_user(), make_user()
    business = _business(owner)
    business_services.add_member(
        business, business_services.membership_of(business.id, owner), staff.email, "staff"
    )
    db.session.commit()
    assert login(client, owner.email).status_code == 302
    response = _close(client)
    assert response.status_code == 409
    assert "only owner of PT Wisata Mahakam" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, owner.id).is_active_account
    assert business_services.membership_of(business.id, owner).role is MemberRole.OWNER


@pytest.mark.parametrize("kind", [HolderKind.PERSON, HolderKind.BUSINESS, HolderKind.EITHER])
def test_holder_kinds_say_what_they_allow(kind):
    assert kind.allows_person == (kind is not HolderKind.BUSINESS)
    assert kind.allows_business == (kind is not HolderKind.PERSON)
