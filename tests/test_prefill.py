"""Issue 15, type once: fields marked in the form builder are filled in from the applicant's
account (name, NIK, phone, email); the applicant can change them, and a prefilled value that
fails the form's stricter rule is a normal field error."""

from __future__ import annotations

import re

import pytest

from portal.applications.models import Application
from portal.auth.models import Role
from portal.catalogue.formspec import DefinitionError, FormSpec
from portal.catalogue.models import PermitCategory, Sector
from portal.catalogue.services import publish_new_version
from portal.extensions import db
from tests.conftest import csrf_token, post_form
from tests.factories import DOCUMENTS

FIELDS = [
    {
        "key": "nama",
        "type": "text",
        "label_id": "Nama",
        "label_en": "Name",
        "required": True,
        "page": "pemohon",
        "order": 1,
        "prefill": "full_name",
    },
    {
        "key": "nik_pemohon",
        "type": "nik",
        "label_id": "NIK",
        "label_en": "NIK",
        "required": True,
        "page": "pemohon",
        "order": 2,
        "prefill": "nik",
    },
    {
        "key": "hp",
        "type": "phone",
        "label_id": "HP",
        "label_en": "Phone",
        "required": True,
        "page": "pemohon",
        "order": 3,
        "prefill": "phone",
    },
    {
        "key": "surel",
        "type": "email",
        "label_id": "Email",
        "label_en": "Email",
        "required": False,
        "page": "pemohon",
        "order": 4,
        "prefill": "email",
    },
    {
        "key": "nama_usaha",
        "type": "text",
        "label_id": "Nama usaha",
        "label_en": "Business name",
        "required": True,
        "page": "pemohon",
        "order": 5,
    },
]


def _category(fields=FIELDS) -> PermitCategory:
    category = PermitCategory(
        slug="izin-isi",
        code="ISI",
        name_id="Izin Isi",
        name_en="Fill permit",
        summary_id="Uji",
        summary_en="Test",
        sector=Sector.TRADE,
        time_limit_days=5,
    )
    publish_new_version(category, fields, DOCUMENTS)
    db.session.commit()
    return category


def _start(client, category) -> int:
    page = client.get(f"/permits/{category.slug}").get_data(as_text=True)
    response = client.post(f"/permits/{category.slug}/apply", data={"csrf_token": csrf_token(page)})
    return int(re.search(r"/applications/(\d+)/", response.headers["Location"]).group(1))


def _value(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag, name
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else None


def test_marked_fields_are_filled_in_from_the_account(client, login_as):
    user = login_as(full_name="Siti Aminah")
    application_id = _start(client, _category())
    page = client.get(f"/applications/{application_id}/form/pemohon").get_data(as_text=True)
    assert _value(page, "nama") == "Siti Aminah"
    assert _value(page, "nik_pemohon") == user.nik
    assert _value(page, "hp") == user.phone
    assert _value(page, "surel") == user.email
    assert not _value(page, "nama_usaha")  # not marked: left empty


def test_the_applicant_can_change_a_prefilled_value_and_her_answer_wins(client, login_as):
    login_as(full_name="Siti Aminah")
    application_id = _start(client, _category())
    page = client.get(f"/applications/{application_id}/form/pemohon").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "action": "continue",
        "nama": "Siti Aminah Binti Umar",
        "nik_pemohon": _value(page, "nik_pemohon"),
        "hp": _value(page, "hp"),
        "surel": "",
        "nama_usaha": "Warung Siti",
    }
    response = client.post(f"/applications/{application_id}/form/pemohon", data=data)
    assert response.status_code == 302
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    assert application.answers["nama"] == "Siti Aminah Binti Umar"
    assert application.answers.get("surel") is None
    page = client.get(f"/applications/{application_id}/form/pemohon").get_data(as_text=True)
    assert _value(page, "nama") == "Siti Aminah Binti Umar"
    assert not _value(page, "surel")  # emptied on purpose: not filled in again


def test_a_prefilled_value_that_fails_the_forms_stricter_rule_is_a_field_error(client, login_as):
    stricter = [dict(f) for f in FIELDS]
    # this office's form takes Balikpapan NIKs only (6471...); hers is from Samarinda (6472...)
    stricter[1] = {
        "key": "nik_pemohon",
        "type": "text",
        "label_id": "NIK",
        "label_en": "NIK",
        "required": True,
        "page": "pemohon",
        "order": 2,
        "prefill": "nik",
        "pattern": "6471[0-9]{12}",
        "pattern_message_en": "A Balikpapan NIK (6471...).",
        "pattern_message_id": "NIK Balikpapan (6471...).",
    }
    login_as(full_name="Siti Aminah")
    application_id = _start(client, _category(stricter))
    page = client.get(f"/applications/{application_id}/form/pemohon?lang=en").get_data(as_text=True)
    assert _value(page, "nik_pemohon").startswith("6472")
    data = {
        "csrf_token": csrf_token(page),
        "action": "continue",
        **{k: _value(page, k) or "" for k in ("nama", "nik_pemohon", "hp", "surel")},
        "nama_usaha": "Warung Siti",
    }
    response = client.post(f"/applications/{application_id}/form/pemohon?lang=en", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "A Balikpapan NIK (6471...)." in body
    assert 'id="error-summary"' in body
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    assert "nik_pemohon" not in application.answers
    assert application.answers["nama"] == "Siti Aminah"  # the valid ones are kept


def test_an_unknown_prefill_source_is_refused_when_the_form_is_checked():
    bad = [{**FIELDS[0], "prefill": "password_hash"}]
    problems = FormSpec.from_version(bad, []).validate_definition()
    assert any(
        p.about("field", "nama") and "full_name, nik, phone, email, address" in str(p) for p in problems
    )
    category = PermitCategory(
        slug="izin-salah",
        code="SLH",
        name_id="Izin",
        name_en="Permit",
        summary_id="Uji",
        summary_en="Test",
        sector=Sector.TRADE,
        time_limit_days=5,
    )
    with pytest.raises(DefinitionError):
        publish_new_version(category, bad, DOCUMENTS)


def test_the_form_builder_marks_a_field_as_filled_from_the_account(client, login_as):
    from portal.admin import services as admin_services
    from tests.test_admin import field_post

    admin = login_as(Role.ADMIN)
    category = _category()
    base = f"/admin/categories/{category.id}/form"
    page = client.get(f"{base}/fields/nama?lang=en").get_data(as_text=True)
    assert (
        "Fill in from the applicant&#39;s account" in page or "Fill in from the applicant's account" in page
    )
    response = post_form(
        client,
        f"{base}/fields/new",
        field_post(key="telepon", label_id="Telepon", page="pemohon", prefill="phone"),
        page=base,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    draft = admin_services.get_draft(category, admin)
    (field,) = [f for f in draft.fields if f["key"] == "telepon"]
    assert field["prefill"] == "phone"


# -- the address: on the profile, editable, and a prefill source like the others ------------------
ADDRESS_FIELD = {
    "key": "alamat",
    "type": "textarea",
    "label_id": "Alamat pemohon",
    "label_en": "Applicant address",
    "required": True,
    "page": "pemohon",
    "order": 6,
    "prefill": "address",
}


def _save_profile(client, user, address: str):
    return post_form(
        client,
        "/account?lang=en",
        {"full_name": user.full_name, "phone": user.phone, "locale": "en", "address": address},
    )


def test_the_address_is_kept_on_the_profile_and_fills_in_a_marked_field(client, login_as):
    user = login_as(full_name="Siti Aminah")
    application_id = _start(client, _category([*FIELDS, ADDRESS_FIELD]))
    page = client.get(f"/applications/{application_id}/form/pemohon").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="alamat"[^>]*>\s*</textarea>', page)  # none yet: empty
    response = _save_profile(client, user, "  Jl. Pahlawan   No. 12\n\nRT 007 / RW 002, Sungai Pinang  ")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.address == "Jl. Pahlawan No. 12\nRT 007 / RW 002, Sungai Pinang"
    profile = client.get("/account").get_data(as_text=True)
    assert "Jl. Pahlawan No. 12" in profile
    page = client.get(f"/applications/{application_id}/form/pemohon").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="alamat"[^>]*>\s*Jl\. Pahlawan No\. 12\nRT 007 / RW 002', page)
    # she may empty it on her profile again
    _save_profile(client, user, "")
    db.session.refresh(user)
    assert user.address is None


def test_an_address_over_300_characters_is_refused_on_the_profile(client, login_as):
    user = login_as()
    response = _save_profile(client, user, "Jl. " + "x" * 300)
    assert response.status_code == 200
    assert "Use at most 300 characters." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.address is None


def test_a_prefilled_address_that_fails_the_forms_stricter_rule_is_a_field_error(client, login_as):
    user = login_as(full_name="Siti Aminah")
    _save_profile(client, user, "Jl. Pahlawan No. 12, RT 007 / RW 002, Kelurahan Sungai Pinang Dalam")
    short = {**ADDRESS_FIELD, "max_length": 30}
    application_id = _start(client, _category([*FIELDS, short]))
    page = client.get(f"/applications/{application_id}/form/pemohon?lang=en").get_data(as_text=True)
    prefilled = re.search(r'<textarea[^>]*name="alamat"[^>]*>\s*([^<]*)</textarea>', page).group(1)
    assert prefilled.startswith("Jl. Pahlawan No. 12")
    data = {
        "csrf_token": csrf_token(page),
        "action": "continue",
        **{k: _value(page, k) or "" for k in ("nama", "nik_pemohon", "hp", "surel")},
        "nama_usaha": "Warung Siti",
        "alamat": prefilled,
    }
    response = client.post(f"/applications/{application_id}/form/pemohon?lang=en", data=data)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="error-summary"' in body
    assert re.search(r'id="[^"]*alamat[^"]*-error"', body)
    application = db.session.get(Application, application_id)
    db.session.refresh(application)
    assert "alamat" not in application.answers
    assert application.answers["nama"] == "Siti Aminah"


def test_the_form_builder_offers_the_address_as_a_source(client, login_as):
    from portal.admin import services as admin_services
    from tests.test_admin import field_post

    admin = login_as(Role.ADMIN)
    category = _category()
    base = f"/admin/categories/{category.id}/form"
    page = client.get(f"{base}/fields/nama?lang=en").get_data(as_text=True)
    assert '<option value="address">Home address</option>' in page
    response = post_form(
        client,
        f"{base}/fields/new",
        field_post(key="alamat_rumah", label_id="Alamat", page="pemohon", prefill="address"),
        page=base,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    draft = admin_services.get_draft(category, admin)
    (field,) = [f for f in draft.fields if f["key"] == "alamat_rumah"]
    assert field["prefill"] == "address"


def test_the_seeded_forms_fill_the_applicants_address_from_the_account():
    from portal.catalogue.seed import seed_categories

    list(seed_categories())
    category = db.session.scalar(
        db.select(PermitCategory).where(PermitCategory.slug == "surat-keterangan-domisili-usaha")
    )
    spec = FormSpec.from_version(category.current_version.fields, [])
    assert spec.by_key["alamat_pemohon"].prefill == "address"
