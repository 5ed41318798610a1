"""The "My data" page's form: closing the account (which withdraws the consent)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired


class CloseAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your current password"),
        description=_l("To be sure it is you."),
        validators=[DataRequired(message=_l("Type your current password to close the account."))],
    )
