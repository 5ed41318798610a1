"""A calendar date, optionally not after or not before today."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import has_app_context
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid, today
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.registry import FieldType, Widget, register


@register
class Date(FieldType):
    """Cleaned to "YYYY-MM-DD". ``date_rule`` "past" means today or earlier, "future" today or
    later (today in the office time zone)."""

    name = "date"
    title = _l("Date")
    position = 60
    widget = Widget(input_type="date")

    def clean_text(self, f: FieldSpec, text: str) -> str:
        message = _("Enter %(label)s as a real date, for example 2026-03-17.", label=f.label)
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise Invalid("invalid_date", message)
        try:
            value = date.fromisoformat(text)
        except ValueError as exc:
            raise Invalid("invalid_date", message) from exc
        if value.year < 1900 or value.year > 2200:
            raise Invalid("invalid_date", message)
        now = today()
        if f.date_rule == "past" and value > now:
            raise Invalid(
                "date_not_past",
                _("%(label)s cannot be in the future. Enter today's date or an earlier one.", label=f.label),
            )
        if f.date_rule == "future" and value < now:
            raise Invalid(
                "date_not_future",
                _("%(label)s cannot be in the past. Enter today's date or a later one.", label=f.label),
            )
        return value.isoformat()

    def required_message(self, f: FieldSpec) -> str:
        return _("Enter %(label)s.", label=f.label)

    def display(self, f: FieldSpec, value: Any) -> str:
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        if has_app_context():
            return format_date(parsed, "long")
        return parsed.isoformat()
