"""The business pages' forms. The fields' rules (13-digit NIB, 15/16-digit NPWP...) are checked
by ``services.check_profile``, whose messages the views put on the fields, so the same rules
hold for every caller."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from portal.business.models import LEGAL_FORM_LABELS, MEMBER_ROLE_LABELS, LegalForm, MemberRole
from portal.business.services import Profile


class BusinessForm(FlaskForm):
    name = StringField(_l("Business name"), validators=[Length(max=200)])
    legal_form = SelectField(_l("Legal form"), choices=[], validate_choice=False)
    nib = StringField(
        _l("NIB (Nomor Induk Berusaha)"),
        validators=[Length(max=40)],
        description=_l("13 digits, as on the NIB from OSS."),
    )
    npwp = StringField(
        _l("Business NPWP"),
        validators=[Length(max=40)],
        description=_l("15 or 16 digits. You can type it as on the card: 01.234.567.8-901.000."),
    )
    deed_number = StringField(
        _l("Deed or AHU number"),
        validators=[Length(max=100)],
        description=_l("The deed of establishment or the AHU decree number, if the business has one."),
    )
    address = TextAreaField(_l("Business address"), validators=[Length(max=600)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_form.choices = [SelectChoice("", _l("Choose…"))] + [
            SelectChoice(form.value, LEGAL_FORM_LABELS[form]) for form in LegalForm
        ]

    def profile(self) -> Profile:
        return Profile(
            name=self.name.data or "",
            legal_form=self.legal_form.data or "",
            nib=self.nib.data or "",
            npwp=self.npwp.data or "",
            deed_number=self.deed_number.data or "",
            address=self.address.data or "",
        )


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, MEMBER_ROLE_LABELS[role]) for role in MemberRole]


class MemberForm(FlaskForm):
    email = EmailField(_l("Email address of the member's account"), validators=[Length(max=254)])
    # The least the owner gives by default: staff (files nothing, sees nothing).
    role = SelectField(_l("Role"), choices=[], validate_choice=False, default=MemberRole.STAFF.value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _role_choices()


class ButtonForm(FlaskForm):
    """A button's post (remove, leave): the CSRF token only."""
