"""Choices from the definition's options: a drop-down, radio buttons, tick boxes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import TRUTHY, Invalid, truthy
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.registry import FieldType, Widget, register


@register
class Select(FieldType):
    """One option, cleaned to its value."""

    name = "select"
    title = _l("Drop-down list")
    position = 70
    options = "required"
    widget = Widget("select")

    def clean_text(self, f: FieldSpec, text: str) -> str:
        if text not in f.option_values:
            raise Invalid("invalid_choice", _("Choose one of the options for %(label)s.", label=f.label))
        return text

    def required_message(self, f: FieldSpec) -> str:
        return _("Choose an answer for %(label)s.", label=f.label)

    def display(self, f: FieldSpec, value: Any) -> str:
        return f.option_label(value)


@register
class Radio(Select):
    name = "radio"
    title = _l("One choice (radio buttons)")
    position = 80
    widget = Widget("choices", input_type="radio")


@register
class Checkbox(FieldType):
    """With options, a list of tick boxes cleaned to the ticked values (in option order);
    without, one box cleaned to True or False."""

    name = "checkbox"
    title = _l("Tick box, or a list of tick boxes")
    position = 90
    options = "allowed"

    def clean(self, f: FieldSpec, posted: Any) -> list[str] | bool:
        if f.is_multi:
            chosen = [v.strip() for v in posted or [] if isinstance(v, str) and v.strip()]
            if any(v not in f.option_values for v in chosen):
                raise Invalid(
                    "invalid_choice", _("Choose only from the options listed for %(label)s.", label=f.label)
                )
            ordered = [v for v in f.option_values if v in chosen]
            if f.required and not ordered:
                raise Invalid("required", _("Tick at least one option for %(label)s.", label=f.label))
            return ordered
        checked = isinstance(posted, str) and posted.strip().lower() in TRUTHY
        if f.required and not checked:
            raise Invalid("required", _('Tick the box "%(label)s" to continue.', label=f.label))
        return checked

    def is_empty(self, f: FieldSpec, value: Any) -> bool:
        return super().is_empty(f, value) or (not f.is_multi and value is False)

    def widget_for(self, f: FieldSpec) -> Widget:
        return Widget("choices", input_type="checkbox") if f.is_multi else Widget("checkbox")

    def display(self, f: FieldSpec, value: Any) -> str:
        if f.is_multi:
            values = value if isinstance(value, list) else [value]
            return ", ".join(f.option_label(v) for v in values)
        return _("Yes") if value else _("No")

    def condition_hint(self, controller: FieldSpec, expected: Any) -> str:
        if controller.is_multi:
            return super().condition_hint(controller, expected)
        if truthy(expected):
            return _('Only needed if you ticked "%(label)s".', label=controller.label)
        return _('Only needed if you did not tick "%(label)s".', label=controller.label)
