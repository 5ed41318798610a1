"""Account forms. Every field has a label; errors are in the user's language and say what to do."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.auth import passwords
from portal.validation import NikError, has_control_characters, normalize_nik, normalize_phone

NIK_MESSAGES = {
    "format": _l("NIK must be exactly 16 digits, as printed on your KTP."),
    "region": _l("The first 6 digits of this NIK are not a known region code. Check your KTP."),
    "birth_date": _l("Digits 7 to 12 of this NIK are not a valid birth date. Check your KTP."),
    "serial": _l("The last 4 digits of a NIK cannot be 0000. Check your KTP."),
}


def _required():
    return DataRequired(message=_l("Please fill in this field."))


class StrippedStringField(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()


def validate_person_name(form, field) -> None:
    if field.data and has_control_characters(field.data):
        raise ValidationError(_l("The name may contain only letters, spaces and punctuation."))


def validate_new_password(form, field) -> None:
    problem = passwords.password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def validate_nik(form, field) -> None:
    """Accepts the NIK typed in groups (spaces, dots, dashes) and keeps its 16 digits."""
    try:
        field.data = normalize_nik(field.data or "")
    except NikError as exc:
        raise ValidationError(NIK_MESSAGES[exc.code]) from None


def validate_phone(form, field) -> None:
    try:
        field.data = normalize_phone(field.data or "")
    except ValueError:
        raise ValidationError(_l("Enter an Indonesian mobile number, for example 0812 3456 7890.")) from None


def _email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            _required(),
            Length(max=254, message=_l("An email address has at most 254 characters.")),
            # test_environment allows the reserved .test domain of the demo accounts
            # (applicant@demo.test); no DNS lookups are made either way.
            Email(
                message=_l("Enter an email address like name@example.com."),
                check_deliverability=False,
                test_environment=True,
                allow_smtputf8=False,
            ),
        ],
        filters=[lambda v: v.strip().lower() if isinstance(v, str) else v],
    )


def _name_field():
    return StrippedStringField(
        _l("Full name (as on your KTP)"),
        validators=[
            _required(),
            Length(max=120, message=_l("Use at most 120 characters.")),
            validate_person_name,
        ],
    )


def _phone_field():
    return StrippedStringField(
        _l("Mobile phone number"),
        description=_l("For example 0812 3456 7890."),
        validators=[_required(), validate_phone],
    )


def _new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        description=_l("At least 10 characters. A short sentence you remember works well."),
        validators=[_required(), validate_new_password],
    )


class RegisterForm(FlaskForm):
    full_name = _name_field()
    email = _email_field()
    nik = StrippedStringField(
        _l("NIK (16-digit national ID number)"),
        description=_l("The number on your KTP (identity card)."),
        validators=[_required(), validate_nik],
    )
    phone = _phone_field()
    password = _new_password_field()
    privacy_consent = BooleanField(
        _l("I have read the privacy notice and agree to the use of my personal data for my applications."),
        validators=[
            DataRequired(
                message=_l(
                    "Tick this box to register: the office needs your consent to process your applications."
                )
            )
        ],
    )
    submit = SubmitField(_l("Register"))


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[_required()])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    submit = SubmitField(_l("Save new password"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[_required()])
    new_password = _new_password_field(_l("New password"))
    submit = SubmitField(_l("Change password"))


def _clean_address(value):
    """Lines trimmed, empty ones dropped (a pasted address keeps its line breaks)."""
    if not isinstance(value, str):
        return value
    return "\n".join(" ".join(line.split()) for line in value.splitlines() if line.strip())


class ProfileForm(FlaskForm):
    full_name = _name_field()
    phone = _phone_field()
    address = TextAreaField(
        _l("Home address"),
        description=_l("Street and number, RT/RW, kelurahan, kecamatan. Forms can fill it in for you."),
        validators=[Optional(), Length(max=300, message=_l("Use at most 300 characters."))],
        filters=[_clean_address],
    )
    locale = RadioField(
        _l("Language"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
        validators=[_required()],
    )
    submit = SubmitField(_l("Save changes"))


class ResendVerificationForm(FlaskForm):
    submit = SubmitField(_l("Send the verification email again"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Log out"))


class LanguageForm(FlaskForm):
    pass
