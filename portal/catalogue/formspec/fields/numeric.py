"""Numbers: whole numbers, numbers with decimals, and rupiah amounts.

Decimal input takes one decimal separator, "." or "," (Indonesian writes 1,5); thousands
separators are refused for decimals because "1.500" would be ambiguous. Rupiah amounts accept
thousands separators ("1.500.000", "Rp 1.500.000", "1,500,000", "Rp1.500.000,-",
"1.500.000,00")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid, format_money, format_number
from portal.catalogue.formspec.definition import NUMBER_LIMIT, FieldSpec
from portal.catalogue.formspec.registry import FieldType, Widget, register
from portal.i18n import rupiah

_NON_FINITE = re.compile(r"[-+]?(nan|snan|inf|infinity)", re.IGNORECASE)
_EXPONENT = re.compile(r"[-+]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+")


def _overflows(text: str) -> bool:
    try:
        text = text.replace(",", ".")
        return not Decimal(text).is_finite() or abs(float(text)) == float("inf")
    except (InvalidOperation, ValueError, OverflowError):
        return True


def _refuse_non_finite(compact: str, message: str) -> None:
    """NaN, infinity and exponents too large to hold are refused as "not_finite"."""
    if _NON_FINITE.fullmatch(compact) or (_EXPONENT.fullmatch(compact) and _overflows(compact)):
        raise Invalid("not_finite", message)


class Numeric(FieldType):
    money = False

    def check_range(self, f: FieldSpec, value: int | Decimal) -> None:
        low = f.min if f.min is not None else (0 if self.money else -NUMBER_LIMIT)
        high = f.max if f.max is not None else NUMBER_LIMIT
        if Decimal(str(low)) <= Decimal(str(value)) <= Decimal(str(high)):
            return
        fmt = format_money if self.money else format_number
        if f.min is not None and f.max is not None:
            message = _(
                "%(label)s must be between %(low)s and %(high)s.", label=f.label, low=fmt(low), high=fmt(high)
            )
        elif value < low:
            message = _("%(label)s must be at least %(low)s.", label=f.label, low=fmt(low))
        else:
            message = _("%(label)s must be at most %(high)s.", label=f.label, high=fmt(high))
        raise Invalid("out_of_range", message)

    def display(self, f: FieldSpec, value: Any) -> str:
        return format_number(value)


@register
class Number(Numeric):
    """A whole number, cleaned to an int."""

    name = "number"
    title = _l("Whole number")
    position = 30
    widget = Widget(inputmode="numeric")

    def clean_text(self, f: FieldSpec, text: str) -> int:
        message = _("Enter %(label)s as a whole number using digits only, for example 12.", label=f.label)
        compact = re.sub(r"\s", "", text)
        if _NON_FINITE.fullmatch(compact):
            raise Invalid("not_finite", message)
        if len(compact) > 20 or not re.fullmatch(r"[-+]?[0-9]+", compact):
            _refuse_non_finite(compact, message)
            raise Invalid("invalid_number", message)
        value = int(compact)
        self.check_range(f, value)
        return value


@register
class DecimalNumber(Numeric):
    """A number with decimals, cleaned to its canonical text with "." ("1.5"), exact."""

    name = "decimal"
    title = _l("Number with decimals")
    position = 40
    widget = Widget(inputmode="decimal")

    def clean_text(self, f: FieldSpec, text: str) -> str:
        message = _("Enter %(label)s as a number, for example 12 or 12,5.", label=f.label)
        compact = re.sub(r"\s", "", text)
        _refuse_non_finite(compact, message)
        match = re.fullmatch(r"([-+]?)([0-9]{1,15})(?:[.,]([0-9]{1,10}))?", compact)
        if not match:
            raise Invalid("invalid_number", message)
        sign, whole, frac = match.groups()
        value = Decimal(f"{sign}{whole}.{frac or '0'}")
        if not value.is_finite():  # pragma: no cover - the pattern admits only finite numbers
            raise Invalid("not_finite", message)
        self.check_range(f, value)
        normalized = format(value.normalize(), "f")
        return "0" if normalized in ("-0", "+0") else normalized


@register
class Rupiah(Numeric):
    """An amount of rupiah of 0 or more, cleaned to an int."""

    name = "rupiah"
    title = _l("Amount in rupiah")
    position = 50
    money = True
    widget = Widget(inputmode="numeric", prefix="Rp")

    def clean_text(self, f: FieldSpec, text: str) -> int:
        message = _("Enter %(label)s as an amount in rupiah, for example 1.500.000.", label=f.label)
        compact = re.sub(r"\s", "", text)
        compact = re.sub(r"^[Rr][Pp]\.?", "", compact)
        compact = re.sub(r",-$", "", compact)
        _refuse_non_finite(compact, message)
        negative = compact.startswith("-")
        if negative:
            compact = compact[1:]
        digits = None
        for pattern in (
            r"([0-9]{1,3}(?:\.[0-9]{3})+)(?:,0{1,2})?",  # 1.500.000 / 1.500.000,00
            r"([0-9]{1,3}(?:,[0-9]{3})+)(?:\.0{1,2})?",  # 1,500,000 / 1,500,000.00
            r"([0-9]{1,18})(?:[.,]0{1,2})?",
        ):  # 1500000 / 1500000,00
            match = re.fullmatch(pattern, compact)
            if match:
                digits = re.sub(r"[.,]", "", match.group(1))
                break
        if digits is None:
            raise Invalid("invalid_number", message)
        value = int(digits)
        if negative and value != 0:
            raise Invalid(
                "out_of_range",
                _("%(label)s cannot be negative. Enter an amount of Rp 0 or more.", label=f.label),
            )
        self.check_range(f, value)
        return value

    def display(self, f: FieldSpec, value: Any) -> str:
        try:
            return rupiah(int(value))
        except (TypeError, ValueError):
            return str(value)
