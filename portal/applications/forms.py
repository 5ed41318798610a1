"""Small fixed forms of the wizard (the category's own form pages are built from its
definition by portal.catalogue.formspec)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length


class VersionedForm(FlaskForm):
    """A form carrying the version of the application the person saw (optimistic locking)."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class SubmitApplicationForm(VersionedForm):
    declaration = BooleanField(
        _l(
            "I declare that the information and documents I have given are true and complete, "
            "and I accept the consequences if they are not."
        )
    )
    submit = SubmitField(_l("Submit application"))


class WithdrawForm(VersionedForm):
    submit = SubmitField(_l("Withdraw application"))


class ResubmitForm(VersionedForm):
    submit = SubmitField(_l("Send corrections"))


class EmptyForm(FlaskForm):
    """CSRF only: uploads, removals, starting an application."""


class StatusCheckForm(FlaskForm):
    tracking_number = StringField(
        _l("Tracking number"),
        description=_l("For example SP-2026-000123."),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(max=20, message=_l("A tracking number looks like SP-2026-000123.")),
        ],
    )
    email = EmailField(
        _l("Email address used for the application"),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
        ],
    )
    submit = SubmitField(_l("Check status"))


class MandateForm(FlaskForm):
    """The representative adds a person who gave her a power of attorney, by their account's email."""

    principal_email = EmailField(
        _l("Email address of the person you represent"),
        validators=[
            DataRequired(_l("Enter the email address of the person you represent.")),
            Length(max=254),
        ],
        description=_l("They must already have an account on the portal with this address."),
    )
    submit = SubmitField(_l("Add"))


class BusinessMandateForm(FlaskForm):
    """An owner or director gives a representative a power of attorney for one of her businesses."""

    business_id = SelectField(_l("Business"), coerce=int, validate_choice=True)
    representative_email = EmailField(
        _l("Email address of the representative"),
        validators=[
            DataRequired(_l("Enter the email address of your representative.")),
            Length(max=254),
        ],
        description=_l("A consultant (biro jasa) or another person with an account on the portal."),
    )
    give = SubmitField(_l("Give the power of attorney"))


class ConsultantForm(FlaskForm):
    is_consultant = BooleanField(_l("I am a consultant (biro jasa) filing for many clients"))
    submit = SubmitField(_l("Save"))


class CoApplicantInviteForm(FlaskForm):
    email = StringField(_l("Co-applicant's email address"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send the invitation"))


class CoApplicantAnswerForm(FlaskForm):
    reason = TextAreaField(_l("Reason (needed if you decline)"), validators=[Length(max=2000)])
    confirm = SubmitField(_l("Confirm"))
    decline = SubmitField(_l("Decline"))
