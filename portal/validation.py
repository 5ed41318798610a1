"""Generic checks shared by every feature: Indonesian identity numbers (NIK), phone numbers and
text safe to show or put in an email header. Forms and services of any package use them."""

from __future__ import annotations

import re
from datetime import date

# Province codes (kode wilayah, Permendagri), including the new Papua provinces.
PROVINCE_CODES = frozenset(
    {
        11,
        12,
        13,
        14,
        15,
        16,
        17,
        18,
        19,
        21,
        31,
        32,
        33,
        34,
        35,
        36,
        51,
        52,
        53,
        61,
        62,
        63,
        64,
        65,
        71,
        72,
        73,
        74,
        75,
        76,
        81,
        82,
        91,
        92,
        93,
        94,
        95,
        96,
        97,
    }
)

_NIK_RE = re.compile(r"[0-9]{16}")
# C0 and C1 controls, DEL, zero-width and direction marks, the Unicode line and paragraph
# separators (str.splitlines and email headers treat them as line breaks), and the BOM.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


class NikError(ValueError):
    """Why a NIK is not valid; ``code`` is a stable key for messages and statistics."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def check_nik(value: str) -> str:
    """Return the NIK when it has the Dukcapil structure, else raise NikError.

    Structure: 2 digits province, 2 regency/city, 2 district, DDMMYY birth date (women add 40
    to the day), 4 digits serial from 0001. The year has no century, so a date is accepted when
    it exists in either 19YY or 20YY (29 February).
    """
    if not isinstance(value, str) or not _NIK_RE.fullmatch(value):
        raise NikError("format")
    province, regency, district = int(value[0:2]), int(value[2:4]), int(value[4:6])
    if province not in PROVINCE_CODES or regency == 0 or district == 0:
        raise NikError("region")
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if day > 40:
        day -= 40
    if not _date_exists(1900 + year, month, day) and not _date_exists(2000 + year, month, day):
        raise NikError("birth_date")
    if value[12:16] == "0000":
        raise NikError("serial")
    return value


#: What people type between groups of digits: spaces (also no-break), dots, dashes of any kind.
_GROUP_SEPARATORS = re.compile(r"[\s.\-\u00a0\u2010-\u2015\u2212]")


def compact_digits(value: str) -> str:
    """A number as typed in groups ("6472 0155 0774 0003", "6472.0155.0774.0003",
    "6472-0155-0774-0003") without the separators; anything else (letters, slashes, digits of
    other scripts) is kept so that the check after it refuses it."""
    if not isinstance(value, str):
        return ""
    return _GROUP_SEPARATORS.sub("", value[:60])


def normalize_nik(value: str) -> str:
    """The NIK as 16 digits, however it was typed in groups; raises NikError (see check_nik)."""
    return check_nik(compact_digits(value))


def normalize_kk(value: str) -> str:
    """The family card (Kartu Keluarga) number as 16 digits, however it was typed in groups:
    a known province code first and a serial that is not 0000. Raises ValueError."""
    digits = compact_digits(value)
    if (
        not _NIK_RE.fullmatch(digits)
        or int(digits[0:2]) not in PROVINCE_CODES
        or digits[2:4] == "00"
        or digits[12:16] == "0000"
    ):
        raise ValueError("kk")
    return digits


def _date_exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_PHONE_RE = re.compile(r"(?:\+62|62|0)(8[0-9]{7,11})")


def normalize_phone(value: str) -> str:
    """Indonesian mobile numbers (08..., +628..., 628...) to one form, +628...; spaces, dots and
    dashes are allowed in the input. Raises ValueError for anything else."""
    if not isinstance(value, str) or len(value) > 30:
        raise ValueError("phone")
    compact = re.sub(r"[()]", "", compact_digits(value))
    match = _PHONE_RE.fullmatch(compact)
    if not match:
        raise ValueError("phone")
    return "+62" + match.group(1)


def has_control_characters(value: str) -> bool:
    """Newlines, NUL, other control characters and text-direction overrides."""
    return bool(_CONTROL.search(value))


def clean_display_text(value: str) -> str:
    """Remove control and direction-override characters from text shown to people."""
    return _CONTROL.sub("", value)
