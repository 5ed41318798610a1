"""Forms of the staff second factor: the code prompt and the enrolment's first code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        description=_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        validators=[Length(max=40, message=_l("The code is 6 digits, or a recovery code like ABCDE-FGHJK."))],
    )
    remember = BooleanField(
        _l("Remember this device for 12 hours"),
        description=_l("Only on your own work computer, never on a shared one."),
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        description=_l("After adding the account, type the 6-digit code the app shows."),
        validators=[Length(max=40, message=_l("The code is 6 digits."))],
    )
