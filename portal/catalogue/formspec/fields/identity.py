"""Indonesian identifiers and contacts: a mobile number, the NIK (national ID), the KK number
(family card), the NPWP (tax ID) and the NIB (business ID). Cleaned to "+628..." for phones,
digits only for the others; all may be typed in groups with spaces, dots or dashes."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.registry import FieldType, Widget, register
from portal.validation import NikError, compact_digits, normalize_kk, normalize_nik, normalize_phone

_ID_NUMBER = Widget(inputmode="numeric", plain=True)


def _compact(text: str) -> str:
    """The digits as typed, without the spaces, dots and dashes people write between groups."""
    return compact_digits(text)


@register
class Phone(FieldType):
    name = "phone"
    title = _l("Mobile number")
    position = 110
    widget = Widget(input_type="tel", inputmode="tel", autocomplete="tel")

    def clean_text(self, f: FieldSpec, text: str) -> str:
        try:
            return normalize_phone(text)
        except ValueError as exc:
            raise Invalid(
                "invalid_phone", _("Enter a mobile number like 0812 3456 7890 or +62 812 3456 7890.")
            ) from exc


@register
class Nik(FieldType):
    name = "nik"
    title = _l("NIK")
    position = 120
    widget = _ID_NUMBER

    def clean_text(self, f: FieldSpec, text: str) -> str:
        try:
            return normalize_nik(text)
        except NikError as exc:
            raise Invalid(
                "invalid_nik", _("Enter the 16-digit NIK exactly as printed on the e-KTP (identity card).")
            ) from exc


@register
class Kk(FieldType):
    name = "kk"
    title = _l("Family card number (KK)")
    position = 125
    widget = _ID_NUMBER

    def clean_text(self, f: FieldSpec, text: str) -> str:
        try:
            return normalize_kk(text)
        except ValueError as exc:
            raise Invalid(
                "invalid_kk",
                _("Enter the 16-digit number of the family card (Kartu Keluarga) exactly as printed on it."),
            ) from exc


@register
class Npwp(FieldType):
    name = "npwp"
    title = _l("Tax ID (NPWP)")
    position = 130
    widget = _ID_NUMBER

    def clean_text(self, f: FieldSpec, text: str) -> str:
        compact = _compact(text)
        if not re.fullmatch(r"[0-9]{15}|[0-9]{16}", compact):
            raise Invalid(
                "invalid_npwp",
                _("Enter the NPWP (tax ID) of 15 or 16 digits, for example 01.234.567.8-901.000."),
            )
        return compact

    def display(self, f: FieldSpec, value: Any) -> str:
        digits = str(value)
        if len(digits) == 15:
            return f"{digits[0:2]}.{digits[2:5]}.{digits[5:8]}.{digits[8]}-{digits[9:12]}.{digits[12:15]}"
        return digits


@register
class Nib(FieldType):
    name = "nib"
    title = _l("Business ID (NIB)")
    position = 140
    widget = _ID_NUMBER

    def clean_text(self, f: FieldSpec, text: str) -> str:
        compact = _compact(text)
        if not re.fullmatch(r"[0-9]{13}", compact):
            raise Invalid(
                "invalid_nib", _("Enter the NIB (business ID) of 13 digits from your OSS registration.")
            )
        return compact
