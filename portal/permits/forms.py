"""The approver's revocation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
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
