"""The approver's revocation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.permits.services import MAX_REASON_LENGTH


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for revoking"),
        description=_l("Shown to the permit holder and on the public verification page."),
        validators=[
            DataRequired(message=_l("Give the reason for revoking the permit.")),
            Length(
                max=MAX_REASON_LENGTH,
                message=_l("The reason is too long (at most %(limit)s characters).", limit=MAX_REASON_LENGTH),
            ),
        ],
    )
    submit = SubmitField(_l("Revoke the permit"))


class CheckForm(FlaskForm):
    """The public check page: one PDF, read and dropped."""

    file = FileField(
        _l("The permit file (PDF)"),
        description=_l("The file is checked and not kept."),
        validators=[FileRequired(message=_l("Choose the PDF file of the permit."))],
    )
    submit = SubmitField(_l("Check the file"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Verification code"),
        description=_l("The 8 letters and digits under the QR code, for example K7QM-4TXD."),
        validators=[
            DataRequired(message=_l("Type the verification code.")),
            Length(max=20, message=_l("The verification code has 8 letters and digits.")),
        ],
    )
    submit = SubmitField(_l("Check the code"))


class RenewForm(FlaskForm):
    """ "Perpanjang": one button (its CSRF token is the whole form)."""

    submit = SubmitField(_l("Renew"))
