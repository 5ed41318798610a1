"""NIK and phone numbers: each bad input refused with its own message, nothing stored; good
ones stored in one form."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.validation import NikError, check_nik, normalize_nik, normalize_phone
from tests.conftest import post_form

VALID_NIK = "6472014101900001"  # Samarinda region, woman born 1 January 1990, serial 0001


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def register(client, **changes):
    data = {
        "full_name": "Siti Aminah",
        "email": "siti.nik@example.test",
        "nik": VALID_NIK,
        "phone": "0812 3456 7890",
        "password": "my cat sleeps on the red sofa",
        "privacy_consent": "y",  # the privacy notice agreed to
    }
    data.update(changes)
    return post_form(client, "/register?lang=en", data)


def assert_refused(client, text: str, **changes):
    before = user_count()
    response = register(client, **changes)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert text in body, body[body.find("error-summary") :][:600]
    assert user_count() == before


# --- NIK through the form -------------------------------------------------------------------


def test_nik_15_digits_refused(client):
    assert_refused(client, "NIK must be exactly 16 digits", nik=VALID_NIK[:15])


def test_nik_17_digits_refused(client):
    assert_refused(client, "NIK must be exactly 16 digits", nik=VALID_NIK + "1")


def test_nik_with_letters_refused(client):
    assert_refused(client, "NIK must be exactly 16 digits", nik="64720141019000O1")


def test_nik_with_arabic_indic_digits_refused(client):
    arabic = VALID_NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert arabic.isdigit()  # Python calls them digits; the NIK check must not
    assert_refused(client, "NIK must be exactly 16 digits", nik=arabic)


def test_nik_with_full_width_digits_refused(client):
    full_width = VALID_NIK.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert_refused(client, "NIK must be exactly 16 digits", nik=full_width)


def test_nik_with_inner_spaces_is_accepted_as_its_digits():
    # Issue 15: a NIK typed in groups as printed on the KTP is not refused.
    assert normalize_nik("6472 0141 0190 0001") == "6472014101900001"


def test_nik_with_spaces_and_a_missing_digit_refused(client):
    assert_refused(client, "NIK must be exactly 16 digits", nik="6472 0141 0190 001")


def test_nik_day_32_refused(client):
    assert_refused(client, "not a valid birth date", nik="6472013201900001")


def test_nik_female_day_72_refused(client):
    assert_refused(client, "not a valid birth date", nik="6472017201900001")


def test_nik_month_13_refused(client):
    assert_refused(client, "not a valid birth date", nik="6472010113900001")


def test_nik_30_february_refused(client):
    assert_refused(client, "not a valid birth date", nik="6472013002900001")


def test_nik_day_00_refused(client):
    assert_refused(client, "not a valid birth date", nik="6472010001900001")


def test_nik_serial_0000_refused(client):
    assert_refused(client, "cannot be 0000", nik="6472014101900000")


def test_nik_unknown_province_refused(client):
    assert_refused(client, "not a known region code", nik="9972014101900001")


def test_nik_regency_00_refused(client):
    assert_refused(client, "not a known region code", nik="6400014101900001")


def test_nik_female_day_plus_40_accepted_and_stored_as_string(client):
    response = register(client, nik="6472014507900001")  # woman born 5 July 1990
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "siti.nik@example.test"))
    assert user.nik == "6472014507900001"
    assert isinstance(user.nik, str)


def test_nik_leading_zero_kept():
    # No province code starts with 0, but the district and serial fields often do.
    nik = "1101010101000007"
    assert check_nik(nik) == nik


def test_nik_leading_zeros_survive_the_database(client):
    nik = "1101010101000007"
    assert register(client, nik=nik, email="zero@example.test").status_code == 302
    db.session.expire_all()
    stored = db.session.scalar(select(User.nik).where(User.email == "zero@example.test"))
    assert stored == nik


def test_nik_29_february_accepted_in_a_leap_year():
    assert check_nik("3171012902000001") == "3171012902000001"  # 29 Feb 2000


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("647201410190000", "format"),
        ("64720141019000011", "format"),
        (" 6472014101900001", "format"),
        ("6472014101900001\n", "format"),
        ("0072014101900001", "region"),
        ("6472013101900001", None),
        ("6472013104900001", "birth_date"),
        ("6472014101900000", "serial"),
    ],
)
def test_check_nik_codes(nik, code):
    if code is None:
        assert check_nik(nik) == nik
    else:
        with pytest.raises(NikError) as info:
            check_nik(nik)
        assert info.value.code == code


def test_nik_already_used_mails_the_registrant_and_stores_nothing(client, outbox):
    from tests.conftest import make_user

    make_user(nik=VALID_NIK)
    before = user_count()
    response = register(client, email="newcomer@example.test")
    assert response.status_code == 302  # the same answer as a successful registration
    assert user_count() == before
    [message] = outbox.to("newcomer@example.test")
    assert "/confirm-email/" not in outbox.body(message)


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "081234567890",
        "+6281234567890",
        "6281234567890",
        "0812 3456 7890",
        "0812-3456-7890",
        "+62 812-3456-7890",
        "(0812) 3456.7890",
    ],
)
def test_phone_forms_normalise_to_plus_62(raw):
    assert normalize_phone(raw) == "+6281234567890"


def test_phone_normalised_when_registering(client):
    assert register(client, phone="62 812-3456-7890").status_code == 302
    stored = db.session.scalar(select(User.phone).where(User.email == "siti.nik@example.test"))
    assert stored == "+6281234567890"


def test_phone_landline_refused(client):
    assert_refused(client, "Enter an Indonesian mobile number", phone="0541 741234")


def test_phone_garbage_refused(client):
    assert_refused(client, "Enter an Indonesian mobile number", phone="call me maybe")


def test_phone_foreign_number_refused(client):
    assert_refused(client, "Enter an Indonesian mobile number", phone="+44 7700 900123")


def test_phone_too_short_refused(client):
    assert_refused(client, "Enter an Indonesian mobile number", phone="0812345")


# After an ASCII "08" (so the prefix matches), digits Python's \d accepts but a phone
# cannot dial: Arabic-Indic, full-width, Devanagari, and one such digit among ASCII ones.
NON_ASCII_PHONES = {
    "arabic_indic": "08" + "١٢٣٤٥٦٧٨٩٠",
    "full_width": "08" + "１２３４５６７８９０",
    "devanagari": "08" + "१२३४५६७८९०",
    "one_digit_mixed": "0812345678٩0",
    "all_arabic_indic": "٠٨١٢٣٤٥٦٧٨٩٠",
}


@pytest.mark.parametrize("phone", NON_ASCII_PHONES.values(), ids=NON_ASCII_PHONES.keys())
def test_phone_non_ascii_digits_refused(client, phone):
    assert phone.isdigit() and not phone.isascii()  # digits to Python, not to a phone network
    with pytest.raises(ValueError, match="phone"):
        normalize_phone(phone)
    assert_refused(client, "Enter an Indonesian mobile number", phone=phone)


def test_phone_huge_value_refused(client):
    assert_refused(client, "Enter an Indonesian mobile number", phone="0812" * 25_000)
