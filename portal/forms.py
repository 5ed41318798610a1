"""Form pieces every feature's staff pages share: text fields that strip what is typed, the
"please fill in" check, and the CSRF-only form behind action buttons."""

from __future__ import annotations

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired


def required():
    return DataRequired(message=_l("Please fill in this field."))


class Stripped(StringField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.strip()


class StrippedText(TextAreaField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, str):
            self.data = self.data.replace("\r\n", "\n").strip()


class ActionForm(FlaskForm):
    """CSRF only: buttons that move, delete, publish, activate."""


def check_action() -> None:
    """A button form (move, delete, publish...): its CSRF token must be valid, else 400."""
    if not ActionForm().validate_on_submit():
        abort(400)
