"""An email address."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.fields.text import TextLike
from portal.catalogue.formspec.registry import Widget, register


@register
class Email(TextLike):
    name = "email"
    title = _l("Email address")
    position = 100
    default_max_length = 254
    widget = Widget(input_type="email", autocomplete="email", maxlength=True)

    def clean_text(self, f: FieldSpec, text: str) -> str:
        message = _("Enter an email address like name@example.com.")
        if len(text) > 254:
            raise Invalid("invalid_email", message)
        try:
            result = validate_email(text, check_deliverability=False)
        except EmailNotValidError as exc:
            raise Invalid("invalid_email", message) from exc
        return self.checked_text(f, result.normalized)
