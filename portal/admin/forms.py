"""Admin forms. Every field has a label; messages say what to do next. Cross-checks that need
the database live in admin.services."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.models import Role
from portal.catalogue.formspec import DOCUMENT_TYPES, KEY_RE, PREFILL_SOURCES, field_types
from portal.catalogue.formspec.patterns import pattern_problem
from portal.catalogue.models import Sector
from portal.catalogue.services import SLUG_RE
from portal.forms import ActionForm, Stripped, StrippedText, required  # noqa: F401 - ActionForm re-exported


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CategoryForm(FlaskForm):
    slug = Stripped(
        _l("Web address name"),
        validators=[required(), Length(max=80)],
        description=_l("Lower-case letters, digits and -, e.g. izin-reklame. It cannot be changed later."),
    )
    code = Stripped(_l("Code (in permit numbers)"), validators=[required(), Length(max=16)])
    name_id = Stripped(_l("Name (Indonesian)"), validators=[required(), Length(max=200)])
    name_en = Stripped(_l("Name (English)"), validators=[required(), Length(max=200)])
    summary_id = Stripped(_l("Summary (Indonesian)"), validators=[Optional(), Length(max=500)])
    summary_en = Stripped(_l("Summary (English)"), validators=[Optional(), Length(max=500)])
    description_id = StrippedText(_l("Description (Indonesian)"), validators=[Length(max=10000)])
    description_en = StrippedText(_l("Description (English)"), validators=[Length(max=10000)])
    sector = SelectField(_l("Sector"), choices=[])
    time_limit_days = IntegerField(
        _l("Processing time (working days)"),
        validators=[DataRequired(message=_l("Enter a whole number of days.")), NumberRange(min=1, max=365)],
    )
    cost_rupiah = IntegerField(
        _l("Fee (rupiah, 0 = free)"), default=0, validators=[Optional(), NumberRange(min=0, max=10**12)]
    )
    cost_note_id = StrippedText(_l("Fee note (Indonesian)"), validators=[Length(max=2000)])
    cost_note_en = StrippedText(_l("Fee note (English)"), validators=[Length(max=2000)])
    legal_basis = StrippedText(_l("Legal basis (one per line)"), validators=[Length(max=10000)])
    output_id = StrippedText(_l("Output (Indonesian)"), validators=[Length(max=2000)])
    output_en = StrippedText(_l("Output (English)"), validators=[Length(max=2000)])
    validity_months = IntegerField(
        _l("Validity (months; empty = no expiry)"), validators=[Optional(), NumberRange(min=1, max=1200)]
    )
    permit_number_pattern = Stripped(
        _l("Permit number pattern"),
        default="503/{code}/DPMPTSP/{year}/{seq:05}",
        validators=[required(), Length(max=120)],
        description=_l(
            "Use {code}, {year} and {seq} (and {month} if you like), e.g. 503/{code}/DPMPTSP/{year}/{seq:05}."
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = [SelectChoice(s.value, s.label) for s in Sector]
        if editing:
            del self.slug

    def validate_slug(self, field):
        if not SLUG_RE.fullmatch(field.data or ""):
            raise ValidationError(
                _l("Use lower-case letters, digits and - only (start with a letter or digit).")
            )

    def data_for_service(self) -> dict[str, Any]:
        data = {name: f.data for name, f in self._fields.items() if name not in ("csrf_token",)}
        if data.get("cost_rupiah") is None:
            data["cost_rupiah"] = 0
        for name in ("summary_id", "summary_en"):
            data[name] = data.get(name) or ""
        return data


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


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[
            required(),
            Email(
                message=_l("Enter an email address like name@example.com."),
                check_deliverability=False,
                test_environment=True,
                allow_smtputf8=False,
            ),
            Length(max=254),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )
    full_name = Stripped(_l("Full name"), validators=[required(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), choices=[])
    locale = SelectField(
        _l("Language of the email"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = staff_role_choices()

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one role."))


ROLE_LABELS = {
    Role.APPLICANT: _l("Applicant"),
    Role.OFFICER: _l("Officer"),
    Role.APPROVER: _l("Approver"),
    Role.HELPDESK: _l("Help desk"),
    Role.ADMIN: _l("Admin"),
}


def staff_role_choices():
    staff = (Role.OFFICER, Role.APPROVER, Role.HELPDESK, Role.ADMIN)
    return [SelectChoice(r.value, ROLE_LABELS[r]) for r in staff]


class RolesForm(FlaskForm):
    roles = MultiCheckboxField(_l("Roles"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [SelectChoice(r.value, ROLE_LABELS[r]) for r in Role]


class FindUserForm(FlaskForm):
    class Meta:
        csrf = False

    email = EmailField(_l("Find an account by email"), validators=[Optional(), Length(max=254)])


class SettingsForm(FlaskForm):
    name = Stripped(_l("Office name"), validators=[Optional(), Length(max=300)])
    short_name = Stripped(_l("Short name"), validators=[Optional(), Length(max=60)])
    city = Stripped(_l("City"), validators=[Optional(), Length(max=120)])
    address = Stripped(_l("Address"), validators=[Optional(), Length(max=500)])
    phone = Stripped(_l("Telephone"), validators=[Optional(), Length(max=60)])
    whatsapp = Stripped(_l("WhatsApp"), validators=[Optional(), Length(max=60)])
    email = Stripped(
        _l("Email"),
        validators=[
            Optional(),
            Email(
                message=_l("Enter an email address like name@example.com."),
                check_deliverability=False,
                test_environment=True,
            ),
            Length(max=254),
        ],
    )
    hours = Stripped(_l("Office hours"), validators=[Optional(), Length(max=300)])


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date like 2026-08-17."))])
    name = Stripped(_l("Name"), validators=[required(), Length(max=120)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("national", _l("National holiday")),
            SelectChoice("joint_leave", _l("Joint leave day")),
            SelectChoice("local", _l("Local holiday")),
        ],
    )


class RegisterSettingForm(FlaskForm):
    """One permit type's place in the public register of issued permits."""

    published = BooleanField(_l("List its issued permits in the public register"))
    # The choices are the category's text fields; permits.register checks the one sent.
    business_name_field = SelectField(_l("Answer that names the business"), validate_choice=False)


class LetterheadForm(FlaskForm):
    """The coat of arms or office logo on every permit letter."""

    logo = FileField(
        _l("Coat of arms or office logo (PNG or JPEG)"),
        description=_l(
            "At most 2 MB and 2000 x 2000 pixels; a square picture with a plain background prints best."
        ),
    )


class CategoryLetterForm(FlaskForm):
    """One permit type's letter: its layout and the answers printed on it."""

    layout = RadioField(
        _l("Layout"),
        choices=[
            SelectChoice("letter", _l("Letter (surat keterangan)")),
            SelectChoice("certificate", _l("Certificate (framed, the holder's name large)")),
        ],
        validators=[DataRequired(message=_l("Choose the letter or the certificate layout."))],
    )
    fields = MultiCheckboxField(_l("Answers printed on the permit"), choices=[], validate_choice=False)


class StaffProfileForm(FlaskForm):
    """What a permit letter prints under the approver's name."""

    position = Stripped(
        _l("Position (jabatan)"),
        validators=[Optional(), Length(max=120)],
        description=_l("Printed above the signature, e.g. Kepala Dinas Penanaman Modal dan PTSP."),
    )
    rank = Stripped(_l("Rank (pangkat/golongan)"), validators=[Optional(), Length(max=80)])
    nip = Stripped(
        _l("NIP"),
        validators=[Optional(), Length(max=21)],
        description=_l("The 18-digit civil servant number; spaces are allowed."),
    )

    def validate_nip(self, field):
        digits = re.sub(r"\s", "", field.data or "")
        if digits and not re.fullmatch(r"\d{18}", digits):
            raise ValidationError(_l("A NIP has 18 digits."))
        field.data = digits
