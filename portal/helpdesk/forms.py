"""Help desk forms and the applicant's assist-code buttons. Every field has a label."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from portal.helpdesk.models import Channel
from portal.params import FilterDateField


def _required():
    return DataRequired(message=_l("Please fill in this field."))


class SearchForm(FlaskForm):
    """A GET form: no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name, email, NIK, phone or tracking number"), validators=[Optional()])
    kind = SelectField(
        _l("Search by"),
        choices=[
            SelectChoice("auto", _l("Automatic")),
            SelectChoice("name", _l("Name (part of it)")),
            SelectChoice("email", _l("Email")),
            SelectChoice("nik", _l("NIK")),
            SelectChoice("phone", _l("Phone")),
            SelectChoice("tracking", _l("Tracking number")),
        ],
        default="auto",
        validate_choice=False,
    )


class ActionForm(FlaskForm):
    """A button that only carries the CSRF token."""


class SendTutorialForm(FlaskForm):
    tutorial = SelectField(_l("Video guide and chapter"), validators=[_required()], validate_choice=False)
    submit = SubmitField(_l("Send to the applicant"))


class NoteForm(FlaskForm):
    channel = SelectField(
        _l("How did they contact us?"),
        choices=[
            SelectChoice(Channel.PHONE.value, _l("Phone")),
            SelectChoice(Channel.WHATSAPP.value, _l("WhatsApp")),
            SelectChoice(Channel.WALK_IN.value, _l("Walk-in")),
            SelectChoice(Channel.EMAIL.value, _l("Email")),
        ],
        validators=[_required()],
    )
    topic = StringField(_l("Topic"), validators=[_required(), Length(max=120)])
    text = TextAreaField(_l("What was said"), validators=[_required(), Length(max=4000)])
    resolved = BooleanField(_l("Resolved"))
    submit = SubmitField(_l("Save note"))


class AssistCodeForm(FlaskForm):
    code = StringField(
        _l("Assist code"),
        validators=[_required(), Length(max=20)],
        description=_l("The 6 digits the applicant reads to you."),
    )
    submit = SubmitField(_l("Open their draft"))


class StuckFilterForm(FlaskForm):
    class Meta:
        csrf = False

    start = FilterDateField(_l("From"), validators=[Optional()])
    end = FilterDateField(_l("To"), validators=[Optional()])
    submit = SubmitField(_l("Show"))
