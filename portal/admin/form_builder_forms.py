"""The form builder's forms: one field, one page, one document of a category's form draft.
Cross-checks that need the database live in admin.services.form_builder."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.admin.forms import MultiCheckboxField
from portal.catalogue.formspec import DOCUMENT_TYPES, KEY_RE, PREFILL_SOURCES, field_types
from portal.catalogue.formspec.patterns import pattern_problem
from portal.forms import Stripped, StrippedText, required

OPTION_LINE_HELP = _l("One option per line: value | Indonesian label | English label")


class FieldForm(FlaskForm):
    key = Stripped(
        _l("Key"),
        validators=[required(), Length(max=40)],
        description=_l(
            "Lower-case letters, digits and _, starting with a letter; "
            "unique in the form. Answers are stored under it."
        ),
    )
    type = SelectField(_l("Type"), choices=[])
    label_id = Stripped(_l("Label (Indonesian)"), validators=[required(), Length(max=300)])
    label_en = Stripped(_l("Label (English)"), validators=[Optional(), Length(max=300)])
    help_id = StrippedText(_l("Help text (Indonesian)"), validators=[Length(max=2000)])
    help_en = StrippedText(_l("Help text (English)"), validators=[Length(max=2000)])
    required = BooleanField(_l("Required"))
    page = SelectField(_l("Page"), choices=[])
    options = StrippedText(
        _l("Options (select, radio, checkbox list)"),
        description=OPTION_LINE_HELP,
        validators=[Length(max=10000)],
    )
    min = Stripped(_l("Smallest number allowed"), validators=[Optional(), Length(max=30)])
    max = Stripped(_l("Largest number allowed"), validators=[Optional(), Length(max=30)])
    min_length = IntegerField(
        _l("Fewest characters"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    max_length = IntegerField(_l("Most characters"), validators=[Optional(), NumberRange(min=0, max=100000)])
    pattern = Stripped(
        _l("Pattern (regular expression)"),
        validators=[Optional()],
        description=_l("The whole answer must match, e.g. [0-9]{5} for a postal code."),
    )
    pattern_message_id = Stripped(
        _l("Message when the pattern does not match (Indonesian)"), validators=[Optional(), Length(max=300)]
    )
    pattern_message_en = Stripped(
        _l("Message when the pattern does not match (English)"), validators=[Optional(), Length(max=300)]
    )
    date_rule = SelectField(_l("Date rule"), choices=[])
    # Not posted by older forms (or a test's field post): nothing chosen, not an error.
    prefill = SelectField(
        _l("Fill in from the applicant's account"),
        choices=[],
        validate_choice=False,
        description=_l(
            "The applicant sees it filled in and can still change it; the field's rules still apply."
        ),
    )
    show_if_field = SelectField(_l("Show only if this field…"), choices=[])
    show_if_equals = Stripped(
        _l("…has this answer (an option value; yes/no for a tick box)"),
        validators=[Optional(), Length(max=200)],
    )

    def __init__(self, *args, pages=(), other_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = [SelectChoice(t.name, t.title) for t in field_types()]
        self.page.choices = [
            SelectChoice(p["key"], f"{p.get('title_id') or p['key']} ({p['key']})") for p in pages
        ]
        self.date_rule.choices = [
            SelectChoice("", _l("Any date")),
            SelectChoice("past", _l("Today or earlier")),
            SelectChoice("future", _l("Today or later")),
        ]
        self.prefill.choices = [
            SelectChoice("", _l("(not filled in)")),
            SelectChoice("full_name", _l("Full name")),
            SelectChoice("nik", _l("NIK")),
            SelectChoice("phone", _l("Phone number")),
            SelectChoice("email", _l("Email address")),
            SelectChoice("address", _l("Home address")),
        ]
        self._other_fields = {f["key"]: f for f in other_fields}
        self.show_if_field.choices = [SelectChoice("", _l("(always shown)"))] + [
            SelectChoice(f["key"], f"{f.get('label_id') or f['key']} ({f['key']})") for f in other_fields
        ]

    def validate_prefill(self, field):
        if (field.data or "") not in ("", *PREFILL_SOURCES):
            raise ValidationError(_l("Choose one of the listed account details."))

    def validate_key(self, field):
        if not KEY_RE.fullmatch(field.data or ""):
            raise ValidationError(
                _l("Use lower-case letters, digits and _ only, starting with a letter (at most 40).")
            )

    def validate_pattern(self, field):
        """Checked when saved: compiles, ASCII, short, and no shape that makes matching slow."""
        if field.data:
            problem = pattern_problem(field.data)
            if problem:
                raise ValidationError(problem)

    def validate_options(self, field):
        try:
            self.parsed_options()
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_min(self, field):
        if _number(field.data) is _BAD:
            raise ValidationError(_l("Enter a number, e.g. 0 or 2.5."))

    validate_max = validate_min

    def parsed_options(self) -> list[dict[str, str]]:
        options = []
        for n, line in enumerate((self.options.data or "").split("\n"), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            value = parts[0]
            if not value:
                raise ValueError(str(_l("Option line %(n)s has no value before the first |.", n=n)))
            options.append(
                {
                    "value": value,
                    "label_id": parts[1] if len(parts) > 1 and parts[1] else value,
                    "label_en": parts[2] if len(parts) > 2 else "",
                }
            )
        return options

    def to_field(self) -> dict[str, Any]:
        show_if = None
        if self.show_if_field.data:
            controller = self._other_fields.get(self.show_if_field.data, {})
            equals: Any = self.show_if_equals.data or ""
            if controller.get("type") == "checkbox" and not controller.get("options"):
                equals = equals.strip().lower() in ("y", "yes", "ya", "true", "1", "on")
            show_if = {"field": self.show_if_field.data, "equals": equals}
        return {
            "key": self.key.data,
            "type": self.type.data,
            "label_id": self.label_id.data,
            "label_en": self.label_en.data or "",
            "help_id": self.help_id.data or "",
            "help_en": self.help_en.data or "",
            "required": bool(self.required.data),
            "page": self.page.data,
            "options": self.parsed_options(),
            "min": _number(self.min.data),
            "max": _number(self.max.data),
            "min_length": self.min_length.data,
            "max_length": self.max_length.data,
            "pattern": self.pattern.data or None,
            "pattern_message_id": self.pattern_message_id.data or "",
            "pattern_message_en": self.pattern_message_en.data or "",
            "date_rule": self.date_rule.data or None,
            "show_if": show_if,
            "prefill": self.prefill.data or None,
        }

    def fill_from(self, field: dict[str, Any]) -> None:
        for name in (
            "key",
            "type",
            "label_id",
            "label_en",
            "help_id",
            "help_en",
            "page",
            "min_length",
            "max_length",
            "pattern",
            "pattern_message_id",
            "pattern_message_en",
        ):
            getattr(self, name).data = field.get(name)
        self.required.data = bool(field.get("required"))
        self.date_rule.data = field.get("date_rule") or ""
        self.prefill.data = field.get("prefill") or ""
        self.min.data = "" if field.get("min") is None else str(field["min"])
        self.max.data = "" if field.get("max") is None else str(field["max"])
        self.options.data = "\n".join(
            " | ".join([str(o.get("value", "")), o.get("label_id", "") or "", o.get("label_en", "") or ""])
            for o in field.get("options") or []
        )
        cond = field.get("show_if") or {}
        self.show_if_field.data = cond.get("field", "")
        equals = cond.get("equals", "")
        self.show_if_equals.data = ("yes" if equals else "no") if isinstance(equals, bool) else str(equals)


_BAD = object()


def _number(text: str | None):
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    if re.fullmatch(r"[-+]?\d{1,16}", text):
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _BAD
    if not value.is_finite() or abs(value) > 10**15:
        return _BAD
    return float(value)


class PageForm(FlaskForm):
    page_key = Stripped(
        _l("Page key"),
        validators=[required(), Length(max=40)],
        description=_l("Lower-case letters, digits and _, e.g. business."),
    )
    title_id = Stripped(_l("Page title (Indonesian)"), validators=[required(), Length(max=200)])
    title_en = Stripped(_l("Page title (English)"), validators=[Optional(), Length(max=200)])


class DocumentForm(FlaskForm):
    key = Stripped(
        _l("Key"),
        validators=[required(), Length(max=40)],
        description=_l("Lower-case letters, digits and _, e.g. ktp."),
    )
    label_id = Stripped(_l("Name of the document (Indonesian)"), validators=[required(), Length(max=300)])
    label_en = Stripped(_l("Name of the document (English)"), validators=[Optional(), Length(max=300)])
    description_id = StrippedText(_l("Description (Indonesian)"), validators=[Length(max=2000)])
    description_en = StrippedText(_l("Description (English)"), validators=[Length(max=2000)])
    allowed_types = MultiCheckboxField(
        _l("Allowed file types"), choices=[SelectChoice(t, t.upper()) for t in DOCUMENT_TYPES]
    )
    max_mb = DecimalField(
        _l("Largest file (MB)"),
        default=Decimal(5),
        places=None,
        validators=[
            DataRequired(message=_l("Enter a size in MB, e.g. 5.")),
            NumberRange(min=Decimal("0.1"), max=50),
        ],
    )
    required = BooleanField(_l("Required"), default=True)
    max_files = IntegerField(
        _l("Most files"),
        default=1,
        validators=[DataRequired(message=_l("Enter a number from 1 to 20.")), NumberRange(min=1, max=20)],
    )
    sample = FileField(
        _l("Sample file (PDF, JPEG or PNG)"),
        description=_l("Shown to applicants as an example. It must be one of the allowed types."),
    )
    remove_sample = BooleanField(_l("Remove the sample"))

    def validate_key(self, field):
        if not KEY_RE.fullmatch(field.data or ""):
            raise ValidationError(
                _l("Use lower-case letters, digits and _ only, starting with a letter (at most 40).")
            )

    def validate_allowed_types(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one file type."))

    def to_document(self) -> dict[str, Any]:
        max_mb = float(self.max_mb.data)
        return {
            "key": self.key.data,
            "label_id": self.label_id.data,
            "label_en": self.label_en.data or "",
            "description_id": self.description_id.data or "",
            "description_en": self.description_en.data or "",
            "allowed_types": [t for t in DOCUMENT_TYPES if t in self.allowed_types.data],
            "max_mb": int(max_mb) if max_mb.is_integer() else max_mb,
            "required": bool(self.required.data),
            "max_files": self.max_files.data,
        }
