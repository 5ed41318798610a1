"""Free text: a line, a paragraph, an address."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.catalogue.formspec.common import Invalid
from portal.catalogue.formspec.definition import FieldSpec
from portal.catalogue.formspec.patterns import pattern_matches
from portal.catalogue.formspec.registry import FieldType, Widget, register
from portal.validation import clean_display_text


class TextLike(FieldType):
    """Shared by the text types: control characters removed, length limits, the pattern."""

    multiline = False

    def clean_text(self, f: FieldSpec, text: str) -> str | None:
        return self.checked_text(f, text) or None

    def checked_text(self, f: FieldSpec, text: str) -> str:
        if self.multiline:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            text = "\n".join(clean_display_text(line) for line in text.split("\n")).strip()
        else:
            text = clean_display_text(text).strip()
        if text == "":
            if f.required:
                raise Invalid("required", self.required_message(f))
            return text
        limit = f.effective_max_length
        if limit is not None and len(text) > limit:
            raise Invalid(
                "too_long",
                _(
                    "%(label)s is %(n)s characters long; shorten it to at most %(limit)s characters.",
                    label=f.label,
                    n=len(text),
                    limit=limit,
                ),
            )
        if f.min_length is not None and len(text) < f.min_length:
            raise Invalid(
                "too_short",
                _("%(label)s needs at least %(limit)s characters.", label=f.label, limit=f.min_length),
            )
        if f.pattern and not pattern_matches(f.pattern, text):
            raise Invalid(
                "pattern",
                f.pattern_message
                or _("%(label)s is not in the expected format. Check it and try again.", label=f.label),
            )
        return text


@register
class Text(TextLike):
    name = "text"
    title = _l("Short text")
    position = 10
    default_max_length = 500
    widget = Widget(maxlength=True)


@register
class Textarea(TextLike):
    name = "textarea"
    title = _l("Long text")
    position = 20
    multiline = True
    default_max_length = 5000
    widget = Widget("textarea", rows=5, maxlength=True)


@register
class Address(TextLike):
    name = "address"
    title = _l("Address")
    position = 150
    multiline = True
    default_max_length = 1000
    widget = Widget("textarea", rows=3, maxlength=True, autocomplete="street-address")
