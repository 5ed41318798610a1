"""Forgiving input (issue 15, item 7): a NIK, KK or phone number typed in groups with spaces,
dots or dashes is accepted and kept as plain digits (+628... for phones), in registration and in
form fields of those types; what is really wrong is still refused with a sentence. Plain
Indonesian in the seeded permits ("Foto KTP", not "Fotokopi KTP") and messages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.catalogue.formspec.common import Invalid
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.registry import get_field_type
from portal.catalogue.seed import build_definition, load_reference
from portal.extensions import db
from portal.validation import NikError, compact_digits, normalize_kk, normalize_nik, normalize_phone
from tests.conftest import post_form

NIK = "6472015507740003"
GROUPED_NIKS = [
    "6472 0155 0774 0003",
    "6472.0155.0774.0003",
    "6472-0155-0774-0003",
    " 6472  0155 0774 0003 ",
    "6472\u00a00155\u00a00774\u00a00003",
    "647201-550774-0003",
]


@pytest.mark.parametrize("typed", GROUPED_NIKS)
def test_a_nik_typed_in_groups_is_its_16_digits(typed):
    assert normalize_nik(typed) == NIK


@pytest.mark.parametrize(
    "typed",
    [
        "6472 0155 0774 000",
        "6472 0155 0774 0003 1",
        "6472/0155/0774/0003",
        "６４７２０１５５０７７４０００３",
        "6472 0155 0774 000O",
        "",
        "9972 0155 0774 0003",
    ],
)
def test_a_wrong_nik_is_still_refused(typed):
    with pytest.raises(NikError):
        normalize_nik(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "0812 3456 7890",
        "0812-3456-7890",
        "0812.3456.7890",
        "+62 812 3456 7890",
        "62-812-3456-7890",
        "(0812) 3456 7890",
    ],
)
def test_a_phone_typed_in_groups_is_one_form(typed):
    assert normalize_phone(typed) == "+6281234567890"


def test_a_kk_number_typed_in_groups_is_its_digits():
    assert normalize_kk("6472 0101 2345 0001") == "6472010123450001"
    assert normalize_kk("6472.0101.2345.0001") == "6472010123450001"
    for wrong in ("6472 0101 2345 000", "0072 0101 2345 0001", "6472 0101 2345 0000", "KK 6472"):
        with pytest.raises(ValueError, match="kk"):
            normalize_kk(wrong)


def test_compact_digits_keeps_what_is_not_a_separator():
    assert compact_digits("12/34") == "12/34"
    assert compact_digits(None) == ""  # type: ignore[arg-type]


def test_registration_accepts_a_grouped_nik_and_phone_and_keeps_digits(client, outbox):
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.grouped@example.test",
        "nik": "6472 0155 0774 0003",
        "phone": "0812-3456.7890",
        "password": "my cat sleeps on the red sofa",
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    response = post_form(client, "/register", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    user = db.session.scalar(select(User).where(User.email == "siti.grouped@example.test"))
    assert user.nik == NIK
    assert user.phone == "+6281234567890"


def test_registration_still_refuses_a_nik_that_is_not_16_digits(client):
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.short@example.test",
        "nik": "6472 0155 0774 000",
        "phone": "0812 3456 7890",
        "password": "my cat sleeps on the red sofa",
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    response = post_form(client, "/register", data)
    assert response.status_code == 200
    assert "NIK harus tepat 16 angka, sesuai KTP Anda." in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "siti.short@example.test")) is None


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        ("nik", "6472 0155 0774 0003", NIK),
        ("nik", "6472.0155.0774.0003", NIK),
        ("kk", "6472-0101-2345-0001", "6472010123450001"),
        ("phone", "0812 3456 7890", "+6281234567890"),
        ("npwp", "01.234.567.8-901.000", "012345678901000"),
    ],
)
def test_form_fields_of_those_types_accept_groups(kind, typed, stored):
    f = FieldSpec(key="x", type=kind, label_id="Nomor", required=True)
    assert get_field_type(kind).clean(f, typed) == stored


def test_a_wrong_kk_in_a_form_field_is_a_field_error():
    f = FieldSpec(key="kk", type="kk", label_id="Nomor KK", required=True)
    with pytest.raises(Invalid) as caught:
        get_field_type("kk").clean(f, "6472 0101 2345")
    assert caught.value.code == "invalid_kk"


def test_seeded_documents_ask_for_a_photo_not_a_photocopy():
    labels = []
    for raw in load_reference()["categories"]:
        try:
            _, documents = build_definition(raw)
        except KeyError:
            continue
        labels += [d["label_id"] for d in documents] + [d["description_id"] for d in documents]
    assert "Foto KTP" in labels
    assert not [text for text in labels if "otokopi" in text]


def test_messages_say_no_bilangan_bulat():
    from pathlib import Path

    po = (
        Path(__file__).resolve().parent.parent / "portal/translations/id/LC_MESSAGES/messages.po"
    ).read_text()
    assert "bilangan bulat" not in po
    assert "Fotokopi" not in po
