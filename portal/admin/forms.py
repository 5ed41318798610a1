"""Admin forms. Every field has a label; messages say what to do next. Cross-checks that need
the database live in admin.services. The form builder's forms are in ``form_builder_forms``."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
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
from portal.catalogue.models import HolderKind, Sector
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
    holder_kind = SelectField(
        _l("Who may hold the permit"),
        choices=[],
        default=HolderKind.PERSON.value,
        description=_l(
            "A business holds it through its owners and directors, who choose it when they apply."
        ),
    )
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
        self.holder_kind.choices = [SelectChoice(k.value, k.label) for k in HolderKind]
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
