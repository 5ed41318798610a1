"""The admin's forms for the API: partner tokens and webhook endpoints."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.admin.forms import MultiCheckboxField
from portal.forms import Stripped, required


class TokenForm(FlaskForm):
    name = Stripped(
        _l("Partner"),
        validators=[required(), Length(max=120)],
        description=_l("Who the token is for, e.g. Dinas PUPR (technical recommendations)."),
    )
    all_categories = BooleanField(_l("May read the applications of every permit type"))
    categories = MultiCheckboxField(_l("Or only these permit types"), choices=[])
    expires_in_days = IntegerField(
        _l("Valid for (days)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=730, message=_l("Give a number of days from 1 to 730.")),
        ],
        description=_l("Leave empty for a token that does not expire."),
    )
    rate_limit_per_minute = IntegerField(
        _l("Requests a minute"),
        default=60,
        validators=[
            required(),
            NumberRange(min=1, max=10000, message=_l("Give a number of requests from 1 to 10000.")),
        ],
    )

    def validate_categories(self, field: MultiCheckboxField) -> None:
        if not self.all_categories.data and not field.data:
            raise ValidationError(_l("Choose every permit type or at least one."))


class WebhookForm(FlaskForm):
    name = Stripped(_l("Partner"), validators=[required(), Length(max=120)])
    url = Stripped(
        _l("Address (https://...)"),
        validators=[required(), Length(max=500)],
        description=_l("Every status change is posted there, signed with the secret shown after saving."),
    )
    categories = MultiCheckboxField(
        _l("Only these permit types"),
        choices=[],
        description=_l("Leave all unticked to hear of every permit type."),
    )
